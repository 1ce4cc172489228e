using System.Collections.Generic;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>Test errors (%) of Table 1 of Bartunov et al. (2018) that this project compares against (MNIST rows).</summary>
public static class PaperTable1
{
    /// <summary>One cell: architecture preset, algorithm short name, schedule, the paper's test error in percent.</summary>
    public sealed record Cell(string Architecture, string Algorithm, string Schedule, double TestErrorPercent);

    /// <summary>The MNIST cells.</summary>
    public static readonly IReadOnlyList<Cell> Cells = new[]
    {
        new Cell("mnist-lc", "bp", "parallel", 1.17),
        new Cell("mnist-lc", "fa", "parallel", 1.26),
        new Cell("mnist-lc", "dfa", "parallel", 2.05),
        new Cell("mnist-lc", "dtp", "parallel", 1.52),
        new Cell("mnist-lc", "dtp", "alternating", 1.46),
        new Cell("mnist-lc", "sdtp", "parallel", 1.98),
        new Cell("mnist-lc", "sdtp", "alternating", 1.90),
        new Cell("mnist-lc", "ao-sdtp", "parallel", 1.92),
        new Cell("mnist-lc", "ao-sdtp", "alternating", 1.91),
        new Cell("mnist-fc", "bp", "parallel", 1.48),
        new Cell("mnist-fc", "fa", "parallel", 1.85),
        new Cell("mnist-fc", "dfa", "parallel", 2.75),
        new Cell("mnist-fc", "dtp", "parallel", 2.86),
        new Cell("mnist-fc", "dtp", "alternating", 1.83),
        new Cell("mnist-fc", "sdtp", "parallel", 3.52),
        new Cell("mnist-fc", "sdtp", "alternating", 2.28),
        new Cell("mnist-fc", "ao-sdtp", "parallel", 2.93),
        new Cell("mnist-fc", "ao-sdtp", "alternating", 1.86),
    };
}
