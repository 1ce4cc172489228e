using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Training;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Options shared by every classifier trainer of this package (ML.NET conventions: public fields with defaults).</summary>
public abstract class TargetPropTrainerOptions : NetworkEstimatorOptions
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

    /// <summary>Adam learning rate of the forward weights θ.</summary>
    public double LearningRate = 1e-4;

    /// <summary>Adam β1 of the forward weights.</summary>
    public double Beta1 = 0.9;

    /// <summary>Adam β2 of the forward weights.</summary>
    public double Beta2 = 0.99;

    /// <summary>Adam ϵ of the forward weights.</summary>
    public double Epsilon = 1e-8;

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

    /// <inheritdoc />
    internal override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(Architecture)) throw new ArgumentOutOfRangeException(nameof(Architecture), "Options.Architecture must name a preset or a spec such as \"lc(3x3,32,2) fc(1024)\".");
    }

    /// <inheritdoc />
    internal override TrainingOptions WithChoices(TrainingOptions options) => options with
    {
        StandardizeInputs = StandardizeInputs,
        Initialization = Initialization,
        AdamEpsilon = AdamEpsilon,
        Augmentation = Augmentation,
    };

    /// <inheritdoc />
    /// <remarks>The hyperparameters are flat fields here: Forward.X is X, Inverse.X is InverseX, σ and α carry their symbols.</remarks>
    internal override string OptionName(string path) => path switch
    {
        "HyperParameters.Sigma" => "Options.Sigma (σ)",
        "HyperParameters.Alpha" => "Options.Alpha (α)",
        _ when path.StartsWith("HyperParameters.Settings.", StringComparison.Ordinal) => "Options." + path["HyperParameters.Settings.".Length..],
        _ when path.StartsWith("HyperParameters.Forward.", StringComparison.Ordinal) => "Options." + path["HyperParameters.Forward.".Length..],
        _ when path.StartsWith("HyperParameters.Inverse.", StringComparison.Ordinal) => "Options.Inverse" + path["HyperParameters.Inverse.".Length..],
        _ when path.StartsWith("HyperParameters.", StringComparison.Ordinal) => "Options." + path["HyperParameters.".Length..],
        _ => base.OptionName(path),
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
