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

/// <summary>
/// <c>tpnet ablate</c>: the fidelity ablation of docs/results.md. Trains a baseline (the library's defaults, or the
/// flags given) and, for each reproduction choice, the same run with that one choice switched, over several seeds at a
/// fixed epoch budget; writes ablation.md (mean ± sd of final and best test error, difference to the baseline).
/// Runs finished earlier in the output folder with the same command are not rerun.
/// </summary>
public static class AblateCommand
{
    private static readonly DataFlags Data = new();
    private static readonly Option<string> ArchOption = new("--arch") { Description = "architecture preset or spec", DefaultValueFactory = _ => "mnist-fc" };
    private static readonly Option<string> AlgorithmOption = new("--algorithm", "-a") { Description = AlgorithmNames.Sentence, DefaultValueFactory = _ => "sdtp" };
    private static readonly Option<string> ScheduleOption = new("--schedule") { Description = "parallel or alternating", DefaultValueFactory = _ => "parallel" };
    private static readonly Option<string> DatasetOption = new("--dataset", "-d") { Description = "dataset", DefaultValueFactory = _ => "mnist" };
    private static readonly Option<int> EpochsOption = new("--epochs", "-e") { Description = "epoch budget of every run", DefaultValueFactory = _ => 5 };
    private static readonly Option<string> SeedsOption = new("--seeds") { Description = "comma-separated seeds", DefaultValueFactory = _ => "0,1" };
    private static readonly Option<string?> FactorsOption = new("--factors") { Description = "comma-separated factors to switch (default all): " + string.Join(", ", Factor.All.Select(f => f.Name).Distinct()) };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "output folder (one subfolder per run, ablation.md)", DefaultValueFactory = _ => "tpnet-ablate" };

    /// <summary>One switched choice: a flag and the value it takes in the variant.</summary>
    internal sealed record Factor(string Name, string Value, Func<TrainRequest, TrainRequest> Apply)
    {
        /// <summary>Every variant the ablation knows; those equal to the baseline are skipped at run time.</summary>
        public static readonly IReadOnlyList<Factor> All = new Factor[]
        {
            new("betas", "printed", r => r with { Fidelity = r.Fidelity with { Betas = "printed" } }),
            new("betas", "table4", r => r with { Fidelity = r.Fidelity with { Betas = "table4" } }),
            new("betas", "table4-all", r => r with { Fidelity = r.Fidelity with { Betas = "table4-all" } }),
            new("standardize", "on", r => r with { Fidelity = r.Fidelity with { Standardize = "on" } }),
            new("standardize", "off", r => r with { Fidelity = r.Fidelity with { Standardize = "off" } }),
            new("init", "glorot", r => r with { Fidelity = r.Fidelity with { Init = "glorot" } }),
            new("init", "glorot-stride", r => r with { Fidelity = r.Fidelity with { Init = "glorot-stride" } }),
            new("init", "torch", r => r with { Fidelity = r.Fidelity with { Init = "torch" } }),
            new("local-loss", "half-sum", r => r with { Fidelity = r.Fidelity with { LocalLoss = "half-sum" } }),
            new("local-loss", "sum", r => r with { Fidelity = r.Fidelity with { LocalLoss = "sum" } }),
            new("local-loss", "mean", r => r with { Fidelity = r.Fidelity with { LocalLoss = "mean" } }),
            new("adam-epsilon", "pytorch", r => r with { Fidelity = r.Fidelity with { AdamEpsilon = "pytorch" } }),
            new("adam-epsilon", "tensorflow", r => r with { Fidelity = r.Fidelity with { AdamEpsilon = "tensorflow" } }),
            new("sigma-mode", "absolute", r => r with { Fidelity = r.Fidelity with { SigmaMode = "absolute" } }),
            new("sigma-mode", "relative", r => r with { Fidelity = r.Fidelity with { SigmaMode = "relative" } }),
            new("alternate-every", "epoch", r => r with { Fidelity = r.Fidelity with { AlternateEvery = "epoch" } }),
            new("alternate-every", "batch", r => r with { Fidelity = r.Fidelity with { AlternateEvery = "batch" } }),
            new("batch-size", "100", r => r with { BatchSize = 100 }),
            new("batch-size", "128", r => r with { BatchSize = 128 }),
        };
    }

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("ablate", "Switch each reproduction choice (standardisation, initialisation, loss scale, Adam ϵ, Table 5 βs, σ, alternation, batch size) on its own against a baseline, over seeds.")
        {
            ArchOption, AlgorithmOption, ScheduleOption, DatasetOption, EpochsOption, SeedsOption, FactorsOption, OutputOption,
        };
        foreach (var option in Data.Options) command.Options.Add(option);
        foreach (var option in FidelityFlags.Options) command.Options.Add(option);
        command.SetAction((ParseResult parse, CancellationToken cancellation) =>
        {
            var seeds = ParseSeeds(parse.GetValue(SeedsOption)!);
            var baseline = new TrainRequest
            {
                Dataset = parse.GetValue(DatasetOption)!,
                Algorithm = parse.GetValue(AlgorithmOption)!,
                Architecture = parse.GetValue(ArchOption)!,
                Schedule = parse.GetValue(ScheduleOption)!,
                Epochs = parse.GetValue(EpochsOption),
                Threads = parse.GetValue(Data.Threads),
                TrainLimit = parse.GetValue(Data.TrainLimit),
                TestLimit = parse.GetValue(Data.TestLimit),
                DataDir = parse.GetValue(Data.DataDir),
                Fidelity = FidelityFlags.From(parse),
            };
            var variants = Variants(baseline, parse.GetValue(FactorsOption));
            string output = parse.GetValue(OutputOption)!;
            var locator = new DatasetLocator(baseline.DataDir);
            var results = new List<VariantResult>();
            foreach (var (name, request) in variants)
            {
                var outcomes = new List<TrainCommand.Outcome>();
                foreach (int seed in seeds)
                {
                    if (cancellation.IsCancellationRequested) break;
                    var run = request with { Seed = seed };
                    string folder = Path.Combine(output, $"{Slug(name)}-seed{seed}");
                    var outcome = ReproduceCommand.Finished(run, folder);
                    if (outcome is null)
                    {
                        AnsiConsole.MarkupLine("[bold]{0}[/]", Markup.Escape(run.ToCommandLine()));
                        outcome = TrainCommand.Run(run, locator, folder, 0, null, cancellation);
                    }
                    else AnsiConsole.MarkupLine("[bold]{0}[/]: finished earlier with this command, skipped", Markup.Escape(folder));
                    if (!outcome.Result.Cancelled) outcomes.Add(outcome);
                }
                results.Add(new VariantResult(name, request, outcomes));
                WriteReport(output, baseline, seeds, results);
                if (cancellation.IsCancellationRequested) break;
            }
            var table = new Table().AddColumns("variant", "runs", "final error %", "best error %", "Δ final vs baseline", "collapsed");
            foreach (var row in Rows(results)) table.AddRow(row.Select(Markup.Escape).ToArray());
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine("Wrote {0}", Markup.Escape(Path.Combine(output, "ablation.md")));
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The baseline and one variant per selected factor value that differs from it (by its command line).</summary>
    internal static List<(string Name, TrainRequest Request)> Variants(TrainRequest baseline, string? factors)
    {
        var selected = factors?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var names = Factor.All.Select(f => f.Name).Distinct().ToList();
        foreach (var f in selected ?? Array.Empty<string>())
            if (!names.Contains(f, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"--factors: unknown factor '{f}'; expected some of {string.Join(", ", names)}.");
        var list = new List<(string, TrainRequest)> { ("baseline", baseline) };
        var baselineOptions = baseline.ToOptions();
        foreach (var factor in Factor.All)
        {
            if (selected is not null && !selected.Contains(factor.Name, StringComparer.OrdinalIgnoreCase)) continue;
            if (factor.Name == "alternate-every" && !baseline.ParsedSchedule.Equals(Model.TrainingSchedule.Alternating)) continue;
            var variant = factor.Apply(baseline);
            if (variant.ToOptions() == baselineOptions) continue;   // the baseline already has this value
            list.Add(($"{factor.Name}={factor.Value}", variant));
        }
        return list;
    }

    /// <summary>What the runs of one variant gave.</summary>
    internal sealed record VariantResult(string Name, TrainRequest Request, List<TrainCommand.Outcome> Outcomes)
    {
        public double[] FinalErrors => Outcomes.Select(o => 100 * o.Test.Error).ToArray();
        public double[] BestErrors => Outcomes.Select(o => 100 * (1 - o.BestTestAccuracy)).ToArray();
    }

    /// <summary>A run "collapsed" when its final test error is more than 1 point above its best (issue 13's criterion).</summary>
    internal static int Collapsed(VariantResult v) => v.FinalErrors.Zip(v.BestErrors).Count(p => p.First - p.Second > 1.0 || double.IsNaN(p.First));

    private static IEnumerable<string[]> Rows(List<VariantResult> results)
    {
        double baseline = results.Count > 0 && results[0].Outcomes.Count > 0 ? results[0].FinalErrors.Average() : double.NaN;
        foreach (var v in results)
        {
            if (v.Outcomes.Count == 0) { yield return new[] { v.Name, "0", "", "", "", "" }; continue; }
            double delta = v.FinalErrors.Average() - baseline;
            yield return new[]
            {
                v.Name, v.Outcomes.Count.ToString(CultureInfo.InvariantCulture), MeanSd(v.FinalErrors), MeanSd(v.BestErrors),
                v.Name == "baseline" ? "" : delta.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture),
                Collapsed(v).ToString(CultureInfo.InvariantCulture),
            };
        }
    }

    /// <summary>"mean ± sd" (sample standard deviation; the mean alone for one run).</summary>
    internal static string MeanSd(double[] values)
    {
        double mean = values.Average();
        if (values.Length < 2) return mean.ToString("F2", CultureInfo.InvariantCulture);
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        return string.Create(CultureInfo.InvariantCulture, $"{mean:F2} ± {sd:F2}");
    }

    private static void WriteReport(string output, TrainRequest baseline, IReadOnlyList<int> seeds, List<VariantResult> results)
    {
        var md = new StringBuilder();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"{baseline.Algorithm} {baseline.Schedule} on {baseline.Dataset}, {baseline.Architecture}, {baseline.Epochs} epochs, seeds {string.Join(",", seeds)}. Test error %: mean ± sd over seeds; \"collapsed\" counts runs whose final error is > 1 point above their best."));
        md.AppendLine();
        md.AppendLine("| variant | runs | final test error % | best test error % | Δ final vs baseline | collapsed | command (first seed) |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        var rows = Rows(results).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            md.AppendLine($"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | `{(results[i].Request with { Seed = seeds[0] }).ToCommandLine()}` |");
        }
        Directory.CreateDirectory(output);
        AtomicFile.WriteAllText(Path.Combine(output, "ablation.md"), md.ToString());
    }

    private static List<int> ParseSeeds(string text)
    {
        var seeds = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int s))
                throw new ArgumentException($"--seeds must be comma-separated integers, e.g. 0,1; got '{text}'.");
            seeds.Add(s);
        }
        if (seeds.Count == 0) throw new ArgumentException("--seeds lists no seed.");
        return seeds;
    }

    private static string Slug(string name) => name.Replace('=', '-');
}
