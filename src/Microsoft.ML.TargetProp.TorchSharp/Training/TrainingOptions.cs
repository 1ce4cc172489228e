using System;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Layers;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>Everything that defines a training run besides the data and the architecture.</summary>
public sealed record TrainingOptions
{
    /// <summary>The defaults (what <c>new TrainingOptions()</c> holds); the ML.NET trainers' options start from them.</summary>
    public static TrainingOptions Default { get; } = new();

    /// <summary>The learning rule (a registered descriptor; the paper's six also convert from <see cref="AlgorithmKind"/>).</summary>
    public AlgorithmDescriptor Algorithm { get; init; } = SimplifiedTargetProp.Descriptor;

    /// <summary>Optimizer and algorithm hyperparameters (Table 4/5).</summary>
    public HyperParameters HyperParameters { get; init; } = new();

    /// <summary>The default number of epochs of the engine, the trainers and the autoencoder: 10.</summary>
    public const int DefaultEpochs = 10;

    /// <summary>The default minibatch size: 100, the original DTP code's (the paper does not state it).</summary>
    public const int DefaultBatchSize = 100;

    /// <summary>Number of epochs (passes over the training data; the paper reports the best test error within 500).</summary>
    public int Epochs { get; init; } = DefaultEpochs;

    /// <summary>Minibatch size. The paper does not state it; the original DTP code used 100, our default.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>Seed of every random choice: initial weights, feedback matrices, inverses, shuffling and noise.</summary>
    public int Seed { get; init; }

    /// <summary>Torch device: "cpu" (default) or "cuda"/"cuda:N" when the app references a CUDA libtorch package.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>libtorch intra-op threads; null keeps libtorch's default.</summary>
    public int? NumberOfThreads { get; init; }

    /// <summary>Record per-layer diagnostics (alignment angle with BP, inverse reconstruction error, target distance) once per epoch.</summary>
    public bool Diagnostics { get; init; } = true;

    /// <summary>
    /// Pin glibc malloc's mmap and trim thresholds once per process before training (see <see cref="MallocTuning"/>):
    /// measured here, libtorch otherwise returns and re-faults its large buffers every step. Default true.
    /// </summary>
    public bool TuneAllocator { get; init; } = true;

    /// <summary>Where <see cref="NetworkTrainer.Fit"/> writes checkpoints (weights, both optimizers, RNG state, history); null disables them.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Write a checkpoint every this many epochs (and after the last one) when <see cref="CheckpointPath"/> is set. Default 1.</summary>
    public int CheckpointInterval { get; init; } = 1;

    /// <summary>
    /// Standardise inputs per channel, x ← (x − μ_c)/s_c, with the training set's statistics. The saved model folds the
    /// transform into the first layer (W·diag(1/s), b − W μ/s, exact also at zero-padded borders), so it scores raw inputs.
    /// Ignored for an autoencoder, whose targets are its inputs. Default true (docs/results.md, "Fidelity ablation").
    /// </summary>
    public bool StandardizeInputs { get; init; } = true;

    /// <summary>How W, b, the inverses' V, c and feedback matrices are drawn. Default Glorot with stride-aware fans (the same as Glorot for dense layers).</summary>
    public WeightInitialization Initialization { get; init; } = WeightInitialization.GlorotStrideAware;

    /// <summary>Scale of the squared-L2 layer and inverse losses.</summary>
    public LocalLossScale LocalLoss { get; init; } = LocalLossScale.HalfSum;

    /// <summary>Where Adam's ϵ enters the step (both optimizers).</summary>
    public AdamEpsilonMode AdamEpsilon { get; init; } = AdamEpsilonMode.PyTorch;

    /// <summary>σ relative to each batch's activity standard deviation instead of absolute (target propagation).</summary>
    public bool RelativeSigma { get; init; }

    /// <summary>
    /// With the alternating schedule: an inverse step then a forward step on every minibatch (default: per-epoch
    /// alternation made SDTP collapse on MNIST-FC, docs/results.md), or one inverse pass then one forward pass per epoch.
    /// </summary>
    public AlternationGranularity AlternateEvery { get; init; } = AlternationGranularity.Minibatch;

    /// <summary>
    /// The number format of the layers' matrix products in training (default float32). bfloat16 rounds the operands of
    /// every product of the forward layers and inverses and keeps θ, λ, gradients and Adam in float32; evaluation and the
    /// saved model are float32. Experimental: docs/performance.md has its speed, docs/results.md its accuracy.
    /// </summary>
    public MatmulPrecision MatmulPrecision { get; init; } = MatmulPrecision.Float32;

    /// <summary>Random flips and crops of training images (default: on for multi-channel images, off otherwise).</summary>
    public ImageAugmentation Augmentation { get; init; } = new();

    /// <summary>Throws an error naming the option when a value is out of range.</summary>
    public void Validate() => Validate(OptionChecks.Unchanged);

    /// <summary>
    /// Throws an error naming the option as <paramref name="label"/> calls its path ("Epochs", "HyperParameters.Sigma",
    /// "Augmentation.CropPadding"): the one range check of every estimator, which passes the names its users wrote.
    /// </summary>
    internal void Validate(Func<string, string> label)
    {
        ArgumentNullException.ThrowIfNull(HyperParameters, OptionChecks.ParamName(label(nameof(HyperParameters))));
        HyperParameters.Validate(path => label($"{nameof(HyperParameters)}.{path}"));
        OptionChecks.AtLeastOne(Epochs, label(nameof(Epochs)));
        OptionChecks.AtLeastOne(BatchSize, label(nameof(BatchSize)));
        OptionChecks.AtLeastOneWhenSet(NumberOfThreads, label(nameof(NumberOfThreads)));
        OptionChecks.AtLeastOne(CheckpointInterval, label(nameof(CheckpointInterval)));
        Defined(Initialization, label(nameof(Initialization)));
        Defined(LocalLoss, label(nameof(LocalLoss)));
        Defined(AdamEpsilon, label(nameof(AdamEpsilon)));
        Defined(AlternateEvery, label(nameof(AlternateEvery)));
        Defined(MatmulPrecision, label(nameof(MatmulPrecision)));
        string augmentation = label(nameof(Augmentation));
        if (Augmentation is null)
            throw new ArgumentNullException(OptionChecks.ParamName(augmentation), $"{augmentation} must not be null; use new ImageAugmentation {{ Mode = AugmentationMode.Off }} to turn it off.");
        Augmentation.Validate(augmentation);
        if (Algorithm is null)
            throw new ArgumentNullException(OptionChecks.ParamName(label(nameof(Algorithm))), $"{label(nameof(Algorithm))} must name a registered rule ({AlgorithmRegistry.ShortNameList()}).");
        Algorithm.Validate(HyperParameters, path => label($"{nameof(HyperParameters)}.{path}"));
    }

    private static void Defined<T>(T value, string label) where T : struct, Enum
    {
        if (!Enum.IsDefined(value)) throw new ArgumentOutOfRangeException(OptionChecks.ParamName(label), $"{label}: unknown value {value}.");
    }
}
