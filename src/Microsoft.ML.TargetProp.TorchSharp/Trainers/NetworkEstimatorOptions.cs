using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Training;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>
/// Options every estimator of this package shares (the classifiers' trainers and the autoencoder): the training loop,
/// its data, its device and its checkpoints. ML.NET conventions: public fields with defaults. Their ranges are checked
/// once, by the engine's <see cref="TrainingOptions"/>, and reported under the names written here.
/// </summary>
public abstract class NetworkEstimatorOptions
{
    /// <summary>Shape C×H×W of the features when their vector type does not carry it (ExtractPixels' output does). Needed by locally-connected layers.</summary>
    public ImageShape? ImageShape;

    /// <summary>Number of passes over the training data. Default <see cref="TrainingOptions.DefaultEpochs"/> (10).</summary>
    public int NumberOfEpochs = TrainingOptions.DefaultEpochs;

    /// <summary>Minibatch size; the paper does not state it, the original DTP code used 100. Default <see cref="TrainingOptions.DefaultBatchSize"/> (100).</summary>
    public int BatchSize = TrainingOptions.DefaultBatchSize;

    /// <summary>
    /// Seed of every random choice (weights, feedback, shuffling, noise); training is deterministic on CPU for a seed.
    /// Default null: drawn from the MLContext's random generator, so <c>new MLContext(seed: s)</c> makes runs repeatable.
    /// </summary>
    public int? Seed;

    /// <summary>libtorch intra-op threads; null keeps libtorch's default.</summary>
    public int? NumberOfThreads;

    /// <summary>Torch device: "cpu" (default) or "cuda" when the app references TorchSharp-cuda-linux/-windows.</summary>
    public string Device = "cpu";

    /// <summary>Data evaluated after every epoch (its loss, and a classifier's accuracy, reach <see cref="MetricsCallback"/> and the log).</summary>
    public IDataView? ValidationSet;

    /// <summary>Called after every epoch with its metrics (loss, accuracies, inverse loss, per-layer alignment angles, seconds).</summary>
    public Action<EpochMetrics>? MetricsCallback;

    /// <summary>Cancels training between minibatches (Fit then throws <see cref="OperationCanceledException"/>); the host's cancellation (ML.NET's internal MLContext.CancelExecution) is honoured too.</summary>
    public System.Threading.CancellationToken CancellationToken;

    /// <summary>Record per-layer diagnostics each epoch (angle with BP's gradient, inverse reconstruction error, target distance). Default true.</summary>
    public bool Diagnostics = true;

    /// <summary>
    /// Checkpoint file (weights, both optimizers, random state, history), written atomically every
    /// <see cref="CheckpointInterval"/> epochs and after the last; when the file exists at Fit, training resumes from it
    /// and continues up to <see cref="NumberOfEpochs"/>. Null (default): no checkpoints.
    /// </summary>
    public string? CheckpointPath;

    /// <summary>Write the checkpoint every this many epochs (and after the last one) when <see cref="CheckpointPath"/> is set. Default 1.</summary>
    public int CheckpointInterval = 1;

    /// <summary>
    /// The number format of the layers' matrix products in training (default float32). <see cref="MatmulPrecision.BFloat16"/>
    /// rounds their operands to bfloat16 and keeps weights, gradients, Adam and the saved model float32; experimental
    /// (docs/performance.md).
    /// </summary>
    public MatmulPrecision MatmulPrecision = TrainingOptions.Default.MatmulPrecision;

    /// <summary>Throws an error naming the option for what the engine cannot check (column names, architecture text, paths).</summary>
    internal virtual void Validate()
    {
        if (CheckpointPath is not null && string.IsNullOrWhiteSpace(CheckpointPath))
            throw new ArgumentOutOfRangeException(nameof(CheckpointPath), "Options.CheckpointPath must be null (no checkpoints) or a file path.");
    }

    /// <summary>
    /// The engine options of one Fit: these fields, <paramref name="algorithm"/> and <paramref name="hyperParameters"/>
    /// (seed <paramref name="hostSeed"/> when <see cref="Seed"/> is null) with the estimator's own choices applied,
    /// validated once with every error under the name written in these options.
    /// </summary>
    internal TrainingOptions ToTrainingOptions(AlgorithmDescriptor algorithm, HyperParameters hyperParameters, int hostSeed)
    {
        var options = WithChoices(new TrainingOptions
        {
            Algorithm = algorithm,
            HyperParameters = hyperParameters,
            Epochs = NumberOfEpochs,
            BatchSize = BatchSize,
            Seed = Seed ?? hostSeed,
            Device = Device,
            NumberOfThreads = NumberOfThreads,
            Diagnostics = Diagnostics,
            CheckpointPath = CheckpointPath,
            CheckpointInterval = CheckpointInterval,
            MatmulPrecision = MatmulPrecision,
        });
        options.Validate(OptionName);
        return options;
    }

    /// <summary><paramref name="options"/> with the estimator's reproduction choices applied (none here).</summary>
    internal virtual TrainingOptions WithChoices(TrainingOptions options) => options;

    /// <summary>
    /// The name a user wrote for the engine option at <paramref name="path"/> ("Epochs", "HyperParameters.Sigma",
    /// "HyperParameters.Forward.LearningRate"), as errors show it: "Options." and the field of these options.
    /// </summary>
    internal virtual string OptionName(string path) => path switch
    {
        nameof(TrainingOptions.Epochs) => "Options." + nameof(NumberOfEpochs),
        _ => "Options." + path,
    };
}
