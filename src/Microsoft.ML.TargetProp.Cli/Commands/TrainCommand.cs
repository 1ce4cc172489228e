using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Spectre.Console;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary><c>tpnet train</c>: trains one network and writes metrics.json (and the model) to the output folder.</summary>
public static class TrainCommand
{
    /// <summary>Outcome of one run.</summary>
    public sealed record Outcome(TrainRequest Request, TrainingResult Result, EvaluationResult Test, double BestTestAccuracy, int BestEpoch, double MedianEpochSeconds);

    /// <summary>The exit code of a run that diverged (NaN/Inf); the last good weights were still written.</summary>
    public const int DivergedExitCode = 3;

    private static readonly DataFlags Data = new();
    private static readonly Option<string> DatasetOption = new("--dataset", "-d") { Description = "mnist, fashion-mnist, cifar10, or a folder of IDX / CIFAR-10 binary files or of images (CLASS/*.png|jpg, or train/ and test/; see --image-size)", DefaultValueFactory = _ => "mnist" };
    private static readonly Option<string> AlgorithmOption = new("--algorithm", "-a") { Description = AlgorithmNames.Sentence, DefaultValueFactory = _ => "sdtp" };
    private static readonly Option<string> ArchOption = new("--arch") { Description = $"architecture preset ({string.Join(", ", NetworkPresets.Names)}) or spec such as \"lc(3x3,32,2) fc(1024)\"", DefaultValueFactory = _ => "mnist-lc" };
    private static readonly Option<string> ScheduleOption = new("--schedule") { Description = "parallel or alternating", DefaultValueFactory = _ => "parallel" };
    private static readonly Option<string?> HParamsOption = new("--hparams") { Description = "Table 5 column to use (an architecture preset name, or none), or a hyperparameter file written by 'tpnet sweep' (FILE.json, e.g. presets/mnist-fc-fa-parallel.json); defaults to the --arch preset's Table 5 column" };
    private static readonly Option<int> EpochsOption = new("--epochs", "-e") { Description = "number of epochs", DefaultValueFactory = _ => 3 };
    private static readonly Option<int> BatchOption = new("--batch-size", "-b") { Description = "minibatch size (the original DTP code used 100)", DefaultValueFactory = _ => 100 };
    private static readonly Option<int> SeedOption = new("--seed") { Description = "random seed", DefaultValueFactory = _ => 0 };
    private static readonly Option<string> DeviceOption = new("--device") { Description = "cpu, or cuda when a CUDA libtorch is referenced", DefaultValueFactory = _ => "cpu" };
    private static readonly Option<double?> LrOption = new("--lr") { Description = "forward Adam learning rate (overrides Table 5)" };
    private static readonly Option<double?> InverseLrOption = new("--inverse-lr") { Description = "inverse Adam learning rate (overrides Table 5)" };
    private static readonly Option<double?> AlphaOption = new("--alpha") { Description = "DTP target step α (overrides Table 5)" };
    private static readonly Option<double?> SigmaOption = new("--sigma") { Description = "inverse-training noise σ (overrides Table 5)" };
    private static readonly Option<int> AuxOption = new("--aux") { Description = "AO-SDTP auxiliary output size", DefaultValueFactory = _ => HyperParameters.DefaultAuxiliaryUnits };
    private static readonly Option<double> ValidationOption = new("--validation-fraction") { Description = "hold out this fraction of the training set for per-epoch validation (0: report test accuracy per epoch, the paper's protocol)", DefaultValueFactory = _ => 0 };
    private static readonly Option<int?> EarlyStoppingOption = new("--early-stopping") { Description = "stop after N epochs without a better per-epoch accuracy" };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "output folder", DefaultValueFactory = _ => "tpnet-out" };
    private static readonly Option<int?> CheckpointOption = new("--checkpoint-every") { Description = "write OUTPUT/checkpoint.ckpt every N epochs (weights, optimizers, RNG state; atomic)" };
    private static readonly Option<string?> ImageSizeOption = new("--image-size") { Description = "image-folder datasets: CxHxW to resize to, e.g. 1x28x28 or 3x32x32 (default: 3 channels at the first image's size)" };
    private static readonly Option<bool> ResumeOption = new("--resume") { Description = "continue from OUTPUT/checkpoint.ckpt (same arguments otherwise)" };

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("train", $"Train a network with {AlgorithmRegistry.DisplayNameList()} and print its test accuracy.")
        {
            DatasetOption, AlgorithmOption, ArchOption, ScheduleOption, HParamsOption, EpochsOption, BatchOption, SeedOption, DeviceOption, LrOption, InverseLrOption, AlphaOption, SigmaOption, AuxOption, ValidationOption,
            EarlyStoppingOption, OutputOption, CheckpointOption, ResumeOption, ImageSizeOption,
        };
        foreach (var option in Data.Options) command.Options.Add(option);
        foreach (var option in FidelityFlags.Options.Concat(RuleSettingFlags.Options)) command.Options.Add(option);
        command.SetAction((ParseResult parse, CancellationToken cancellation) =>
        {
            var request = new TrainRequest
            {
                Dataset = parse.GetValue(DatasetOption)!,
                Algorithm = parse.GetValue(AlgorithmOption)!,
                Architecture = parse.GetValue(ArchOption)!,
                Schedule = parse.GetValue(ScheduleOption)!,
                HyperParameterPreset = parse.GetValue(HParamsOption),
                Epochs = parse.GetValue(EpochsOption),
                BatchSize = parse.GetValue(BatchOption),
                Seed = parse.GetValue(SeedOption),
                Threads = parse.GetValue(Data.Threads),
                Device = parse.GetValue(DeviceOption)!,
                LearningRate = parse.GetValue(LrOption),
                InverseLearningRate = parse.GetValue(InverseLrOption),
                Alpha = parse.GetValue(AlphaOption),
                Sigma = parse.GetValue(SigmaOption),
                AuxiliaryUnits = parse.GetValue(AuxOption),
                Settings = RuleSettingFlags.From(parse),
                TrainLimit = parse.GetValue(Data.TrainLimit),
                TestLimit = parse.GetValue(Data.TestLimit),
                CheckpointEvery = parse.GetValue(CheckpointOption),
                ImageSize = ParseImageShape(parse.GetValue(ImageSizeOption)),
                DataDir = parse.GetValue(Data.DataDir),
                Fidelity = FidelityFlags.From(parse),
            };
            var outcome = Run(request, new DatasetLocator(request.DataDir, request.ImageSize), parse.GetValue(OutputOption)!,
                parse.GetValue(ValidationOption), parse.GetValue(EarlyStoppingOption), cancellation, parse.GetValue(ResumeOption));
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[bold]Test accuracy {0:P2}[/] (error {1:P2}); best per-epoch accuracy {2:P2} at epoch {3}; median {4:F1} s/epoch.",
                outcome.Test.Accuracy, outcome.Test.Error, outcome.BestTestAccuracy, outcome.BestEpoch, outcome.MedianEpochSeconds);
            if (outcome.Result.Cancelled)
                AnsiConsole.MarkupLine("[yellow]Interrupted: the model holds every batch trained so far (an interrupted epoch is marked \"partial\" in metrics.json); with --checkpoint-every, --resume continues it at the next batch.[/]");
            AnsiConsole.MarkupLine("Wrote {0}", Markup.Escape(Path.Combine(parse.GetValue(OutputOption)!, "{model.zip, metrics.json, learning_curve.png}")));
            return Task.FromResult(outcome.Result.Divergence is null ? 0 : DivergedExitCode);
        });
        return command;
    }

    /// <summary>Runs one training: loads data, trains with a per-epoch table, evaluates, writes metrics.json into <paramref name="output"/>.</summary>
    public static Outcome Run(TrainRequest request, DatasetLocator locator, string output, double validationFraction, int? earlyStopping, CancellationToken cancellation, bool resume = false)
    {
        request = request with { ValidationFraction = validationFraction, EarlyStopping = earlyStopping };   // recorded in metrics.json's command
        string checkpoint = Path.Combine(output, "checkpoint.ckpt");
        if (request.CheckpointEvery is < 1)
            throw new ArgumentOutOfRangeException("--checkpoint-every", $"--checkpoint-every must be ≥ 1; got {request.CheckpointEvery}.");
        if (resume && !File.Exists(checkpoint))
            throw new FileNotFoundException($"--resume: no checkpoint at '{checkpoint}'; train with --checkpoint-every N first.", checkpoint);
        var options = request.ToOptions() with
        {
            CheckpointPath = request.CheckpointEvery is not null || resume ? Path.GetFullPath(checkpoint) : null,
            CheckpointInterval = request.CheckpointEvery ?? 1,
        };
        Directory.CreateDirectory(output);
        var spec = request.Network;
        if (validationFraction is < 0 or >= 1)
            throw new ArgumentOutOfRangeException("--validation-fraction", $"--validation-fraction must be in [0, 1); got {validationFraction}.");
        if (earlyStopping is < 1)
            throw new ArgumentOutOfRangeException("--early-stopping", $"--early-stopping must be ≥ 1; got {earlyStopping}.");
        var mkl = MklCpuDispatch.EnsureApplied();   // before libtorch's first matrix product
        var (train, test) = locator.Load(request.Dataset, request.TrainLimit, request.TestLimit);
        InMemoryDataset monitor = test;
        if (validationFraction > 0)
            (train, monitor) = train.Split(validationFraction, request.Seed);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[grey]{0} on {1} ({2} train, {3} {4}), architecture {5}, {6} epochs, batch {7}[/]",
            Markup.Escape(options.Algorithm.ToString()), Markup.Escape(request.Dataset), train.Count, monitor.Count, validationFraction > 0 ? "validation" : "test",
            Markup.Escape(spec.ToString()), options.Epochs, options.BatchSize);
        AnsiConsole.MarkupLine("[grey]{0}[/]", Markup.Escape(MklCpuDispatch.Describe(mkl)));

        using var trainer = new NetworkTrainer(spec, train.Shape, train.Classes, options);
        double matmulGflops = EpochFlopBound.MeasureMatmulGflops();   // issue 32: on the training's threads, before it starts
        if (resume)
        {
            trainer.LoadCheckpoint(checkpoint);
            AnsiConsole.MarkupLine("[grey]Resumed after epoch {0} from {1}[/]", trainer.CompletedEpochs, Markup.Escape(checkpoint));
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        double best = double.NegativeInfinity;
        int bestEpoch = 0;
        foreach (var h in trainer.History)
            if (h.ValidationAccuracy > best) { best = h.ValidationAccuracy.Value; bestEpoch = h.Epoch; }
        string monitorName = validationFraction > 0 ? "val acc" : "test acc";
        void OnEpoch(EpochMetrics m)
        {
            if (m.ValidationAccuracy > best) { best = m.ValidationAccuracy.Value; bestEpoch = m.Epoch; }
            if (earlyStopping is { } patience && m.Epoch - bestEpoch >= patience) stop.Cancel();
        }
        string[] columns = { "epoch", "train loss", "train acc", monitorName, "inverse loss", "angle° per layer", "s" };
        int passes = trainer.PassesPerEpoch;
        long batchesPerEpoch = (long)((train.Count + options.BatchSize - 1) / options.BatchSize) * passes;
        var progress = new EpochProgress(columns, batchesPerEpoch, options.BatchSize, trainer.CompletedEpochs + 1, options.Epochs);
        var result = progress.Run((onEpoch, beforeBatch) => trainer.Fit(train, monitor, onEpoch, stop.Token, beforeBatch: beforeBatch), EpochRow, OnEpoch);
        if (result.Divergence is not null)
            AnsiConsole.MarkupLine("[red]{0}[/]", Markup.Escape(result.Divergence));
        var testResult = trainer.Evaluate(test);
        AnsiConsole.MarkupLine("[grey]{0}[/]", Markup.Escape(EpochFlopBound.Describe(result.History, EpochFlopBound.EpochFlops(trainer, train.Count, monitor.Count), matmulGflops)));
        Directory.CreateDirectory(output);
        var model = trainer.ToModelParameters(options.Algorithm, options.HyperParameters, result.History);
        ModelZip.Save(new Microsoft.ML.MLContext(request.Seed), model, train.ClassNames, Path.Combine(output, "model.zip"));
        if (result.History.Count > 0)
            Plots.LearningCurve(result.History, $"{options.Algorithm} on {request.Dataset}, {spec}", Path.Combine(output, "learning_curve.png"), validationFraction > 0 ? "validation" : "test");
        var seconds = result.History.Where(h => !h.Partial).Select(h => h.Seconds).OrderBy(s => s).ToArray();
        double median = seconds.Length == 0 ? double.NaN : seconds[seconds.Length / 2];
        var outcome = new Outcome(request, result, testResult, best, bestEpoch, median);
        WriteMetrics(Path.Combine(output, "metrics.json"), outcome, options, spec, train.Shape);
        return outcome;
    }

    /// <summary>One row of the epoch table: epoch, train loss and accuracy, the monitored accuracy, inverse loss, per-layer angles, seconds.</summary>
    private static string[] EpochRow(EpochMetrics m) =>
    [
        m.Epoch.ToString(CultureInfo.InvariantCulture),
        m.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
        m.TrainAccuracy.ToString("P2", CultureInfo.InvariantCulture),
        m.ValidationAccuracy?.ToString("P2", CultureInfo.InvariantCulture) ?? "",
        m.InverseLoss?.ToString("F4", CultureInfo.InvariantCulture) ?? "",
        string.Join(" ", m.AlignmentAngles.Select(a => a?.ToString("F0", CultureInfo.InvariantCulture) ?? "-")),
        m.Seconds.ToString("F1", CultureInfo.InvariantCulture),
    ];

    /// <summary>Writes a run's metrics.json: the command, the options and effective reproduction choices, the test result and the history.</summary>
    private static void WriteMetrics(string path, Outcome outcome, TrainingOptions options, NetworkSpec spec, ImageShape inputShape) =>
        WriteJsonAtomically(path, new
        {
            command = outcome.Request.ToCommandLine(),
            algorithm = options.Algorithm.ToString(),
            architecture = spec.ToString(),
            dataset = outcome.Request.Dataset,
            options.Epochs,
            options.BatchSize,
            options.Seed,
            hyperParameters = options.HyperParameters,
            // The effective reproduction choices (defaults included), so the run stays interpretable if defaults change.
            reproduction = new
            {
                options.StandardizeInputs,
                initialization = options.Initialization.ToString(),
                localLoss = options.LocalLoss.ToString(),
                adamEpsilon = options.AdamEpsilon.ToString(),
                options.RelativeSigma,
                alternateEvery = options.AlternateEvery.ToString(),
                augmentation = options.Augmentation.AppliesTo(inputShape)
                    ? $"{options.Augmentation.Flip} flips, crop padding {options.Augmentation.CropPadding}" : "none",
                matmulPrecision = options.MatmulPrecision.ToString(),
                mklDispatch = MklCpuDispatch.EnsureApplied().ToString(),   // speed only: the kernels oneMKL ran
                table5 = outcome.Request.HyperParameterFilePath is { } file ? $"not used: hyperparameters from {file}" : outcome.Request.Fidelity.Reading.ToString(),
            },
            testAccuracy = outcome.Test.Accuracy,
            testLoss = outcome.Test.Loss,
            bestEpochAccuracy = outcome.BestTestAccuracy,
            bestEpoch = outcome.BestEpoch,
            medianEpochSeconds = outcome.MedianEpochSeconds,
            cancelled = outcome.Result.Cancelled,
            divergence = outcome.Result.Divergence,
            history = outcome.Result.History,
        });

    /// <summary>Parses "CxHxW" (e.g. 1x28x28); null stays null.</summary>
    public static ImageShape? ParseImageShape(string? text)
    {
        if (text is null) return null;
        var parts = text.Split('x', 'X');
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0) || int.Parse(parts[0], CultureInfo.InvariantCulture) is not (1 or 3))
            throw new ArgumentException($"--image-size must be CxHxW with C = 1 or 3, e.g. 1x28x28; got '{text}'.");
        return new ImageShape(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>Writes <paramref name="value"/> as indented JSON to <paramref name="path"/> atomically (<see cref="AtomicFile"/>).</summary>
    public static void WriteJsonAtomically(string path, object value) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
}
