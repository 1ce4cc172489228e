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
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Spectre.Console;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary>
/// <c>tpnet sweep</c>: the paper's random search over Table 4 (60 configurations by default), with an epoch budget, an
/// optional ImageNet protocol (after k epochs only the best configuration continues), a resumable CSV and the Figure 5
/// histogram. <c>--shard i/n</c> runs every n-th configuration so a job array can spread the search over machines.
/// </summary>
public static class SweepCommand
{
    private static readonly Option<string> DatasetOption = new("--dataset", "-d") { Description = "dataset", DefaultValueFactory = _ => "mnist" };
    private static readonly Option<string> AlgorithmOption = new("--algorithm", "-a") { Description = "bp, fa, dfa, dtp, sdtp or ao-sdtp", DefaultValueFactory = _ => "sdtp" };
    private static readonly Option<string> ArchOption = new("--arch") { Description = "architecture preset or spec", DefaultValueFactory = _ => "mnist-fc" };
    private static readonly Option<string> ScheduleOption = new("--schedule") { Description = "parallel or alternating", DefaultValueFactory = _ => "parallel" };
    private static readonly Option<int> ConfigsOption = new("--configs", "-n") { Description = "number of random configurations", DefaultValueFactory = _ => 60 };
    private static readonly Option<int> EpochsOption = new("--epochs", "-e") { Description = "epoch budget per configuration", DefaultValueFactory = _ => 5 };
    private static readonly Option<int?> SelectAfterOption = new("--select-after") { Description = "ImageNet protocol: run every configuration this many epochs, then continue only the best to --epochs (single shard: with --shard i/n, n > 1, it is not applied and a warning says so; a rerun skips a finished continuation)" };
    private static readonly Option<string> ShardOption = new("--shard") { Description = "i/n: run configurations with index ≡ i (mod n), e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT", DefaultValueFactory = _ => "0/1" };
    private static readonly Option<int> SeedOption = new("--seed") { Description = "seed of the configuration draws and of each run", DefaultValueFactory = _ => 0 };
    private static readonly Option<int> BatchOption = new("--batch-size", "-b") { Description = "minibatch size", DefaultValueFactory = _ => 100 };
    private static readonly Option<int?> ThreadsOption = new("--threads") { Description = "libtorch threads" };
    private static readonly Option<int?> TrainLimitOption = new("--train-limit") { Description = "use only the first N training examples" };
    private static readonly Option<int?> TestLimitOption = new("--test-limit") { Description = "use only the first N test examples" };
    private static readonly Option<string?> DataDirOption = new("--data-dir") { Description = "dataset folder root" };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "output folder (results CSV per shard, histogram PNG)", DefaultValueFactory = _ => "tpnet-sweep" };

    /// <summary>One drawn configuration.</summary>
    public sealed record Configuration(int Index, HyperParameters HyperParameters);

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("sweep", "Random hyperparameter search over Table 4 (resumable, shardable).")
        {
            DatasetOption, AlgorithmOption, ArchOption, ScheduleOption, ConfigsOption, EpochsOption, SelectAfterOption, ShardOption, SeedOption,
            BatchOption, ThreadsOption, TrainLimitOption, TestLimitOption, DataDirOption, OutputOption,
        };
        command.SetAction((ParseResult parse, CancellationToken cancellation) =>
        {
            var kind = AlgorithmNames.Parse(parse.GetValue(AlgorithmOption)!);
            var schedule = new TrainRequest { Schedule = parse.GetValue(ScheduleOption)! }.ParsedSchedule;
            var spec = NetworkSpec.Parse(parse.GetValue(ArchOption)!);
            int count = parse.GetValue(ConfigsOption), epochs = parse.GetValue(EpochsOption), seed = parse.GetValue(SeedOption);
            if (count < 1) throw new ArgumentOutOfRangeException("--configs", $"--configs must be ≥ 1; got {count}.");
            if (epochs < 1) throw new ArgumentOutOfRangeException("--epochs", $"--epochs must be ≥ 1; got {epochs}.");
            var (shard, shards) = ParseShard(parse.GetValue(ShardOption)!);
            int? selectAfter = parse.GetValue(SelectAfterOption);
            if (selectAfter is { } k && (k < 1 || k >= epochs))
                throw new ArgumentOutOfRangeException("--select-after", $"--select-after must be in [1, --epochs − 1]; got {k}.");
            if (selectAfter is not null && shards > 1)
                Warnings.Write($"--select-after is not applied with --shard {shard}/{shards}: the ImageNet protocol needs every configuration in one run (--shard 0/1); this shard only runs its configurations for {selectAfter} epochs.");
            string output = parse.GetValue(OutputOption)!;
            Directory.CreateDirectory(output);
            string csv = Path.Combine(output, $"results-shard-{shard}-of-{shards}.csv");
            string settings = SettingsKey(parse, selectAfter ?? epochs);
            var done = ReadRows(csv).Where(r => r.Settings.Length == 0 || r.Settings == settings).Select(r => r.Index).ToHashSet();
            var configurations = Draw(kind, schedule, count, seed).Where(c => c.Index % shards == shard).ToList();
            var (train, test) = new DatasetLocator(parse.GetValue(DataDirOption)).Load(parse.GetValue(DatasetOption)!, parse.GetValue(TrainLimitOption), parse.GetValue(TestLimitOption));
            int firstBudget = selectAfter ?? epochs;
            foreach (var config in configurations)
            {
                if (cancellation.IsCancellationRequested) break;
                if (done.Contains(config.Index)) { AnsiConsole.MarkupLine("configuration {0}: already done, skipped", config.Index); continue; }
                var options = new TrainingOptions
                {
                    Algorithm = kind, HyperParameters = config.HyperParameters, Epochs = firstBudget, BatchSize = parse.GetValue(BatchOption),
                    Seed = seed + config.Index, NumberOfThreads = parse.GetValue(ThreadsOption), Diagnostics = false,
                };
                using var trainer = new NetworkTrainer(spec, train.Shape, train.Classes, options);
                var result = trainer.Fit(train, test, cancellation: cancellation);
                if (result.Cancelled) break;
                if (selectAfter is not null) trainer.SaveCheckpoint(Path.Combine(output, $"config-{config.Index}.ckpt"));
                AppendRow(csv, config, result, firstBudget, settings);
                AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "configuration {0}: best test accuracy {1:P2}{2}", config.Index, Best(result), result.Divergence is null ? "" : " (diverged)");
            }
            if (selectAfter is not null && shards == 1 && !cancellation.IsCancellationRequested)
                ContinueBest(output, csv, settings, spec, kind, schedule, count, seed, epochs, parse, train, test, cancellation);
            var accuracies = Directory.GetFiles(output, "results-shard-*.csv").SelectMany(f => ReadRows(f).Select(r => r.BestAccuracy)).ToList();
            Plots.Histogram(accuracies, $"{kind} on {parse.GetValue(DatasetOption)}, {spec}: {accuracies.Count} configurations", Path.Combine(output, "histogram.png"));
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "{0} configurations finished; best test accuracy {1:P2}. Results: {2}", accuracies.Count,
                accuracies.Count == 0 ? double.NaN : accuracies.Max(), Markup.Escape(csv));
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The <paramref name="count"/> configurations drawn from Table 4 for <paramref name="seed"/> (the same on every shard).</summary>
    public static IReadOnlyList<Configuration> Draw(AlgorithmKind kind, TrainingSchedule schedule, int count, int seed)
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
            list.Add(new Configuration(i, new HyperParameters { Forward = forward, Inverse = inverse, Alpha = alpha, Sigma = sigma, Schedule = schedule }));
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

    private static double Best(TrainingResult result) => result.History.Count == 0 ? 0 : result.History.Max(h => h.ValidationAccuracy ?? 0);

    private const string Header = "index,forward_lr,forward_beta2,forward_eps,inverse_lr,inverse_beta2,inverse_eps,alpha,sigma,epochs,best_test_accuracy,best_epoch,final_test_accuracy,seconds,diverged,settings";

    /// <summary>One CSV row: the configuration index, its best test accuracy, the epochs it ran and the settings key (empty in older CSVs).</summary>
    private sealed record ResultRow(int Index, double BestAccuracy, int Epochs, string Settings);

    /// <summary>
    /// A short key of the settings that determine a configuration's result (dataset, algorithm, architecture, schedule,
    /// seed, batch size, limits and the epochs run); a row with another key is not reused. <c>--configs</c> is not part of
    /// it: configuration i is the same whatever the count.
    /// </summary>
    private static string SettingsKey(ParseResult parse, int epochs)
    {
        string text = string.Join("|", parse.GetValue(DatasetOption), parse.GetValue(AlgorithmOption)!.ToLowerInvariant(), parse.GetValue(ArchOption), parse.GetValue(ScheduleOption)!.ToLowerInvariant(),
            epochs, parse.GetValue(SeedOption), parse.GetValue(BatchOption), parse.GetValue(TrainLimitOption), parse.GetValue(TestLimitOption));
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
        int.Parse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture), ParseDouble(f[10]), int.Parse(f[9], NumberStyles.Integer, CultureInfo.InvariantCulture), f.Length > 15 ? f[15] : ""));

    private static double ParseDouble(string text)
    {
        double value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(value) ? value : throw new FormatException($"'{text}' is not a finite number");
    }

    private static void ContinueBest(string output, string csv, string settings, NetworkSpec spec, AlgorithmKind kind, TrainingSchedule schedule, int count, int seed, int epochs,
        ParseResult parse, TorchSharp.Data.InMemoryDataset train, TorchSharp.Data.InMemoryDataset test, CancellationToken cancellation)
    {
        var candidates = ReadRows(csv).Where(r => r.Index < count && (r.Settings.Length == 0 || r.Settings == settings)).ToList();
        if (candidates.Count == 0) return;
        int index = candidates.MaxBy(r => r.BestAccuracy)!.Index;
        string finalCsv = Path.Combine(output, "selected.csv");
        string finalSettings = SettingsKey(parse, epochs);
        // Resumable: selected.csv already holds this configuration continued to --epochs with the same settings.
        if (ReadRows(finalCsv) is [var selected] && selected.Index == index && selected.Epochs == epochs && selected.Settings == finalSettings)
        {
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "selected configuration {0}: already continued to {1} epochs in selected.csv, skipped (best test accuracy {2:P2})", index, epochs, selected.BestAccuracy);
            return;
        }
        var config = Draw(kind, schedule, count, seed)[index];
        var options = new TrainingOptions
        {
            Algorithm = kind, HyperParameters = config.HyperParameters, Epochs = epochs, BatchSize = parse.GetValue(BatchOption),
            Seed = seed + index, NumberOfThreads = parse.GetValue(ThreadsOption), Diagnostics = false,
        };
        string checkpoint = Path.Combine(output, $"config-{index}.ckpt");
        if (!File.Exists(checkpoint))
            throw new FileNotFoundException($"--select-after: the checkpoint of configuration {index} ('{checkpoint}') is missing; delete its row from '{csv}' to run it again.", checkpoint);
        using var trainer = new NetworkTrainer(spec, train.Shape, train.Classes, options);
        trainer.LoadCheckpoint(checkpoint);
        var result = trainer.Fit(train, test, cancellation: cancellation);
        if (result.Cancelled)
        {
            AnsiConsole.MarkupLine("[yellow]Interrupted: selected configuration {0} was not continued to the end; rerun the same command to continue it.[/]", index);
            return;
        }
        AtomicFile.WriteAllText(finalCsv, Header + "\n" + FormatRow(config, result, epochs, finalSettings) + "\n");
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "selected configuration {0} continued to {1} epochs: best test accuracy {2:P2}", index, epochs, Best(result));
    }
}
