using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Spectre.Console;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary><c>tpnet reproduce</c>: runs Table 1 cells with Table 5 hyperparameters and prints paper vs ours.</summary>
public static class ReproduceCommand
{
    private static readonly Option<string> ArchOption = new("--arch") { Description = "architecture preset whose Table 1 cells to run: mnist-lc, mnist-fc, cifar-fc or cifar-lc", DefaultValueFactory = _ => "mnist-lc" };
    private static readonly Option<string?> DatasetOption = new("--dataset", "-d") { Description = "dataset (default: mnist for mnist-*, cifar10 for cifar-*; a folder of the extracted CIFAR-10 JPEG tars works too, with a note that they are a lossy re-encode)" };
    private static readonly Option<int> EpochsOption = new("--epochs", "-e") { Description = "epoch budget per cell", DefaultValueFactory = _ => 10 };
    private static readonly Option<string?> OnlyOption = new("--only") { Description = $"comma-separated algorithms to run, of {AlgorithmNames.Sentence}, or single cells as ALGORITHM-SCHEDULE (e.g. bp,sdtp-parallel)" };
    private static readonly Option<int?> ThreadsOption = new("--threads") { Description = "libtorch threads" };
    private static readonly Option<int?> TrainLimitOption = new("--train-limit") { Description = "use only the first N training examples" };
    private static readonly Option<int?> TestLimitOption = new("--test-limit") { Description = "use only the first N test examples" };
    private static readonly Option<string?> DataDirOption = new("--data-dir") { Description = "dataset folder root" };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "output folder (one subfolder per cell, results.md, learning_curves.png); cells finished there with the same command are not rerun", DefaultValueFactory = _ => "tpnet-reproduce" };
    private static readonly Option<int?> CheckpointOption = new("--checkpoint-every") { Description = "write CELL/checkpoint.ckpt every N epochs; a rerun resumes an unfinished cell from its checkpoint (also after raising --epochs)" };
    private static readonly Option<int> SeedOption = new("--seed") { Description = "random seed of every cell", DefaultValueFactory = _ => 0 };
    private static readonly Option<string?> HParamsOption = new("--hparams") { Description = "Table 5 column to use for every cell (an architecture preset name), or a folder of searched presets (e.g. presets: each cell uses FOLDER/ARCH-ALGORITHM-SCHEDULE.json where it exists, Table 5 elsewhere); default: each cell's architecture's Table 5 column" };

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("reproduce", "Run the paper's Table 1 cells for an architecture with Table 5 hyperparameters and compare the test errors.")
        {
            ArchOption, DatasetOption, EpochsOption, OnlyOption, ThreadsOption, TrainLimitOption, TestLimitOption, DataDirOption, OutputOption,
            CheckpointOption, SeedOption, HParamsOption,
        };
        foreach (var option in FidelityFlags.Options) command.Options.Add(option);
        command.SetAction((ParseResult parse, CancellationToken cancellation) =>
        {
            string arch = parse.GetValue(ArchOption)!;
            var known = PaperTable1.Cells.Select(c => c.Architecture).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (!known.Contains(arch, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"--arch '{arch}': the paper's Table 1 numbers are known here only for {string.Join(", ", known)} (the ImageNet cells are not in PaperTable1); use 'tpnet train --arch {arch}' to train it without a comparison.");
            var only = parse.GetValue(OnlyOption)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var cells = PaperTable1.Cells.Where(c => c.Architecture.Equals(arch, StringComparison.OrdinalIgnoreCase)
                && (only is null || only.Contains(c.Algorithm, StringComparer.OrdinalIgnoreCase) || only.Contains($"{c.Algorithm}-{c.Schedule}", StringComparer.OrdinalIgnoreCase))).ToList();
            if (cells.Count == 0)
                throw new ArgumentException($"--only '{string.Join(",", only!)}' selects no Table 1 cell of {arch}; its cells are {string.Join(", ", PaperTable1.Cells.Where(c => c.Architecture.Equals(arch, StringComparison.OrdinalIgnoreCase)).Select(c => $"{c.Algorithm}-{c.Schedule}"))} (or an algorithm name for all its schedules).");
            string expected = PaperTable1.DatasetOf(arch);
            string dataset = parse.GetValue(DatasetOption) ?? expected;
            if (!dataset.Equals(expected, StringComparison.OrdinalIgnoreCase) && !(Directory.Exists(dataset) && expected == "cifar10"))
                Warnings.Write($"--dataset {dataset}: the paper's numbers in the 'paper error %' column are {PaperTable1.DisplayName(expected)}'s, not {dataset}'s.");
            string output = parse.GetValue(OutputOption)!;
            string? hparams = parse.GetValue(HParamsOption);
            string? Preset(PaperTable1.Cell cell)
            {
                if (hparams is null || !Directory.Exists(hparams)) return hparams;
                string file = Path.Combine(hparams, HyperParameterFile.FileName(cell.Architecture, cell.Algorithm, cell.Schedule));
                return File.Exists(file) ? file : null;
            }
            if (hparams is not null && Directory.Exists(hparams))
            {
                var missing = cells.Where(c => Preset(c) is null).Select(c => $"{c.Algorithm} {c.Schedule}").ToList();
                if (missing.Count > 0)
                    Warnings.Write($"--hparams {hparams}: no searched preset for {string.Join(", ", missing)} (expected {Path.Combine(hparams, arch.ToLowerInvariant() + "-ALGORITHM-SCHEDULE.json")}); those cells use Table 5.");
            }
            var locator = new DatasetLocator(parse.GetValue(DataDirOption));
            TrainRequest Request(PaperTable1.Cell cell) => new()
            {
                Dataset = dataset,
                Algorithm = cell.Algorithm,
                Architecture = cell.Architecture,
                Schedule = cell.Schedule,
                Epochs = parse.GetValue(EpochsOption),
                Threads = parse.GetValue(ThreadsOption),
                TrainLimit = parse.GetValue(TrainLimitOption),
                TestLimit = parse.GetValue(TestLimitOption),
                DataDir = parse.GetValue(DataDirOption),
                Seed = parse.GetValue(SeedOption),
                HyperParameterPreset = Preset(cell),
                CheckpointEvery = parse.GetValue(CheckpointOption),
                Fidelity = FidelityFlags.From(parse),
            };
            var rows = new List<(PaperTable1.Cell Cell, TrainCommand.Outcome Outcome)>();
            var resumed = new HashSet<PaperTable1.Cell>();
            foreach (var cell in cells)
            {
                if (cancellation.IsCancellationRequested) break;
                var request = Request(cell);
                string folder = Path.Combine(output, $"{cell.Architecture}-{cell.Algorithm}-{cell.Schedule}");
                var outcome = Finished(request, folder);
                if (outcome is not null)
                {
                    AnsiConsole.MarkupLine("[bold]{0}[/]: finished earlier with this command, skipped", Markup.Escape(folder));
                    resumed.Add(cell);
                }
                else
                {
                    AnsiConsole.MarkupLine("[bold]{0}[/]", Markup.Escape(request.ToCommandLine()));
                    bool resume = request.CheckpointEvery is not null && File.Exists(Path.Combine(folder, "checkpoint.ckpt"));
                    outcome = TrainCommand.Run(request, locator, folder, 0, null, cancellation, resume);
                }
                rows.Add((cell, outcome));
                WriteReport(output, rows, dataset, expected);
                Plots.ErrorCurves(rows.Where(r => r.Outcome.Result.History.Count > 0).Select(r => ($"{r.Cell.Algorithm} {r.Cell.Schedule}", (IReadOnlyList<Model.EpochMetrics>)r.Outcome.Result.History)).ToList(),
                    $"{cell.Architecture} on {request.Dataset}: train (dashed) and test (solid) error (Figure 8)", Path.Combine(output, "learning_curves.png"));
            }
            var table = new Table().AddColumns("#", "architecture", "algorithm", "schedule", "paper error %", "ours: best error % (epoch)", "ours: final error %", "epochs", "s/epoch");
            for (int i = 0; i < rows.Count; i++)
            {
                var (cell, o) = rows[i];
                table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), cell.Architecture, cell.Algorithm, cell.Schedule, F(cell.TestErrorPercent), $"{F(100 * (1 - o.BestTestAccuracy))} ({o.BestEpoch})",
                    F(100 * o.Test.Error), o.Result.History.Count.ToString(CultureInfo.InvariantCulture), F(o.MedianEpochSeconds, "F1"));
            }
            AnsiConsole.Write(table);
            // The exact command of every row (and of the cells an interruption left out), unwrapped so it can be copied.
            Console.WriteLine("Commands:");
            for (int i = 0; i < cells.Count; i++)
            {
                var cell = cells[i];
                string status = i >= rows.Count ? " (not run: interrupted)"
                    : resumed.Contains(cell) ? " (finished earlier, not rerun)"
                    : rows[i].Outcome.Result.Cancelled ? " (interrupted)" : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(i < rows.Count ? (i + 1).ToString(CultureInfo.InvariantCulture) : "-")}  {Request(cell).ToCommandLine()}{status}"));
            }
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>
    /// The outcome of a cell whose <c>metrics.json</c> records exactly <paramref name="request"/>'s command and a run
    /// that was not cancelled, so a rerun of <c>reproduce</c> resumes after the finished cells; otherwise null.
    /// </summary>
    internal static TrainCommand.Outcome? Finished(TrainRequest request, string folder)
    {
        string path = Path.Combine(folder, "metrics.json");
        if (!File.Exists(path)) return null;
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path), new System.Text.Json.JsonDocumentOptions { AllowTrailingCommas = true });
            var root = json.RootElement;
            if (root.GetProperty("command").GetString() != request.ToCommandLine() || root.GetProperty("cancelled").GetBoolean()) return null;
            var options = new System.Text.Json.JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
            var history = System.Text.Json.JsonSerializer.Deserialize<List<Model.EpochMetrics>>(root.GetProperty("history"), options) ?? new List<Model.EpochMetrics>();
            double Number(string name) => root.GetProperty(name).ValueKind == System.Text.Json.JsonValueKind.String
                ? double.Parse(root.GetProperty(name).GetString()!, CultureInfo.InvariantCulture) : root.GetProperty(name).GetDouble();
            var test = new TorchSharp.Training.EvaluationResult(Number("testLoss"), Number("testAccuracy"), 0);
            var result = new TorchSharp.Training.TrainingResult { History = history, Divergence = root.GetProperty("divergence").GetString() };
            return new TrainCommand.Outcome(request, result, test, Number("bestEpochAccuracy"), root.GetProperty("bestEpoch").GetInt32(), Number("medianEpochSeconds"));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;   // an unreadable or older metrics.json: run the cell again
        }
    }

    private static string F(double v, string format = "F2") => v.ToString(format, CultureInfo.InvariantCulture);

    private static void WriteReport(string output, List<(PaperTable1.Cell Cell, TrainCommand.Outcome Outcome)> rows, string dataset, string expected)
    {
        var md = new StringBuilder();
        if (Directory.Exists(dataset) && expected == "cifar10")
            md.AppendLine($"Trained on {dataset}: if these are the CIFAR-10 JPEG class folders, they are a lossy re-encode of the official images, so errors are not exactly comparable with the paper's.").AppendLine();
        else if (!dataset.Equals(expected, StringComparison.OrdinalIgnoreCase))
            md.AppendLine($"Trained on {dataset}; the paper's test errors are {PaperTable1.DisplayName(expected)}'s.").AppendLine();
        md.AppendLine("| architecture | algorithm | schedule | paper test error % | ours: best test error % (epoch) | ours: final test error % | epochs | s/epoch (median) | command |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (cell, o) in rows)
            md.AppendLine($"| {cell.Architecture} | {cell.Algorithm} | {cell.Schedule} | {F(cell.TestErrorPercent)} | {F(100 * (1 - o.BestTestAccuracy))} ({o.BestEpoch}) | {F(100 * o.Test.Error)} | {o.Result.History.Count} | {F(o.MedianEpochSeconds, "F1")} | `{o.Request.ToCommandLine()}` |");
        Directory.CreateDirectory(output);
        AtomicFile.WriteAllText(Path.Combine(output, "results.md"), md.ToString());
    }
}
