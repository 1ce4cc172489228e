using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ScottPlot;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// The paper's scalability claim as numbers (issue 33): for MNIST-FC → MNIST-LC → CIFAR-FC → CIFAR-LC, each algorithm's
/// best test error in the runs found (every <c>metrics.json</c> under the folders given, as <c>tpnet train</c> and
/// <c>tpnet reproduce</c> write them), its gap to BP on the same architecture, and the paper's (Table 1) beside them;
/// <c>tpnet reproduce --scalability</c> writes the table and its plot.
/// </summary>
public static class ScalabilityTable
{
    /// <summary>The architectures in the order of the claim: harder task, then locally-connected.</summary>
    public static readonly IReadOnlyList<string> Architectures = ["mnist-fc", "mnist-lc", "cifar-fc", "cifar-lc"];

    /// <summary>One run's cell: best test error % at its best epoch, the epochs it ran, and the folder it came from.</summary>
    public sealed record Cell(string Architecture, string Algorithm, string Schedule, double ErrorPercent, int BestEpoch, int Epochs, string Source)
    {
        /// <summary>Table 1's error for this cell, or NaN (a rule of the later literature).</summary>
        public double PaperPercent => PaperTable1.Cells.FirstOrDefault(c => c.Architecture == Architecture && c.Algorithm == Algorithm && c.Schedule == Schedule)?.TestErrorPercent ?? double.NaN;
    }

