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
/// table and the plot (best and final test accuracy). Resumable: a size whose row in the output's CSV was finished
/// (not interrupted) with the same settings (<see cref="TrainRequest.SettingsKey"/>) is not retrained.
/// </summary>
public static class AuxSweepCommand
{
    private static readonly DataFlags Data = new();
    private static readonly Option<string> SizesOption = new("--sizes") { Description = "comma-separated auxiliary output sizes k", DefaultValueFactory = _ => "0,16,64,256,512,1000" };
    private static readonly Option<string> DatasetOption = new("--dataset", "-d") { Description = "dataset (the paper used cifar10)", DefaultValueFactory = _ => "mnist" };
    private static readonly Option<string> ArchOption = new("--arch") { Description = "architecture preset or spec", DefaultValueFactory = _ => "mnist-fc" };
    private static readonly Option<string?> HParamsOption = new("--hparams") { Description = "Table 5 column (AO-SDTP uses SDTP's values); defaults to the --arch preset" };
    private static readonly Option<string> ScheduleOption = new("--schedule") { Description = "parallel or alternating", DefaultValueFactory = _ => "parallel" };
    private static readonly Option<int> EpochsOption = new("--epochs", "-e") { Description = "epochs per size", DefaultValueFactory = _ => 5 };
    private static readonly Option<int> SeedOption = new("--seed") { Description = "random seed (the same for every size)", DefaultValueFactory = _ => 0 };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "output folder (one subfolder per size, aux-sweep.csv, aux-sweep.md, aux-sweep.png)", DefaultValueFactory = _ => "tpnet-aux-sweep" };

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("aux-sweep", "Figure 4: train AO-SDTP with several auxiliary output sizes and plot best test accuracy against size.")
        {
            SizesOption, DatasetOption, ArchOption, HParamsOption, ScheduleOption, EpochsOption, SeedOption, OutputOption,
        };
        foreach (var option in Data.Options) command.Options.Add(option);
        command.SetAction((ParseResult parse, CancellationToken cancellation) =>
        {
            var sizes = ParseSizes(parse.GetValue(SizesOption)!);
            string output = parse.GetValue(OutputOption)!;
            var locator = new DatasetLocator(parse.GetValue(Data.DataDir));
            var done = ReadRows(Path.Combine(output, "aux-sweep.csv"));
            var rows = new List<Row>();
            foreach (int size in sizes)
            {
                var request = new TrainRequest
                {
                    Dataset = parse.GetValue(DatasetOption)!,
                    Algorithm = "ao-sdtp",
                    Architecture = parse.GetValue(ArchOption)!,
                    HyperParameterPreset = parse.GetValue(HParamsOption),
                    Schedule = parse.GetValue(ScheduleOption)!,
                    Epochs = parse.GetValue(EpochsOption),
                    Seed = parse.GetValue(SeedOption),
                    Threads = parse.GetValue(Data.Threads),
                    TrainLimit = parse.GetValue(Data.TrainLimit),
                    TestLimit = parse.GetValue(Data.TestLimit),
                    DataDir = parse.GetValue(Data.DataDir),
                    AuxiliaryUnits = size,
                };
                // Only a finished row written with the same settings counts as done.
                var previous = done.FirstOrDefault(r => r.Size == size && !r.Cancelled && r.Settings == request.SettingsKey);
                if (previous is not null)
                {
                    AnsiConsole.MarkupLine("[bold]k = {0}:[/] already in aux-sweep.csv with these settings, skipped", size);
                    rows.Add(previous with { Command = request.ToCommandLine() });
                    continue;
                }
                if (cancellation.IsCancellationRequested) continue;
                if (done.Any(r => r.Size == size))
                    AnsiConsole.MarkupLine("[bold]k = {0}:[/] the row in aux-sweep.csv is from {1}, retraining", size,
                        done.First(r => r.Size == size).Cancelled ? "an interrupted run" : "other settings");
                AnsiConsole.MarkupLine("[bold]k = {0}:[/] {1}", size, Markup.Escape(request.ToCommandLine()));
                var o = TrainCommand.Run(request, locator, Path.Combine(output, $"aux-{size}"), 0, null, cancellation);
                rows.Add(new Row(size, o.BestTestAccuracy, o.BestEpoch, o.Test.Accuracy, o.Result.History.Count, o.MedianEpochSeconds, request.ToCommandLine(),
                    o.Result.Cancelled, request.SettingsKey));
                Write(output, rows, $"AO-SDTP on {parse.GetValue(DatasetOption)}, {parse.GetValue(ArchOption)}");
            }
            if (rows.Count > 0) Write(output, rows, $"AO-SDTP on {parse.GetValue(DatasetOption)}, {parse.GetValue(ArchOption)}");
            var table = new Table().AddColumns("k", "best test accuracy % (epoch)", "final test accuracy %", "s/epoch");
            foreach (var r in rows)
                table.AddRow(r.Size.ToString(CultureInfo.InvariantCulture) + (r.Cancelled ? " (interrupted)" : ""), $"{F(100 * r.Best)} ({r.BestEpoch})", F(100 * r.Final), F(r.Seconds, "F1"));
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

    /// <summary>
    /// One size's result, as the CSV stores it: <paramref name="Cancelled"/> marks a run cut short by Ctrl+C and
    /// <paramref name="Settings"/> is <see cref="TrainRequest.SettingsKey"/> of the run (empty in CSVs of older versions).
    /// </summary>
    private sealed record Row(int Size, double Best, int BestEpoch, double Final, int Epochs, double Seconds, string Command, bool Cancelled, string Settings);

    private const string Header = "auxiliary_units,best_test_accuracy,best_epoch,final_test_accuracy,epochs,median_epoch_seconds,cancelled,settings";

    private static List<Row> ReadRows(string csv) => CsvRows.Read(csv, 6, f => new Row(
        int.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture),
        double.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture), double.Parse(f[5], CultureInfo.InvariantCulture), "",
        f.Length > 6 && f[6] == "1", f.Length > 7 ? f[7] : ""));

    private static void Write(string output, List<Row> rows, string what)
    {
        Directory.CreateDirectory(output);
        var csv = new StringBuilder(Header).Append('\n');
        var md = new StringBuilder("| k (auxiliary units) | best test accuracy % (epoch) | final test accuracy % | epochs | s/epoch | command |\n| --- | --- | --- | --- | --- | --- |\n");
        foreach (var r in rows.OrderBy(r => r.Size))
        {
            csv.AppendLine(string.Join(",", r.Size.ToString(CultureInfo.InvariantCulture), F(r.Best, "R"), r.BestEpoch.ToString(CultureInfo.InvariantCulture),
                F(r.Final, "R"), r.Epochs.ToString(CultureInfo.InvariantCulture), F(r.Seconds, "F2"), r.Cancelled ? "1" : "0", r.Settings));
            md.AppendLine($"| {r.Size} | {F(100 * r.Best)} ({r.BestEpoch}) | {F(100 * r.Final)} | {r.Epochs}{(r.Cancelled ? " (interrupted)" : "")} | {F(r.Seconds, "F1")} | `{r.Command}` |");
        }
        AtomicFile.WriteAllText(Path.Combine(output, "aux-sweep.csv"), csv.ToString());
        AtomicFile.WriteAllText(Path.Combine(output, "aux-sweep.md"), md.ToString());
        var sorted = rows.OrderBy(r => r.Size).ToList();
        double[] x = sorted.Select(r => (double)r.Size).ToArray();
        Plots.Lines(x, new[] { ("best test accuracy %", sorted.Select(r => 100 * r.Best).ToArray()), ("final test accuracy %", sorted.Select(r => 100 * r.Final).ToArray()) },
            $"{what}: accuracy against auxiliary output size (Figure 4)", "auxiliary output units k", "test accuracy %", Path.Combine(output, "aux-sweep.png"));
    }
}
