using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Spectre.Console;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary><c>tpnet reproduce</c>: runs Table 1 cells with Table 5 hyperparameters and prints paper vs ours.</summary>
public static class ReproduceCommand
{
    private static readonly DataFlags Data = new();
    private static readonly Option<string> ArchOption = new("--arch") { Description = "architecture preset whose Table 1 cells to run: mnist-lc, mnist-fc, cifar-fc or cifar-lc", DefaultValueFactory = _ => "mnist-lc" };
    private static readonly Option<string?> DatasetOption = new("--dataset", "-d") { Description = "dataset (default: mnist for mnist-*, cifar10 for cifar-*; a folder of the extracted CIFAR-10 JPEG tars works too, with a note that they are a lossy re-encode)" };
    private static readonly Option<int> EpochsOption = new("--epochs", "-e") { Description = "epoch budget per cell", DefaultValueFactory = _ => 10 };
    private static readonly Option<string?> OnlyOption = new("--only") { Description = $"comma-separated algorithms to run, of {AlgorithmNames.Sentence}, or single cells as ALGORITHM-SCHEDULE (e.g. bp,sdtp-parallel); a rule without a Table 1 cell runs in parallel with no paper figure" };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "output folder (one subfolder per cell, results.md, learning_curves.png); cells finished there with the same command are not rerun", DefaultValueFactory = _ => "tpnet-reproduce" };
    private static readonly Option<int?> CheckpointOption = new("--checkpoint-every") { Description = "write CELL/checkpoint.ckpt every N epochs; a rerun resumes an unfinished cell from its checkpoint (also after raising --epochs)" };
    private static readonly Option<int> SeedOption = new("--seed") { Description = "random seed of every cell", DefaultValueFactory = _ => 0 };
    private static readonly Option<string?> SeedsOption = new("--seeds") { Description = "comma-separated seeds: every cell once per seed (seed S ≠ 0 in CELL-seedS), and results.md adds each cell's mean ± standard deviation" };
    private static readonly Option<string?> ScalabilityOption = new("--scalability") { Description = "train nothing: read every seed-0 metrics.json under these comma-separated folders (later folders replace earlier ones' cells) and write OUTPUT/scalability.md and scalability.png, each algorithm's best test error and gap to BP from MNIST-FC to CIFAR-LC beside the paper's" };
    private static readonly Option<string?> HParamsOption = new("--hparams") { Description = "Table 5 column to use for every cell (an architecture preset name), or a folder of searched presets (e.g. presets: each cell uses FOLDER/ARCH-ALGORITHM-SCHEDULE.json where it exists, Table 5 elsewhere); default: each cell's architecture's Table 5 column" };

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("reproduce", "Run the paper's Table 1 cells for an architecture with Table 5 hyperparameters and compare the test errors.")
        {
            ArchOption, DatasetOption, EpochsOption, OnlyOption, OutputOption,
            CheckpointOption, SeedOption, SeedsOption, HParamsOption, ScalabilityOption,
        };
        foreach (var option in Data.Options) command.Options.Add(option);
        foreach (var option in FidelityFlags.Options) command.Options.Add(option);
        command.SetAction((ParseResult parse, CancellationToken cancellation) =>
        {
            if (parse.GetValue(ScalabilityOption) is { } folders)
                return Task.FromResult(WriteScalability(folders, parse.GetValue(OutputOption)!));
            string arch = parse.GetValue(ArchOption)!;
            var known = PaperTable1.Cells.Select(c => c.Architecture).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (!known.Contains(arch, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"--arch '{arch}': the paper's Table 1 numbers are known here only for {string.Join(", ", known)} (the ImageNet cells are not in PaperTable1); use 'tpnet train --arch {arch}' to train it without a comparison.");
            var only = parse.GetValue(OnlyOption)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var cells = PaperTable1.Cells.Where(c => c.Architecture.Equals(arch, StringComparison.OrdinalIgnoreCase)
                && (only is null || only.Contains(c.Algorithm, StringComparer.OrdinalIgnoreCase) || only.Contains($"{c.Algorithm}-{c.Schedule}", StringComparer.OrdinalIgnoreCase))).ToList();
            // A registered rule that is not in Table 1 (the later literature's) runs with "–" for the paper's error.
            foreach (var name in only ?? [])
            {
                var rule = AlgorithmRegistry.Find(name.EndsWith("-parallel", StringComparison.OrdinalIgnoreCase) ? name[..^"-parallel".Length] : name);
                if (rule is not null && !PaperTable1.Cells.Any(c => c.Architecture.Equals(arch, StringComparison.OrdinalIgnoreCase) && c.Algorithm == rule.ShortName))
                    cells.Add(new PaperTable1.Cell(arch, rule.ShortName, "parallel", double.NaN));
            }
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
            var seeds = Seeds(parse);
            var locator = new DatasetLocator(parse.GetValue(Data.DataDir));
            TrainRequest Request(PaperTable1.Cell cell, int seed) => new()
            {
                Dataset = dataset,
                Algorithm = cell.Algorithm,
                Architecture = cell.Architecture,
                Schedule = cell.Schedule,
                Epochs = parse.GetValue(EpochsOption),
                Threads = parse.GetValue(Data.Threads),
                TrainLimit = parse.GetValue(Data.TrainLimit),
                TestLimit = parse.GetValue(Data.TestLimit),
                DataDir = parse.GetValue(Data.DataDir),
                Seed = seed,
                HyperParameterPreset = Preset(cell),
                CheckpointEvery = parse.GetValue(CheckpointOption),
                Fidelity = FidelityFlags.From(parse),
            };
            var runs = cells.SelectMany(c => seeds.Select(seed => (Cell: c, Seed: seed))).ToList();
            var rows = new List<Row>();
            var resumed = new HashSet<(PaperTable1.Cell, int)>();
            foreach (var (cell, seed) in runs)
            {
                if (cancellation.IsCancellationRequested) break;
                var request = Request(cell, seed);
                string folder = Path.Combine(output, Folder(cell, seed));
                var outcome = Finished(request, folder);
                if (outcome is not null)
                {
                    AnsiConsole.MarkupLine("[bold]{0}[/]: finished earlier with this command, skipped", Markup.Escape(folder));
                    resumed.Add((cell, seed));
                }
                else
                {
                    AnsiConsole.MarkupLine("[bold]{0}[/]", Markup.Escape(request.ToCommandLine()));
                    bool resume = request.CheckpointEvery is not null && File.Exists(Path.Combine(folder, "checkpoint.ckpt"));
                    outcome = TrainCommand.Run(request, locator, folder, 0, null, cancellation, resume);
                }
                rows.Add(new Row(cell, seed, outcome));
                WriteReport(output, rows, dataset, expected);
                Plots.ErrorCurves(rows.Where(r => r.Outcome.Result.History.Count > 0).Select(r => ($"{r.Cell.Algorithm} {r.Cell.Schedule}{(seeds.Count > 1 ? $" seed {r.Seed}" : "")}", (IReadOnlyList<Model.EpochMetrics>)r.Outcome.Result.History)).ToList(),
                    $"{cell.Architecture} on {request.Dataset}: train (dashed) and test (solid) error (Figure 8)", Path.Combine(output, "learning_curves.png"));
            }
            var table = new Table().AddColumns("#", "architecture", "algorithm", "schedule", "seed", "paper error %", "ours: best error % (epoch)", "ours: final error %", "epochs", "s/epoch");
            for (int i = 0; i < rows.Count; i++)
            {
                var (cell, seed, o) = rows[i];
                table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), cell.Architecture, cell.Algorithm, cell.Schedule, seed.ToString(CultureInfo.InvariantCulture), F(cell.TestErrorPercent), $"{F(100 * (1 - o.BestTestAccuracy))} ({o.BestEpoch})",
                    F(100 * o.Test.Error), o.Result.History.Count.ToString(CultureInfo.InvariantCulture), F(o.MedianEpochSeconds, "F1"));
            }
            AnsiConsole.Write(table);
            // The exact command of every row (and of the cells an interruption left out), unwrapped so it can be copied.
            Console.WriteLine("Commands:");
            for (int i = 0; i < runs.Count; i++)
            {
                var (cell, seed) = runs[i];
                string status = i >= rows.Count ? " (not run: interrupted)"
                    : resumed.Contains((cell, seed)) ? " (finished earlier, not rerun)"
                    : rows[i].Outcome.Result.Cancelled ? " (interrupted)" : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(i < rows.Count ? (i + 1).ToString(CultureInfo.InvariantCulture) : "-")}  {Request(cell, seed).ToCommandLine()}{status}"));
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

    /// <summary>Writes scalability.md and scalability.png from the runs under <paramref name="folders"/> (comma-separated); 0.</summary>
    private static int WriteScalability(string folders, string output)
    {
        var cells = ScalabilityTable.Read(folders.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (cells.Count == 0)
            throw new ArgumentException($"--scalability {folders}: no seed-0 metrics.json of {string.Join(", ", ScalabilityTable.Architectures)} under these folders.");
        Directory.CreateDirectory(output);
        string table = ScalabilityTable.Markdown(cells);
        AtomicFile.WriteAllText(Path.Combine(output, "scalability.md"),
            "# Scalability: best test error % (epochs run) and gap to BP, ours beside Table 1's\n\nRuns: " + string.Join(", ", cells.Select(c => c.Source).Distinct()) + "\n\n" + table);
        ScalabilityTable.Plot(cells, Path.Combine(output, "scalability.png"));
        Console.Write(table);
        AnsiConsole.MarkupLine("Wrote {0}", Markup.Escape(Path.Combine(output, "{scalability.md, scalability.png}")));
        return 0;
    }

    private static string F(double v, string format = "F2") => double.IsNaN(v) ? "–" : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>One trained (or resumed) cell and seed.</summary>
    private sealed record Row(PaperTable1.Cell Cell, int Seed, TrainCommand.Outcome Outcome);

    /// <summary>A cell's folder: ARCH-ALGORITHM-SCHEDULE for seed 0, with -seedS appended for another seed.</summary>
    internal static string Folder(PaperTable1.Cell cell, int seed) =>
        $"{cell.Architecture}-{cell.Algorithm}-{cell.Schedule}" + (seed == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $"-seed{seed}"));

    /// <summary>--seeds S1,S2,… (distinct, ≥ 0), or the single --seed; both at once is an error.</summary>
    private static IReadOnlyList<int> Seeds(ParseResult parse)
    {
        string? list = parse.GetValue(SeedsOption);
        if (list is null) return new[] { parse.GetValue(SeedOption) };
        if (parse.GetResult(SeedOption) is { Implicit: false })
            throw new ArgumentException("--seed and --seeds cannot be used together; give every seed to --seeds (e.g. --seeds 0,1,2).");
        var seeds = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int seed) ? seed
                : throw new ArgumentException($"--seeds: '{t}' is not a non-negative integer; expected a list such as 0,1,2."))
            .ToList();
        if (seeds.Count == 0) throw new ArgumentException("--seeds: expected at least one seed, e.g. 0,1,2.");
        if (seeds.Distinct().Count() != seeds.Count) throw new ArgumentException($"--seeds '{list}' repeats a seed.");
        return seeds;
    }

    /// <summary>Mean and sample standard deviation (0 for one value).</summary>
    private static (double Mean, double Sd) MeanSd(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double sd = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return (mean, sd);
    }

    private static void WriteReport(string output, List<Row> rows, string dataset, string expected)
    {
        var md = new StringBuilder();
        if (Directory.Exists(dataset) && expected == "cifar10")
            md.AppendLine($"Trained on {dataset}: if these are the CIFAR-10 JPEG class folders, they are a lossy re-encode of the official images, so errors are not exactly comparable with the paper's.").AppendLine();
        else if (!dataset.Equals(expected, StringComparison.OrdinalIgnoreCase))
            md.AppendLine($"Trained on {dataset}; the paper's test errors are {PaperTable1.DisplayName(expected)}'s.").AppendLine();
        // A seed column only when the runs differ by seed, so a one-seed table keeps the columns it always had.
        bool seeds = rows.Select(r => r.Seed).Distinct().Count() > 1;
        md.AppendLine($"| architecture | algorithm | schedule |{(seeds ? " seed |" : "")} paper test error % | ours: best test error % (epoch) | ours: final test error % | epochs | s/epoch (median) | command |");
        md.AppendLine($"| --- | --- | --- |{(seeds ? " --- |" : "")} --- | --- | --- | --- | --- | --- |");
        foreach (var (cell, seed, o) in rows)
            md.AppendLine($"| {cell.Architecture} | {cell.Algorithm} | {cell.Schedule} |{(seeds ? $" {seed} |" : "")} {F(cell.TestErrorPercent)} | {F(100 * (1 - o.BestTestAccuracy))} ({o.BestEpoch}) | {F(100 * o.Test.Error)} | {o.Result.History.Count} | {F(o.MedianEpochSeconds, "F1")} | `{o.Request.ToCommandLine()}` |");
        var perCell = rows.GroupBy(r => r.Cell).Where(g => g.Count() > 1).ToList();
        if (perCell.Count > 0)
        {
            md.AppendLine().AppendLine("Over seeds (mean ± sample standard deviation):").AppendLine();
            md.AppendLine("| architecture | algorithm | schedule | seeds | paper test error % | ours: best test error % | ours: final test error % |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var g in perCell)
            {
                var best = MeanSd(g.Select(r => 100 * (1 - r.Outcome.BestTestAccuracy)).ToList());
                var final = MeanSd(g.Select(r => 100 * r.Outcome.Test.Error).ToList());
                md.AppendLine($"| {g.Key.Architecture} | {g.Key.Algorithm} | {g.Key.Schedule} | {string.Join(",", g.Select(r => r.Seed))} | {F(g.Key.TestErrorPercent)} | {F(best.Mean)} ± {F(best.Sd)} | {F(final.Mean)} ± {F(final.Sd)} |");
            }
        }
        Directory.CreateDirectory(output);
        AtomicFile.WriteAllText(Path.Combine(output, "results.md"), md.ToString());
    }
}
