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
using Microsoft.ML.TargetProp.Transforms;
using Spectre.Console;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary>
/// <c>tpnet autoencode train|evaluate</c>: section 5.5's autoencoder (784-512-64-512-784, squared-L2 reconstruction
/// error) trained with each algorithm; the train/test reconstruction-error curves (Figure 6), a grid of test digits
/// and their reconstructions (Figure 7), and one featurizer zip per algorithm.
/// </summary>
public static class AutoencodeCommand
{
    private const string DefaultHidden = TorchSharp.Trainers.AutoencoderEstimator.PaperHiddenLayers;

    private static readonly Option<string> AlgorithmsOption = new("--algorithms", "-a") { Description = $"comma-separated algorithms ({AlgorithmNames.Sentence})", DefaultValueFactory = _ => AlgorithmNames.CommaList };
    private static readonly Option<string> DatasetOption = new("--dataset", "-d") { Description = "mnist, fashion-mnist, cifar10, or a folder of IDX / CIFAR-10 binary files", DefaultValueFactory = _ => "mnist" };
    private static readonly Option<string> HiddenOption = new("--hidden") { Description = "hidden layers; the output reconstructing the input is added", DefaultValueFactory = _ => DefaultHidden };
    private static readonly Option<string> HParamsOption = new("--hparams") { Description = "autoencoder (shared values that train every algorithm: Adam 1e-3, α 0.1, σ 0.1), a Table 5 column such as mnist-fc (the paper gives none for the autoencoder), or none (library defaults)", DefaultValueFactory = _ => "autoencoder" };
    private static readonly Option<string> ScheduleOption = new("--schedule") { Description = "parallel or alternating", DefaultValueFactory = _ => "parallel" };
    private static readonly Option<int> EpochsOption = new("--epochs", "-e") { Description = "epochs per algorithm", DefaultValueFactory = _ => 10 };
    private static readonly Option<int> BatchOption = new("--batch-size", "-b") { Description = "minibatch size", DefaultValueFactory = _ => 100 };
    private static readonly Option<int> SeedOption = new("--seed") { Description = "random seed", DefaultValueFactory = _ => 0 };
    private static readonly Option<int?> ThreadsOption = new("--threads") { Description = "libtorch threads" };
    private static readonly Option<double?> LrOption = new("--lr") { Description = "forward Adam learning rate (overrides --hparams)" };
    private static readonly Option<double?> InverseLrOption = new("--inverse-lr") { Description = "inverse Adam learning rate (overrides --hparams)" };
    private static readonly Option<double?> AlphaOption = new("--alpha") { Description = "DTP target step α (overrides --hparams)" };
    private static readonly Option<double?> SigmaOption = new("--sigma") { Description = "inverse-training noise σ (overrides --hparams)" };
    private static readonly Option<int> AuxOption = new("--aux") { Description = "AO-SDTP auxiliary output size", DefaultValueFactory = _ => HyperParameters.DefaultAuxiliaryUnits };
    private static readonly Option<int?> TrainLimitOption = new("--train-limit") { Description = "use only the first N training examples" };
    private static readonly Option<int?> TestLimitOption = new("--test-limit") { Description = "use only the first N test examples" };
    private static readonly Option<int> DigitsOption = new("--digits") { Description = "test images shown in the reconstruction grid", DefaultValueFactory = _ => 10 };
    private static readonly Option<string?> DataDirOption = new("--data-dir") { Description = "dataset folder root" };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "output folder", DefaultValueFactory = _ => "tpnet-autoencode" };
    private static readonly Option<string[]> ModelOption = new("--model", "-m") { Description = "autoencoder zip(s) written by 'tpnet autoencode train'", Required = true, AllowMultipleArgumentsPerToken = true };

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var train = new System.CommandLine.Command("train", "Train the autoencoder with each algorithm; write reconstruction curves (Figure 6), a reconstruction grid (Figure 7), metrics and featurizer zips.")
        {
            AlgorithmsOption, DatasetOption, HiddenOption, HParamsOption, ScheduleOption, EpochsOption, BatchOption, SeedOption, ThreadsOption,
            LrOption, InverseLrOption, AlphaOption, SigmaOption, AuxOption,
            TrainLimitOption, TestLimitOption, DigitsOption, DataDirOption, OutputOption,
        };
        train.SetAction((ParseResult parse, CancellationToken cancellation) => Task.FromResult(Train(parse, cancellation)));
        var evaluate = new System.CommandLine.Command("evaluate", "Measure the test reconstruction error of autoencoder zips and draw their reconstructions.")
        {
            ModelOption, DatasetOption, TestLimitOption, DigitsOption, DataDirOption, OutputOption,
        };
        evaluate.SetAction((ParseResult parse, CancellationToken cancellation) => Task.FromResult(Evaluate(parse)));
        return new System.CommandLine.Command("autoencode", "Section 5.5: autoencoding with target propagation and the other algorithms.") { train, evaluate };
    }

    private static int Train(ParseResult parse, CancellationToken cancellation)
    {
        var algorithms = AlgorithmNames.ParseList(parse.GetValue(AlgorithmsOption)!).Distinct().ToArray();
        if (algorithms.Length == 0) throw new ArgumentException($"--algorithms must name at least one algorithm ({AlgorithmNames.Sentence}).");
        int epochs = parse.GetValue(EpochsOption), batch = parse.GetValue(BatchOption), digits = parse.GetValue(DigitsOption);
        if (epochs < 1) throw new ArgumentOutOfRangeException("--epochs", $"--epochs must be ≥ 1; got {epochs}.");
        if (batch < 1) throw new ArgumentOutOfRangeException("--batch-size", $"--batch-size must be ≥ 1; got {batch}.");
        if (digits < 1) throw new ArgumentOutOfRangeException("--digits", $"--digits must be ≥ 1; got {digits}.");
        string hidden = parse.GetValue(HiddenOption)!;
        var spec = NetworkSpec.Parse(hidden);
        if (spec.HiddenLayers.Count == 0) throw new ArgumentException($"--hidden '{hidden}' has no hidden layer to take the code from.");
        string preset = parse.GetValue(HParamsOption)!;
        var schedule = new TrainRequest { Schedule = parse.GetValue(ScheduleOption)! }.ParsedSchedule;
        string dataset = parse.GetValue(DatasetOption)!;
        string output = parse.GetValue(OutputOption)!;
        var (trainSet, testSet) = new DatasetLocator(parse.GetValue(DataDirOption)).Load(dataset, parse.GetValue(TrainLimitOption), parse.GetValue(TestLimitOption));
        spec.Shapes(trainSet.Shape);
        Directory.CreateDirectory(output);

        var runs = new List<(AlgorithmDescriptor Algorithm, IReadOnlyList<EpochMetrics> History, AutoencoderModelParameters Model, double Median)>();
        var diverged = new List<(string Name, string Message)>();
        foreach (var algorithm in algorithms)
        {
            if (cancellation.IsCancellationRequested) break;
            var hp = preset.ToLowerInvariant() switch
            {
                "autoencoder" => TorchSharp.Trainers.AutoencoderEstimator.DefaultHyperParameters with { Schedule = schedule },
                "none" => new HyperParameters { Schedule = schedule },
                _ => algorithm.HasTable5(preset) ? algorithm.Table5(preset, schedule, Table5Reading.AsPrinted) : algorithm.Defaults(preset, schedule),
            };
            if (parse.GetValue(LrOption) is { } lr) hp = hp with { Forward = hp.Forward with { LearningRate = lr } };
            if (parse.GetValue(InverseLrOption) is { } ilr) hp = hp with { Inverse = hp.Inverse with { LearningRate = ilr } };
            if (parse.GetValue(AlphaOption) is { } alpha) hp = hp with { Alpha = alpha };
            if (parse.GetValue(SigmaOption) is { } sigma) hp = hp with { Sigma = sigma };
            hp = hp with { AuxiliaryUnits = parse.GetValue(AuxOption) };
            var options = new TrainingOptions
            {
                Algorithm = algorithm,
                HyperParameters = hp,
                Epochs = epochs,
                BatchSize = batch,
                Seed = parse.GetValue(SeedOption),
                NumberOfThreads = parse.GetValue(ThreadsOption),
            };
            string name = AlgorithmNames.Of(algorithm);
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[bold]{0}[/] [grey]autoencoder {1}-{2}-{1} on {3} ({4} train, {5} test), {6} epochs, batch {7}, {8} hyperparameters[/]",
                Markup.Escape(name), trainSet.Shape.Size, string.Join("-", spec.Shapes(trainSet.Shape).Skip(1).Select(s => s.Size)), Markup.Escape(dataset), trainSet.Count, testSet.Count, epochs, batch, Markup.Escape(preset));
            Console.WriteLine("epoch\ttrain ‖x−x̂‖²\ttest ‖x−x̂‖²\tinverse loss\tangle° per layer\ts");
            using var trainer = NetworkTrainer.ForAutoencoder(spec, trainSet.Shape, options);
            var result = trainer.Fit(trainSet, testSet, m => Console.WriteLine(string.Join("\t",
                m.Epoch.ToString(CultureInfo.InvariantCulture), F(m.TrainLoss, "F3"), m.ValidationLoss is { } v ? F(v, "F3") : "",
                m.InverseLoss is { } i ? F(i, "F4") : "", string.Join(" ", m.AlignmentAngles.Select(a => a?.ToString("F0", CultureInfo.InvariantCulture) ?? "-")), F(m.Seconds, "F1"))), cancellation);
            if (result.Divergence is not null)
            {
                AnsiConsole.MarkupLine("[red]{0}[/]", Markup.Escape(result.Divergence));
                diverged.Add((name, result.Divergence));
            }
            if (result.History.Count == 0)
            {
                // Nothing trained: cancelled before the first epoch ended, or diverged in epoch 1 (then the other algorithms still run).
                if (result.Cancelled) break;
                WriteReport(output, runs, diverged, parse);
                continue;
            }
            var model = new AutoencoderModelParameters(trainer.Network.ToModelParameters(algorithm.Name, hp, result.History));
            string folder = Path.Combine(output, name);
            ModelZip.SaveAutoencoder(new MLContext(options.Seed), model, Path.Combine(folder, "autoencoder.zip"));
            var seconds = result.History.Select(h => h.Seconds).OrderBy(s => s).ToArray();
            double median = seconds[seconds.Length / 2];
            TrainCommand.WriteJsonAtomically(Path.Combine(folder, "metrics.json"), new
            {
                algorithm = algorithm.ToString(),
                architecture = $"{trainSet.Shape.Size}-{string.Join("-", spec.Shapes(trainSet.Shape).Skip(1).Select(s => s.Size))}-{trainSet.Shape.Size}",
                dataset,
                epochs,
                batchSize = batch,
                hyperParameters = hp,
                finalTrainError = result.History[^1].TrainLoss,
                finalTestError = result.History[^1].ValidationLoss,
                bestTestError = result.History.Min(h => h.ValidationLoss ?? double.PositiveInfinity),
                medianEpochSeconds = median,
                cancelled = result.Cancelled,
                divergence = result.Divergence,
                history = result.History,
            });
            runs.Add((algorithm, result.History, model, median));
            WriteFigures(output, dataset, runs.Select(r => (AlgorithmNames.Of(r.Algorithm), r.History, r.Model)).ToList(), testSet, digits);
            WriteReport(output, runs, diverged, parse);
            if (result.Cancelled) break;
        }
        var table = new Table().AddColumns("algorithm", "train ‖x−x̂‖²", "test ‖x−x̂‖²", "best test (epoch)", "s/epoch");
        foreach (var r in runs)
        {
            var best = r.History.MinBy(h => h.ValidationLoss ?? double.PositiveInfinity)!;
            table.AddRow(AlgorithmNames.Of(r.Algorithm), F(r.History[^1].TrainLoss), F(r.History[^1].ValidationLoss ?? double.NaN), $"{F(best.ValidationLoss ?? double.NaN)} ({best.Epoch})", F(r.Median, "F1"));
        }
        foreach (var (name, _) in diverged.Where(d => runs.All(r => AlgorithmNames.Of(r.Algorithm) != d.Name)))
            table.AddRow(name, "[red]diverged in epoch 1[/]", "", "", "");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]Wrote {0}[/]", Markup.Escape(Path.GetFullPath(output)));
        if (diverged.Count == 0) return 0;
        Console.Error.WriteLine($"tpnet: autoencode train: {string.Join(", ", diverged.Select(d => d.Name))} diverged ({diverged[0].Message.TrimEnd('.')}); the other algorithms' results were written.");
        return TrainCommand.DivergedExitCode;
    }

    private static int Evaluate(ParseResult parse)
    {
        var paths = parse.GetValue(ModelOption)!;
        if (paths.Length == 0) throw new ArgumentException("--model needs at least one autoencoder zip written by 'tpnet autoencode train'.");
        int digits = parse.GetValue(DigitsOption);
        if (digits < 1) throw new ArgumentOutOfRangeException("--digits", $"--digits must be ≥ 1; got {digits}.");
        string dataset = parse.GetValue(DatasetOption)!;
        string output = parse.GetValue(OutputOption)!;
        var ml = new MLContext();
        var loaded = paths.Select(path => (Path: path, Transformer: ModelZip.LoadAutoencoder(ml, path))).ToList();
        // Image folders are decoded at the (first) model's input shape.
        var (_, testSet) = new DatasetLocator(parse.GetValue(DataDirOption), loaded[0].Transformer.Model.InputShape).Load(dataset, trainLimit: 1, parse.GetValue(TestLimitOption));
        var models = new List<(string Name, IReadOnlyList<EpochMetrics> History, AutoencoderModelParameters Model)>();
        var table = new Table().AddColumns("model", "algorithm", "code units", "test ‖x−x̂‖²");
        foreach (var (path, transformer) in loaded)
        {
            if (transformer.Model.InputShape.Size != testSet.Shape.Size)
                throw new InvalidDataException($"'{path}' reconstructs {transformer.Model.InputShape} ({transformer.Model.InputShape.Size} values) but {dataset} images have {testSet.Shape.Size}.");
            double error = ReconstructionError(transformer.Network, testSet);
            string name = AlgorithmNames.Of(transformer.Model.Network);
            table.AddRow(Markup.Escape(path), name, transformer.Model.CodeSize.ToString(CultureInfo.InvariantCulture), F(error, "F3"));
            models.Add((name, transformer.Model.Network.History, transformer.Model));
        }
        AnsiConsole.Write(table);
        Directory.CreateDirectory(output);
        WriteFigures(output, dataset, models, testSet, digits, curves: models.All(m => m.History.Count > 0));
        AnsiConsole.MarkupLine("[grey]Wrote {0}[/]", Markup.Escape(Path.GetFullPath(output)));
        return 0;
    }

    /// <summary>Mean ‖x − x̂‖² over <paramref name="data"/> computed by the managed forward pass.</summary>
    private static double ReconstructionError(Inference.ManagedNetwork network, InMemoryDataset data)
    {
        var reconstructions = new float[data.Features.Length];
        network.ActivationsBatch(data.Features, data.Count, network.LayerCount - 1, reconstructions);
        double sum = 0;
        for (int i = 0; i < reconstructions.Length; i++) { double d = reconstructions[i] - data.Features[i]; sum += d * d; }
        return sum / data.Count;
    }

    private static void WriteFigures(string output, string dataset, IReadOnlyList<(string Name, IReadOnlyList<EpochMetrics> History, AutoencoderModelParameters Model)> runs,
        InMemoryDataset test, int digits, bool curves = true)
    {
        if (curves)
            Plots.ReconstructionCurves(runs.Select(r => (r.Name, r.History)).ToList(), $"Autoencoder on {dataset}: train (solid) and test (dashed) reconstruction error (Figure 6)", Path.Combine(output, "reconstruction_curves.png"));
        var shape = test.Shape;
        if (shape.Channels != 1) return;   // the grid draws grayscale images
        int n = Math.Min(digits, test.Count), size = shape.Size;
        var originals = Enumerable.Range(0, n).Select(i => test.Features.AsSpan(i * size, size).ToArray()).ToArray();
        var rows = new List<(string, IReadOnlyList<float[]>)> { ("input", originals) };
        foreach (var r in runs)
        {
            var network = new Inference.ManagedNetwork(r.Model.Network);
            var all = new float[n * size];
            network.ActivationsBatch(test.Features.AsMemory(0, n * size), n, network.LayerCount - 1, all);
            rows.Add((r.Name, Enumerable.Range(0, n).Select(i => all.AsSpan(i * size, size).ToArray()).ToArray()));
        }
        Plots.ImageGrid(rows, shape.Height, shape.Width, $"Test images and their reconstructions (Figure 7)", Path.Combine(output, "reconstructions.png"));
    }

    private static void WriteReport(string output, IReadOnlyList<(AlgorithmDescriptor Algorithm, IReadOnlyList<EpochMetrics> History, AutoencoderModelParameters Model, double Median)> runs,
        IReadOnlyList<(string Name, string Message)> diverged, ParseResult parse)
    {
        var md = new StringBuilder("| algorithm | final train ‖x−x̂‖² | final test ‖x−x̂‖² | best test ‖x−x̂‖² (epoch) | epochs | s/epoch (median) |\n| --- | --- | --- | --- | --- | --- |\n");
        foreach (var r in runs)
        {
            var best = r.History.MinBy(h => h.ValidationLoss ?? double.PositiveInfinity)!;
            md.AppendLine($"| {AlgorithmNames.Of(r.Algorithm)} | {F(r.History[^1].TrainLoss)} | {F(r.History[^1].ValidationLoss ?? double.NaN)} | {F(best.ValidationLoss ?? double.NaN)} ({best.Epoch}) | {r.History.Count} | {F(r.Median, "F1")} |");
        }
        md.AppendLine();
        foreach (var (name, message) in diverged)
            md.AppendLine($"Diverged: {name}: {message}").AppendLine();
        md.AppendLine($"Command: `tpnet {string.Join(" ", parse.Tokens.Select(t => t.Value.Contains(' ') ? $"\"{t.Value}\"" : t.Value))}`");
        AtomicFile.WriteAllText(Path.Combine(output, "autoencode.md"), md.ToString());
    }

    private static string F(double v, string format = "F2") => v.ToString(format, CultureInfo.InvariantCulture);
}
