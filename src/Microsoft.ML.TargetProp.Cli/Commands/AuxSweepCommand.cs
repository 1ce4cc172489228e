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
/// <c>tpnet aux-sweep</c>: the paper's Figure 4, AO-SDTP's best test accuracy against the size k of its auxiliary
/// output z (k = 0 is plain SDTP's target with AO-SDTP's code path). One training run per size; a CSV, a markdown
/// table and the plot.
/// </summary>
public static class AuxSweepCommand
{
    private static readonly Option<string> SizesOption = new("--sizes") { Description = "comma-separated auxiliary output sizes k", DefaultValueFactory = _ => "0,16,64,256,512,1000" };
    private static readonly Option<string> DatasetOption = new("--dataset", "-d") { Description = "dataset (the paper used cifar10)", DefaultValueFactory = _ => "mnist" };
    private static readonly Option<string> ArchOption = new("--arch") { Description = "architecture preset or spec", DefaultValueFactory = _ => "mnist-fc" };
    private static readonly Option<string?> HParamsOption = new("--hparams") { Description = "Table 5 column (AO-SDTP uses SDTP's values); defaults to the --arch preset" };
    private static readonly Option<string> ScheduleOption = new("--schedule") { Description = "parallel or alternating", DefaultValueFactory = _ => "parallel" };
    private static readonly Option<int> EpochsOption = new("--epochs", "-e") { Description = "epochs per size", DefaultValueFactory = _ => 5 };
    private static readonly Option<int> SeedOption = new("--seed") { Description = "random seed (the same for every size)", DefaultValueFactory = _ => 0 };
    private static readonly Option<int?> ThreadsOption = new("--threads") { Description = "libtorch threads" };
    private static readonly Option<int?> TrainLimitOption = new("--train-limit") { Description = "use only the first N training examples" };
    private static readonly Option<int?> TestLimitOption = new("--test-limit") { Description = "use only the first N test examples" };
    private static readonly Option<string?> DataDirOption = new("--data-dir") { Description = "dataset folder root" };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "output folder (one subfolder per size, aux-sweep.csv, aux-sweep.md, aux-sweep.png)", DefaultValueFactory = _ => "tpnet-aux-sweep" };

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("aux-sweep", "Figure 4: train AO-SDTP with several auxiliary output sizes and plot best test accuracy against size.")
        {
            SizesOption, DatasetOption, ArchOption, HParamsOption, ScheduleOption, EpochsOption, SeedOption, ThreadsOption, TrainLimitOption, TestLimitOption, DataDirOption, OutputOption,
        };
        command.SetAction((ParseResult parse, CancellationToken cancellation) =>
        {
            var sizes = ParseSizes(parse.GetValue(SizesOption)!);
            string output = parse.GetValue(OutputOption)!;
            var locator = new DatasetLocator(parse.GetValue(DataDirOption));
            var rows = new List<(int Size, TrainCommand.Outcome Outcome)>();
            foreach (int size in sizes)
            {
                if (cancellation.IsCancellationRequested) break;
                var request = new TrainRequest
                {
                    Dataset = parse.GetValue(DatasetOption)!,
                    Algorithm = "ao-sdtp",
                    Architecture = parse.GetValue(ArchOption)!,
                    HyperParameterPreset = parse.GetValue(HParamsOption),
                    Schedule = parse.GetValue(ScheduleOption)!,
                    Epochs = parse.GetValue(EpochsOption),
                    Seed = parse.GetValue(SeedOption),
                    Threads = parse.GetValue(ThreadsOption),
                    TrainLimit = parse.GetValue(TrainLimitOption),
                    TestLimit = parse.GetValue(TestLimitOption),
                    AuxiliaryUnits = size,
                };
                AnsiConsole.MarkupLine("[bold]k = {0}:[/] {1}", size, Markup.Escape(request.ToCommandLine()));
                var outcome = TrainCommand.Run(request, locator, Path.Combine(output, $"aux-{size}"), 0, null, cancellation);
                rows.Add((size, outcome));
                Write(output, rows);
            }
            var table = new Table().AddColumns("k", "best test accuracy % (epoch)", "final test accuracy %", "s/epoch");
            foreach (var (size, o) in rows)
                table.AddRow(size.ToString(CultureInfo.InvariantCulture), $"{F(100 * o.BestTestAccuracy)} ({o.BestEpoch})", F(100 * o.Test.Accuracy), F(o.MedianEpochSeconds, "F1"));
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Parses "0,16,64": non-negative integers, at least one.</summary>
    internal static int[] ParseSizes(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new ArgumentException("--sizes must list at least one auxiliary output size, e.g. 0,16,64,256.");
        return parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            ? k : throw new ArgumentException($"--sizes: '{p}' is not a non-negative integer; expected e.g. 0,16,64,256,512,1000.")).ToArray();
    }

    private static string F(double v, string format = "F2") => v.ToString(format, CultureInfo.InvariantCulture);

    private static void Write(string output, List<(int Size, TrainCommand.Outcome Outcome)> rows)
    {
        Directory.CreateDirectory(output);
        var csv = new StringBuilder("auxiliary_units,best_test_accuracy,best_epoch,final_test_accuracy,epochs,median_epoch_seconds\n");
        var md = new StringBuilder("| k (auxiliary units) | best test accuracy % (epoch) | final test accuracy % | epochs | s/epoch | command |\n| --- | --- | --- | --- | --- | --- |\n");
        foreach (var (size, o) in rows)
        {
            csv.AppendLine(string.Join(",", size.ToString(CultureInfo.InvariantCulture), F(o.BestTestAccuracy, "R"), o.BestEpoch.ToString(CultureInfo.InvariantCulture),
                F(o.Test.Accuracy, "R"), o.Result.History.Count.ToString(CultureInfo.InvariantCulture), F(o.MedianEpochSeconds, "F2")));
            md.AppendLine($"| {size} | {F(100 * o.BestTestAccuracy)} ({o.BestEpoch}) | {F(100 * o.Test.Accuracy)} | {o.Result.History.Count} | {F(o.MedianEpochSeconds, "F1")} | `{o.Request.ToCommandLine()}` |");
        }
        WriteAtomically(Path.Combine(output, "aux-sweep.csv"), csv.ToString());
        WriteAtomically(Path.Combine(output, "aux-sweep.md"), md.ToString());
        var first = rows[0].Outcome.Request;
        Plots.Line(rows.Select(r => (double)r.Size).ToArray(), rows.Select(r => 100 * r.Outcome.BestTestAccuracy).ToArray(),
            $"AO-SDTP on {first.Dataset}, {first.Architecture}: auxiliary output size (Figure 4)", "auxiliary output units k", "best test accuracy %", Path.Combine(output, "aux-sweep.png"));
    }

    private static void WriteAtomically(string path, string text)
    {
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
