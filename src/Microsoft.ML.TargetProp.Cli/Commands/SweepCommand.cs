using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Spectre.Console;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary>
/// <c>tpnet sweep</c>: the paper's random search over Table 4 (60 configurations by default), with an epoch budget,
/// successive halving (<c>--select-after 3,10 --keep 4,1</c>: every configuration runs 3 epochs, the best 4 continue to
/// 10, the best of those to <c>--epochs</c>; <c>--select-after 10</c> alone is the paper's ImageNet protocol, only the best
/// continues), a resumable CSV per rung, the Figure 5 histogram, and the winner as a preset (<c>best.json</c>, read by
/// <c>tpnet train --hparams FILE.json</c> and <c>tpnet reproduce --hparams FOLDER</c>). <c>--shard i/n</c> runs every
/// n-th configuration so a job array can spread the first rung over machines.
/// </summary>
public static class SweepCommand
{
    private static readonly DataFlags Data = new();
    private static readonly Option<string> DatasetOption = new("--dataset", "-d") { Description = "dataset", DefaultValueFactory = _ => "mnist" };
    private static readonly Option<string> AlgorithmOption = new("--algorithm", "-a") { Description = AlgorithmNames.Sentence, DefaultValueFactory = _ => "sdtp" };
    private static readonly Option<string> ArchOption = new("--arch") { Description = "architecture preset or spec", DefaultValueFactory = _ => "mnist-fc" };
    private static readonly Option<string> ScheduleOption = new("--schedule") { Description = "parallel or alternating", DefaultValueFactory = _ => "parallel" };
    private static readonly Option<int> ConfigsOption = new("--configs", "-n") { Description = "number of random configurations", DefaultValueFactory = _ => 60 };
    private static readonly Option<int> EpochsOption = new("--epochs", "-e") { Description = "epoch budget per configuration (of the last rung with --select-after)", DefaultValueFactory = _ => 5 };
    private static readonly Option<string?> SelectAfterOption = new("--select-after") { Description = "successive halving: comma-separated, increasing epochs below --epochs after which only the best configurations continue (e.g. 3,10; one value is the paper's ImageNet protocol). Single shard: with --shard i/n, n > 1, it is not applied and a warning says so; a rerun skips finished continuations" };
    private static readonly Option<string?> KeepOption = new("--keep") { Description = "with --select-after: how many configurations continue after each of its rungs, comma-separated (default 1 each, e.g. 4,1)" };
    private static readonly Option<string> ShardOption = new("--shard") { Description = "i/n: run configurations with index ≡ i (mod n), e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT", DefaultValueFactory = _ => "0/1" };
    private static readonly Option<int> SeedOption = new("--seed") { Description = "seed of the configuration draws and of each run", DefaultValueFactory = _ => 0 };
    private static readonly Option<int> BatchOption = new("--batch-size", "-b") { Description = "minibatch size", DefaultValueFactory = _ => 100 };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "output folder (results CSV per shard and rung, histogram PNG, best.json, summary.md)", DefaultValueFactory = _ => "tpnet-sweep" };

    /// <summary>One drawn configuration.</summary>
    public sealed record Configuration(int Index, HyperParameters HyperParameters);

    /// <summary>Everything one sweep run needs, read from the command line once.</summary>
    private sealed record Sweep(ParseResult Parse, NetworkSpec Spec, AlgorithmDescriptor Kind, TrainingSchedule Schedule, int Count, int Seed, string Output,
        IReadOnlyList<int> Budgets, IReadOnlyList<int> Keep, FidelityFlags Fidelity, InMemoryDataset Train, InMemoryDataset Test)
    {
        public IReadOnlyList<Configuration> Configurations { get; } = Draw(Kind, Schedule, Count, Seed);

        /// <summary>Rung r's CSV: the shard file for the first rung, rung-r.csv in between, selected.csv for the last.</summary>
        public string Csv(int rung, int shard = 0, int shards = 1) =>
            rung == 0 ? System.IO.Path.Combine(Output, $"results-shard-{shard}-of-{shards}.csv")
            : System.IO.Path.Combine(Output, rung == Budgets.Count - 1 ? "selected.csv" : $"rung-{rung}.csv");

        /// <summary>Configuration i's per-epoch history, rewritten after every epoch of every rung (its learning curve).</summary>
        public string History(int index) => System.IO.Path.Combine(Output, $"config-{index}-history.json");

        /// <summary>The checkpoint of configuration i at the end of rung r.</summary>
        public string Checkpoint(int rung, int index) => System.IO.Path.Combine(Output, rung == 0 ? $"config-{index}.ckpt" : $"config-{index}-rung-{rung}.ckpt");

        /// <summary>The settings key of rung r (its budget and every earlier one).</summary>
        public string Settings(int rung) => SettingsKey(Parse, string.Join("+", Budgets.Take(rung + 1)), Fidelity);

        public TrainingOptions Options(Configuration config, int epochs) => Fidelity.Apply(new TrainingOptions
        {
            Algorithm = Kind, HyperParameters = config.HyperParameters, Epochs = epochs, BatchSize = Parse.GetValue(BatchOption),
            Seed = Seed + config.Index, NumberOfThreads = Parse.GetValue(Data.Threads), Diagnostics = false,
        });
    }

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("sweep", "Random hyperparameter search over Table 4 with successive halving (resumable, shardable); writes the best configuration as a preset.")
        {
            DatasetOption, AlgorithmOption, ArchOption, ScheduleOption, ConfigsOption, EpochsOption, SelectAfterOption, KeepOption, ShardOption, SeedOption,
            BatchOption, OutputOption,
        };
        foreach (var option in Data.Options) command.Options.Add(option);
        foreach (var option in FidelityFlags.Options) command.Options.Add(option);
        command.SetAction((ParseResult parse, CancellationToken cancellation) =>
        {
            var kind = AlgorithmNames.Parse(parse.GetValue(AlgorithmOption)!);
            var schedule = new TrainRequest { Schedule = parse.GetValue(ScheduleOption)! }.ParsedSchedule;
            var spec = NetworkSpec.Parse(parse.GetValue(ArchOption)!);
            int count = parse.GetValue(ConfigsOption), epochs = parse.GetValue(EpochsOption), seed = parse.GetValue(SeedOption);
            if (count < 1) throw new ArgumentOutOfRangeException("--configs", $"--configs must be ≥ 1; got {count}.");
            if (epochs < 1) throw new ArgumentOutOfRangeException("--epochs", $"--epochs must be ≥ 1; got {epochs}.");
            var (shard, shards) = ParseShard(parse.GetValue(ShardOption)!);
            var (selectAfter, keep) = ParseRungs(parse.GetValue(SelectAfterOption), parse.GetValue(KeepOption), epochs, count);
            List<int> budgets = [.. selectAfter, epochs];
            if (selectAfter.Count > 0 && shards > 1)
            {
                Warnings.Write($"--select-after is not applied with --shard {shard}/{shards}: successive halving needs every configuration in one run (--shard 0/1); this shard only runs its configurations for {selectAfter[0]} epochs.");
                (budgets, keep) = ([selectAfter[0]], []);
            }
            string output = parse.GetValue(OutputOption)!;
            Directory.CreateDirectory(output);
            var (train, test) = new DatasetLocator(parse.GetValue(Data.DataDir)).Load(parse.GetValue(DatasetOption)!, parse.GetValue(Data.TrainLimit), parse.GetValue(Data.TestLimit));
            var sweep = new Sweep(parse, spec, kind, schedule, count, seed, output, budgets, keep, FidelityFlags.From(parse), train, test);

            string csv = sweep.Csv(0, shard, shards), settings = sweep.Settings(0);
            var done = ReadRows(csv).Where(r => r.Settings.Length == 0 || r.Settings == settings).Select(r => r.Index).ToHashSet();
            bool halving = budgets.Count > 1;
            foreach (var config in sweep.Configurations.Where(c => c.Index % shards == shard))
            {
                if (cancellation.IsCancellationRequested) break;
                if (done.Contains(config.Index)) { AnsiConsole.MarkupLine("configuration {0}: already done, skipped", config.Index); continue; }
                using var trainer = new NetworkTrainer(spec, train.Shape, train.Classes, sweep.Options(config, budgets[0]));
                var result = trainer.Fit(train, test, EpochLine(config.Index, budgets[0], sweep.History(config.Index), trainer), cancellation);
                if (result.Cancelled) break;
                if (halving) trainer.SaveCheckpoint(sweep.Checkpoint(0, config.Index));
                AppendRow(csv, config, result, budgets[0], settings);
                AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "configuration {0}: best test accuracy {1:P2}{2}", config.Index, Best(result), result.Divergence is null ? "" : " (diverged)");
            }
            for (int rung = 1; rung < budgets.Count && !cancellation.IsCancellationRequested; rung++)
                if (!Continue(sweep, rung, cancellation)) break;
            var accuracies = Directory.GetFiles(output, "results-shard-*.csv").SelectMany(f => ReadRows(f).Select(r => r.BestAccuracy)).ToList();
            Plots.Histogram(accuracies, $"{kind} on {parse.GetValue(DatasetOption)}, {spec}: {accuracies.Count} configurations", Path.Combine(output, "histogram.png"));
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "{0} configurations finished; best test accuracy {1:P2}. Results: {2}", accuracies.Count,
                accuracies.Count == 0 ? double.NaN : accuracies.Max(), Markup.Escape(csv));
            if (shards == 1 && !cancellation.IsCancellationRequested) WriteBest(sweep);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>
    /// Parses <c>--select-after</c> (increasing epochs in [1, <paramref name="epochs"/> − 1]) and <c>--keep</c> (one count
    /// ≥ 1 per rung, not increasing, below <paramref name="count"/> at the first rung; default 1 each).
    /// </summary>
    public static (List<int> SelectAfter, List<int> Keep) ParseRungs(string? selectAfter, string? keep, int epochs, int count)
    {
        static List<int> Numbers(string text, string option) => text.Split(',', StringSplitOptions.TrimEntries).Select(t =>
            int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v
            : throw new ArgumentException($"{option} must be comma-separated whole numbers, e.g. 3,10; got '{text}'.")).ToList();
        if (selectAfter is null)
        {
            if (keep is not null) throw new ArgumentException("--keep needs --select-after (the epochs after which configurations are kept).");
            return (new List<int>(), new List<int>());
        }
        var rungs = Numbers(selectAfter, "--select-after");
        for (int i = 0; i < rungs.Count; i++)
            if (rungs[i] < 1 || rungs[i] >= epochs || (i > 0 && rungs[i] <= rungs[i - 1]))
                throw new ArgumentOutOfRangeException("--select-after", $"--select-after must be increasing epochs in [1, --epochs − 1 = {epochs - 1}]; got {selectAfter}.");
        var kept = keep is null ? rungs.Select(_ => 1).ToList() : Numbers(keep, "--keep");
        if (kept.Count != rungs.Count)
            throw new ArgumentException($"--keep needs one count per --select-after rung ({rungs.Count}); got '{keep}'.");
        for (int i = 0; i < kept.Count; i++)
            if (kept[i] < 1 || (i > 0 && kept[i] > kept[i - 1]))
                throw new ArgumentOutOfRangeException("--keep", $"--keep must be counts ≥ 1 that do not increase from rung to rung; got {keep}.");
        if (kept[0] > count)
            throw new ArgumentOutOfRangeException("--keep", $"--keep {kept[0]} exceeds --configs {count}.");
        return (rungs, kept);
    }

    /// <summary>The <paramref name="count"/> configurations drawn from Table 4 for <paramref name="seed"/> (the same on every shard).</summary>
    public static IReadOnlyList<Configuration> Draw(AlgorithmDescriptor kind, TrainingSchedule schedule, int count, int seed)
    {
        var random = new Random(seed);
        double LogUniform(double lo, double hi) => Math.Exp(Math.Log(lo) + random.NextDouble() * (Math.Log(hi) - Math.Log(lo)));
        double Uniform(double lo, double hi) => lo + random.NextDouble() * (hi - lo);
        T Pick<T>(params T[] values) => values[random.Next(values.Length)];
        var list = new List<Configuration>();
        for (int i = 0; i < count; i++)
        {
            var forward = new AdamSettings(LogUniform(1e-5, 3e-4), 0.9, Pick(0.99, 0.999), Pick(1e-4, 1e-6, 1e-8));
            var inverse = new AdamSettings(LogUniform(1e-5, 3e-4), 0.9, Pick(0.99, 0.999), Pick(1e-4, 1e-6, 1e-8));
            double alpha = Uniform(0.01, 0.2), sigma = Uniform(0.01, 0.3);
            // A rule's own settings are drawn after Table 4's values (the paper's six have none: their draws are unchanged).
            var settings = RuleSettings.From(kind.Settings.Where(s => s.SearchRange is not null).Select(s => new KeyValuePair<string, double>(s.Name, s.Draw(random))));
            list.Add(new Configuration(i, new HyperParameters { Forward = forward, Inverse = inverse, Alpha = alpha, Sigma = sigma, Schedule = schedule, Settings = settings }));
        }
        return list;
    }

    private static (int Shard, int Shards) ParseShard(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out int i) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int n) || n < 1 || i < 0 || i >= n)
            throw new ArgumentException($"--shard must be i/n with 0 ≤ i < n, e.g. 0/4; got '{text}'.");
        return (i, n);
    }

    /// <summary>
    /// One line per epoch, so a long configuration shows it is alive (a CIFAR-LC epoch takes minutes), and the history so
    /// far written to <paramref name="historyPath"/> (atomically), so the winner's learning curve survives the sweep.
    /// </summary>
    private static Action<EpochMetrics> EpochLine(int index, int epochs, string historyPath, NetworkTrainer trainer) => m =>
    {
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "configuration {0}, epoch {1}/{2}: train loss {3:F4}, test accuracy {4:P2}, {5:F0} s",
            index, m.Epoch, epochs, m.TrainLoss, m.ValidationAccuracy ?? double.NaN, m.Seconds);
        TrainCommand.WriteJsonAtomically(historyPath, new { configuration = index, history = trainer.History });
    };

    private static double Best(TrainingResult result) => result.History.Count == 0 ? 0 : result.History.Max(h => h.ValidationAccuracy ?? 0);

    private const string Header = "index,forward_lr,forward_beta2,forward_eps,inverse_lr,inverse_beta2,inverse_eps,alpha,sigma,epochs,best_test_accuracy,best_epoch,final_test_accuracy,seconds,diverged,settings";

    /// <summary>One CSV row: the configuration index, its best test accuracy, the epochs it ran and the settings key (empty in older CSVs).</summary>
    private sealed record ResultRow(int Index, double BestAccuracy, int Epochs, string Settings, int BestEpoch);

    /// <summary>
    /// A short key of the settings that determine a configuration's result (dataset, algorithm, architecture, schedule,
    /// seed, batch size, limits, reproduction flags and the epoch budgets run); a row with another key is not reused.
    /// <c>--configs</c> is not part of it: configuration i is the same whatever the count.
    /// </summary>
    private static string SettingsKey(ParseResult parse, string budgets, FidelityFlags fidelity)
    {
        string text = string.Join("|", parse.GetValue(DatasetOption), parse.GetValue(AlgorithmOption)!.ToLowerInvariant(), parse.GetValue(ArchOption), parse.GetValue(ScheduleOption)!.ToLowerInvariant(),
            budgets, parse.GetValue(SeedOption), parse.GetValue(BatchOption), parse.GetValue(Data.TrainLimit), parse.GetValue(Data.TestLimit));
        string flags = string.Join(" ", fidelity.ToArgs());
        if (flags.Length > 0) text += "|" + flags;   // no flags: the key of sweeps made before the flags existed
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private static void AppendRow(string csv, Configuration c, TrainingResult result, int epochs, string settings) =>
        CsvRows.Append(csv, Header, FormatRow(c, result, epochs, settings));

    private static string FormatRow(Configuration c, TrainingResult result, int epochs, string settings)
    {
        var h = c.HyperParameters;
        var best = result.History.OrderByDescending(m => m.ValidationAccuracy ?? 0).FirstOrDefault();
        return string.Join(",", new object[]
        {
            c.Index, h.Forward.LearningRate, h.Forward.Beta2, h.Forward.Epsilon, h.Inverse.LearningRate, h.Inverse.Beta2, h.Inverse.Epsilon,
            h.Alpha, h.Sigma, epochs, Best(result), best?.Epoch ?? 0, result.History.LastOrDefault()?.ValidationAccuracy ?? 0,
            result.History.Sum(m => m.Seconds), result.Divergence is null ? 0 : 1, settings,
        }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
    }

    /// <summary>The rows of a results CSV; truncated or garbled lines are skipped with a warning naming the file and line (the configuration then runs again).</summary>
    private static List<ResultRow> ReadRows(string csv) => CsvRows.Read(csv, 15, f => new ResultRow(
        int.Parse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture), ParseDouble(f[10]), int.Parse(f[9], NumberStyles.Integer, CultureInfo.InvariantCulture), f.Length > 15 ? f[15] : "", int.Parse(f[11], NumberStyles.Integer, CultureInfo.InvariantCulture)));

    private static double ParseDouble(string text)
    {
        double value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(value) ? value : throw new FormatException($"'{text}' is not a finite number");
    }

    /// <summary>
    /// Rung <paramref name="rung"/> of successive halving: the best <c>Keep[rung − 1]</c> configurations of the previous
    /// rung continue from their checkpoints to this rung's budget (finished ones are skipped). False when interrupted.
    /// </summary>
    private static bool Continue(Sweep sweep, int rung, CancellationToken cancellation)
    {
        var previous = ReadRows(sweep.Csv(rung - 1)).Where(r => r.Index < sweep.Count && (r.Settings.Length == 0 || r.Settings == sweep.Settings(rung - 1)))
            .GroupBy(r => r.Index).Select(g => g.Last()).ToList();
        var survivors = previous.OrderByDescending(r => r.BestAccuracy).ThenBy(r => r.Index).Take(sweep.Keep[rung - 1]).Select(r => r.Index).ToList();
        string csv = sweep.Csv(rung), settings = sweep.Settings(rung);
        int epochs = sweep.Budgets[rung];
        var done = ReadRows(csv).Where(r => r.Settings == settings).Select(r => r.Index).ToHashSet();
        foreach (int index in survivors)
        {
            if (done.Contains(index))
            {
                AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "configuration {0}: already continued to {1} epochs in {2}, skipped", index, epochs, Markup.Escape(Path.GetFileName(csv)));
                continue;
            }
            string checkpoint = sweep.Checkpoint(rung - 1, index);
            if (!File.Exists(checkpoint))
                throw new FileNotFoundException($"--select-after: the checkpoint of configuration {index} after {sweep.Budgets[rung - 1]} epochs ('{checkpoint}') is missing; delete its row from '{sweep.Csv(rung - 1)}' to run it again.", checkpoint);
            var config = sweep.Configurations[index];
            using var trainer = new NetworkTrainer(sweep.Spec, sweep.Train.Shape, sweep.Train.Classes, sweep.Options(config, epochs));
            trainer.LoadCheckpoint(checkpoint);
            var result = trainer.Fit(sweep.Train, sweep.Test, EpochLine(index, epochs, sweep.History(index), trainer), cancellation);
            if (result.Cancelled)
            {
                AnsiConsole.MarkupLine("[yellow]Interrupted: configuration {0} was not continued to the end; rerun the same command to continue it.[/]", index);
                return false;
            }
            if (rung < sweep.Budgets.Count - 1) trainer.SaveCheckpoint(sweep.Checkpoint(rung, index));
            AppendRow(csv, config, result, epochs, settings);
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "configuration {0} continued to {1} epochs: best test accuracy {2:P2}", index, epochs, Best(result));
        }
        return true;
    }

    /// <summary>
    /// Writes the best configuration of the last rung as <c>best.json</c> (a <see cref="HyperParameterFile"/>) and every
    /// rung's ranking as <c>summary.md</c>.
    /// </summary>
    private static void WriteBest(Sweep sweep)
    {
        var rungs = Enumerable.Range(0, sweep.Budgets.Count).Select(r =>
            ReadRows(sweep.Csv(r)).Where(row => row.Settings.Length == 0 || row.Settings == sweep.Settings(r)).GroupBy(row => row.Index).Select(g => g.Last())
                .OrderByDescending(row => row.BestAccuracy).ThenBy(row => row.Index).ToList()).ToList();
        var last = rungs[^1];
        if (last.Count == 0) return;
        var winner = last[0];
        var parse = sweep.Parse;
        string command = "tpnet " + string.Join(" ", parse.Tokens.Select(t => t.Value.Contains(' ', StringComparison.Ordinal) ? $"\"{t.Value}\"" : t.Value));
        var file = new HyperParameterFile
        {
            Architecture = parse.GetValue(ArchOption)!, Algorithm = AlgorithmNames.Of(sweep.Kind), Schedule = sweep.Schedule == TrainingSchedule.Alternating ? "alternating" : "parallel",
            Dataset = parse.GetValue(DatasetOption)!, HyperParameters = sweep.Configurations[winner.Index].HyperParameters,
            Search = new HyperParameterFile.SearchSummary(sweep.Count, sweep.Budgets, sweep.Keep, sweep.Seed, winner.Index, winner.BestAccuracy, winner.BestEpoch, command),
        };
        AtomicFile.WriteAllText(Path.Combine(sweep.Output, "best.json"), file.ToJson());
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Random search over Table 4: {sweep.Count} configurations of {file.Algorithm} ({file.Schedule}) on {file.Dataset}, {file.Architecture}; rungs of {string.Join(", ", sweep.Budgets)} epochs.").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{command}`").AppendLine();
        md.AppendLine("| rung (epochs) | configuration | forward lr | β2 | ϵ | inverse lr | β2 | ϵ | α | σ | best test error % (epoch) |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int r = 0; r < rungs.Count; r++)
            foreach (var row in rungs[r].Take(r == 0 ? 10 : rungs[r].Count))
            {
                var h = sweep.Configurations[row.Index].HyperParameters;
                md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {r} ({sweep.Budgets[r]}) | {row.Index} | {h.Forward.LearningRate:G3} | {h.Forward.Beta2} | {h.Forward.Epsilon:G1} | {h.Inverse.LearningRate:G3} | {h.Inverse.Beta2} | {h.Inverse.Epsilon:G1} | {h.Alpha:F3} | {h.Sigma:F3} | {100 * (1 - row.BestAccuracy):F2} ({row.BestEpoch}) |"));
            }
        AtomicFile.WriteAllText(Path.Combine(sweep.Output, "summary.md"), md.ToString());
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "best configuration {0}: test error {1:F2} % at epoch {2}; preset written to {3}", winner.Index, 100 * (1 - winner.BestAccuracy), winner.BestEpoch,
            Markup.Escape(Path.Combine(sweep.Output, "best.json")));
    }
}