    /// <summary>
    /// The seed-0 runs under <paramref name="folders"/> on the four architectures; for a cell found more than once, the one
    /// in the later folder (so <c>a,b</c> lets b's longer runs replace a's). Throws naming a folder that does not exist.
    /// </summary>
    public static IReadOnlyList<Cell> Read(IEnumerable<string> folders)
    {
        var cells = new Dictionary<(string, string, string), Cell>();
        foreach (string folder in folders)
        {
            if (!Directory.Exists(folder))
                throw new DirectoryNotFoundException($"--scalability: '{folder}' is not a folder (expected one holding CELL/metrics.json, e.g. docs/runs/cifar-lc-40).");
            foreach (string file in Directory.GetFiles(folder, "metrics.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                if (Parse(file) is { } cell && Architectures.Contains(cell.Architecture))
                    cells[(cell.Architecture, cell.Algorithm, cell.Schedule)] = cell;
        }
        return cells.Values.OrderBy(c => c.Algorithm == "bp" ? 0 : 1).ThenBy(c => c.Algorithm, StringComparer.Ordinal).ThenBy(c => c.Schedule, StringComparer.Ordinal)
            .ThenBy(c => IndexOf(c.Architecture)).ToList();
    }

    /// <summary>The cell of one metrics.json, or null for another seed, an empty history or a file that is not one.</summary>
    public static Cell? Parse(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { AllowTrailingCommas = true });
        var root = json.RootElement;
        if (!root.TryGetProperty("command", out var commandElement) || !root.TryGetProperty("history", out var history)) return null;
        string command = commandElement.GetString() ?? "";
        string? Flag(string name) => Regex.Match(command, $@"--{name} ""?([^"" ]+)""?") is { Success: true } m ? m.Groups[1].Value : null;
        if (Flag("seed") is { } seed && seed != "0") return null;
        double best = double.NaN;
        int bestEpoch = 0, epochs = 0;
        foreach (var epoch in history.EnumerateArray())
        {
            if (epoch.TryGetProperty("Partial", out var partial) && partial.GetBoolean()) continue;
            epochs++;
            if (epoch.TryGetProperty("ValidationAccuracy", out var accuracy) && accuracy.ValueKind == JsonValueKind.Number && !(100 * (1 - accuracy.GetDouble()) >= best))
                (best, bestEpoch) = (100 * (1 - accuracy.GetDouble()), epoch.GetProperty("Epoch").GetInt32());
        }
        if (epochs == 0 || double.IsNaN(best)) return null;
        return new Cell(Flag("arch") ?? "", Flag("algorithm") ?? "", Flag("schedule") ?? "parallel", best, bestEpoch, epochs, Path.GetDirectoryName(file)!);
    }

    /// <summary>The table: one row per algorithm and schedule, per architecture ours (epochs), the paper's, and both gaps to BP.</summary>
    public static string Markdown(IReadOnlyList<Cell> cells)
    {
        var md = new StringBuilder();
        md.AppendLine("| algorithm | schedule | " + string.Join(" | ", Architectures.Select(a => $"{a}: ours % (epochs) / paper % | gap to BP: ours / paper")) + " |");
        md.AppendLine("|---|---|" + string.Concat(Architectures.Select(_ => "---|---|")));
        foreach (var row in cells.GroupBy(c => (c.Algorithm, c.Schedule)))
        {
            md.Append($"| {row.Key.Algorithm} | {row.Key.Schedule} |");
            foreach (string arch in Architectures)
            {
                var cell = row.FirstOrDefault(c => c.Architecture == arch);
                var (ours, paper) = cell is null ? (double.NaN, double.NaN) : Gaps(cells, cell);
                md.Append(cell is null ? " – | – |" : $" {F(cell.ErrorPercent)} ({cell.Epochs}) / {F(cell.PaperPercent)} | {F(ours, true)} / {F(paper, true)} |");
            }
            md.AppendLine();
        }
        return md.ToString();
    }

    /// <summary>A cell's gap to BP on its architecture, ours and the paper's (NaN where BP or the paper has none).</summary>
    public static (double Ours, double Paper) Gaps(IReadOnlyList<Cell> cells, Cell cell)
    {
        var bp = cells.FirstOrDefault(c => c.Architecture == cell.Architecture && c.Algorithm == "bp");
        return (bp is null ? double.NaN : cell.ErrorPercent - bp.ErrorPercent,
            bp is null ? double.NaN : cell.PaperPercent - bp.PaperPercent);
    }

    /// <summary>Gap to BP per architecture: one solid line per algorithm and schedule (ours), dashed for the paper's.</summary>
    public static void Plot(IReadOnlyList<Cell> cells, string path)
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int colour = 0;
        foreach (var row in cells.Where(c => c.Algorithm != "bp").GroupBy(c => (c.Algorithm, c.Schedule)))
        {
            var color = palette.GetColor(colour++);
            var points = row.Select(c => (X: (double)IndexOf(c.Architecture), Gaps: Gaps(cells, c))).Where(p => !double.IsNaN(p.Gaps.Ours)).OrderBy(p => p.X).ToArray();
            if (points.Length == 0) continue;
            var ours = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Gaps.Ours).ToArray(), color);
            ours.LegendText = $"{row.Key.Algorithm} {row.Key.Schedule}";
            var paper = points.Where(p => !double.IsNaN(p.Gaps.Paper)).ToArray();
            if (paper.Length > 0)
            {
                var line = plot.Add.Scatter(paper.Select(p => p.X).ToArray(), paper.Select(p => p.Gaps.Paper).ToArray(), color);
                line.LinePattern = LinePattern.Dashed;
            }
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Architectures.Select((a, i) => new Tick(i, a)).ToArray());
        plot.Axes.SetLimitsX(-0.3, Architectures.Count - 0.7);   // every architecture on the axis, with or without runs
        plot.Title("Test error minus BP's on the same architecture (solid: ours, dashed: the paper's)");
        plot.YLabel("gap to BP (points of test error)");
        plot.ShowLegend(Edge.Right);
        Plots.Save(plot, path, 1000, 550);
    }

    private static int IndexOf(string architecture) => Architectures.ToList().IndexOf(architecture);

    private static string F(double v, bool signed = false) =>
        double.IsNaN(v) ? "–" : v.ToString(signed ? "+0.00;−0.00;0.00" : "F2", CultureInfo.InvariantCulture);
}
