using System.Collections.Generic;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// Test errors (%) of Table 1 of Bartunov et al. (2018) that this project compares against: the MNIST and CIFAR-10
/// rows. The CIFAR numbers come from a PDF conversion whose column assignment was reconstructed (issue 16); the BP
/// ConvNet row is the cifar-conv preset (CIFAR-LC's geometry with shared weights).
/// </summary>
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
        new Cell("cifar-fc", "bp", "parallel", 41.32),
        new Cell("cifar-fc", "fa", "parallel", 41.97),
        new Cell("cifar-fc", "dfa", "parallel", 47.80),
        new Cell("cifar-fc", "dtp", "parallel", 59.14),
        new Cell("cifar-fc", "dtp", "alternating", 42.32),
        new Cell("cifar-fc", "sdtp", "parallel", 55.32),
        new Cell("cifar-fc", "sdtp", "alternating", 54.27),
        new Cell("cifar-fc", "ao-sdtp", "parallel", 47.11),
        new Cell("cifar-fc", "ao-sdtp", "alternating", 45.40),
        new Cell("cifar-lc", "bp", "parallel", 32.41),
        new Cell("cifar-lc", "fa", "parallel", 37.44),
        new Cell("cifar-lc", "dfa", "parallel", 44.41),
        new Cell("cifar-lc", "dtp", "parallel", 39.47),
        new Cell("cifar-lc", "dtp", "alternating", 39.47),
        new Cell("cifar-lc", "sdtp", "parallel", 46.63),
        new Cell("cifar-lc", "sdtp", "alternating", 45.66),
        new Cell("cifar-lc", "ao-sdtp", "parallel", 40.05),
        new Cell("cifar-lc", "ao-sdtp", "alternating", 40.21),
        new Cell("cifar-conv", "bp", "parallel", 31.87),
    };

    /// <summary>How a dataset name reads in messages: MNIST or CIFAR-10.</summary>
    public static string DisplayName(string dataset) => dataset == "cifar10" ? "CIFAR-10" : "MNIST";

    /// <summary>The dataset the paper's numbers for <paramref name="architecture"/> are on (mnist or cifar10).</summary>
    public static string DatasetOf(string architecture) => architecture.StartsWith("cifar", System.StringComparison.OrdinalIgnoreCase) ? "cifar10" : "mnist";
}
