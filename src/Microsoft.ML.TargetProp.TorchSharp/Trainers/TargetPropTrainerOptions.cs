using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Training;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Options shared by every trainer of this package (ML.NET conventions: public fields with defaults).</summary>
public abstract class TargetPropTrainerOptions
{
    /// <summary>Label column: a key (use MapValueToKey). Default "Label".</summary>
    public string LabelColumnName = "Label";

    /// <summary>Feature column: a known-size Vector&lt;Single&gt;, planar C×H×W for images (as ExtractPixels gives). Default "Features".</summary>
    public string FeatureColumnName = "Features";

    /// <summary>Output column of class probabilities. Default "Score".</summary>
    public string ScoreColumnName = "Score";

    /// <summary>Output key column of the predicted class. Default "PredictedLabel".</summary>
    public string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>Architecture: a Table 3 preset (mnist-fc, mnist-lc, cifar-fc, cifar-lc, imagenet-lc) or a spec such as "lc(3x3,32,2) fc(1024)". Default "mnist-lc".</summary>
    public string Architecture = "mnist-lc";

    /// <summary>Shape C×H×W of the features when their vector type does not carry it (ExtractPixels' output does). Needed by locally-connected layers.</summary>
    public ImageShape? ImageShape;

    /// <summary>Number of passes over the training data. Default 10.</summary>
    public int NumberOfEpochs = TrainingOptions.DefaultEpochs;

    /// <summary>Minibatch size; the paper does not state it, the original DTP code used 100. Default 100.</summary>
    public int BatchSize = TrainingOptions.DefaultBatchSize;

    /// <summary>Adam learning rate of the forward weights θ.</summary>
    public double LearningRate = 1e-4;

    /// <summary>Adam β1 of the forward weights.</summary>
    public double Beta1 = 0.9;

    /// <summary>Adam β2 of the forward weights.</summary>
    public double Beta2 = 0.99;

    /// <summary>Adam ϵ of the forward weights.</summary>
    public double Epsilon = 1e-8;

    /// <summary>
    /// Seed of every random choice (weights, feedback, shuffling, noise); training is deterministic on CPU for a seed.
    /// Default null: drawn from the MLContext's random generator, so <c>new MLContext(seed: s)</c> makes runs repeatable.
    /// </summary>
    public int? Seed;

    /// <summary>libtorch intra-op threads; null keeps libtorch's default.</summary>
    public int? NumberOfThreads;

    /// <summary>Torch device: "cpu" (default) or "cuda" when the app references TorchSharp-cuda-linux/-windows.</summary>
    public string Device = "cpu";

    /// <summary>Data evaluated after every epoch (its accuracy is reported through <see cref="MetricsCallback"/> and the log).</summary>
    public IDataView? ValidationSet;

    /// <summary>Called after every epoch with its metrics (loss, accuracies, inverse loss, per-layer alignment angles, seconds).</summary>
    public Action<EpochMetrics>? MetricsCallback;

    /// <summary>Cancels training between minibatches (Fit then throws <see cref="OperationCanceledException"/>); the host's cancellation (ML.NET's internal MLContext.CancelExecution) is honoured too.</summary>
    public System.Threading.CancellationToken CancellationToken;

    /// <summary>
    /// Checkpoint file (weights, both optimizers, random state, history), written atomically every
    /// <see cref="CheckpointInterval"/> epochs and after the last; when the file exists at Fit, training resumes from it
    /// and continues up to <see cref="NumberOfEpochs"/>. Null (default): no checkpoints.
    /// </summary>
    public string? CheckpointPath;

    /// <summary>Write the checkpoint every this many epochs (and after the last one) when <see cref="CheckpointPath"/> is set. Default 1.</summary>
    public int CheckpointInterval = 1;

    /// <summary>
    /// Standardise the features per channel with the training data's mean and standard deviation. The statistics are
    /// folded into the saved model's first layer, so scoring (managed, ONNX, older scoring packages) reads raw features:
    /// no NormalizeMeanVariance is needed in the pipeline. Default true.
    /// </summary>
    public bool StandardizeInputs = TrainingOptions.Default.StandardizeInputs;

    /// <summary>Weight initialisation. Default <see cref="WeightInitialization.GlorotStrideAware"/> (Glorot with the fans of the strided sparse matrix).</summary>
    public WeightInitialization Initialization = TrainingOptions.Default.Initialization;

    /// <summary>Where Adam's ϵ enters the step: after the bias correction (PyTorch, default) or before (TensorFlow, the paper's framework).</summary>
    public AdamEpsilonMode AdamEpsilon = TrainingOptions.Default.AdamEpsilon;

    /// <summary>
    /// Random flips and crops of training images, drawn from the seed (default: horizontal flips and pad-4 crops on
    /// multi-channel images such as CIFAR, nothing on one-channel or flat data; <see cref="AugmentationMode.On"/> or
    /// <see cref="AugmentationMode.Off"/> to decide).
    /// </summary>
    public ImageAugmentation Augmentation = TrainingOptions.Default.Augmentation;

    /// <summary>Record per-layer diagnostics each epoch (angle with BP's gradient, inverse reconstruction error, target distance). Default true.</summary>
    public bool Diagnostics = true;

    /// <summary>Throws an error naming the option when a value is out of range.</summary>
    internal virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(Architecture)) throw new ArgumentOutOfRangeException(nameof(Architecture), "Options.Architecture must name a preset or a spec such as \"lc(3x3,32,2) fc(1024)\".");
        OptionChecks.AtLeastOne(NumberOfEpochs, nameof(NumberOfEpochs), "Options.NumberOfEpochs");
        OptionChecks.AtLeastOne(BatchSize, nameof(BatchSize), "Options.BatchSize");
        OptionChecks.PositiveFinite(LearningRate, nameof(LearningRate), "Options.LearningRate");
        OptionChecks.AtLeastOneWhenSet(NumberOfThreads, nameof(NumberOfThreads), "Options.NumberOfThreads");
        if (!Enum.IsDefined(Initialization)) throw new ArgumentOutOfRangeException(nameof(Initialization), $"Options.Initialization: unknown value {Initialization}.");
        if (!Enum.IsDefined(AdamEpsilon)) throw new ArgumentOutOfRangeException(nameof(AdamEpsilon), $"Options.AdamEpsilon: unknown value {AdamEpsilon}.");
        Checkpoints.Validate(CheckpointPath, CheckpointInterval);
    }

    /// <summary><paramref name="options"/> with this trainer's reproduction choices applied.</summary>
    internal virtual TrainingOptions WithChoices(TrainingOptions options) => options with
    {
        StandardizeInputs = StandardizeInputs,
        Initialization = Initialization,
        AdamEpsilon = AdamEpsilon,
        Augmentation = Augmentation ?? throw new ArgumentNullException(nameof(Augmentation), "Options.Augmentation must not be null; use new ImageAugmentation { Mode = AugmentationMode.Off } to turn it off."),
    };

    /// <summary>The forward Adam settings.</summary>
    internal AdamSettings ForwardAdam => new(LearningRate, Beta1, Beta2, Epsilon);

    /// <summary>This algorithm's hyperparameters.</summary>
    internal abstract HyperParameters ToHyperParameters();

    /// <summary>Copies Table 5's values for <paramref name="preset"/> into these options (and sets the architecture if it is a preset).</summary>
    protected void ApplyPaper(HyperParameters p, string preset)
    {
        LearningRate = p.Forward.LearningRate;
        Beta1 = p.Forward.Beta1;
        Beta2 = p.Forward.Beta2;
        Epsilon = p.Forward.Epsilon;
        if (NetworkPresets.TryGet(preset, out _)) Architecture = preset;
    }
}
