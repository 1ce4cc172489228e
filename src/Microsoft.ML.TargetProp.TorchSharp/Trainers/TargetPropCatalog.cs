using System;
using System.Linq;
using Microsoft.ML.TargetProp.MLNetInternals;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using Microsoft.ML.TargetProp.TorchSharp.Training;

namespace Microsoft.ML;

/// <summary>
/// The trainers of Microsoft.ML.TargetProp on <c>mlContext.MulticlassClassification.Trainers</c>. Each has a flat-argument
/// overload and an <c>Options</c> overload. Option defaults are the recommended MNIST locally-connected values (a
/// searched preset where one is committed, else Table 5's); a flat overload whose <c>architecture</c> is a Table 3 preset
/// starts from that preset's recommended values (<c>Options.Recommended</c>; <c>Options.FromPaper</c> is Table 5's).
/// </summary>
public static class TargetPropCatalog
{
    /// <summary>Simplified difference target propagation (SDTP).</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="featureColumnName">Vector&lt;Single&gt; feature column (C×H×W for images).</param>
    /// <param name="architecture">Table 3 preset or spec, e.g. "mnist-lc" or "lc(3x3,32,2) fc(1024)".</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="learningRate">Forward Adam learning rate (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="sigma">Inverse-training noise σ (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="seed">Random seed (null: drawn from the MLContext's seed).</param>
    /// <param name="imageShape">C×H×W of a flat feature vector (null: its dimensions, or the preset's input shape when the sizes match).</param>
    public static SimplifiedTargetPropTrainer SimplifiedTargetProp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string architecture = "mnist-lc", int numberOfEpochs = TrainingOptions.DefaultEpochs,
        int batchSize = TrainingOptions.DefaultBatchSize, double? learningRate = null, double? sigma = null, int? seed = null, ImageShape? imageShape = null)
    {
        var options = Start(architecture, new SimplifiedTargetPropTrainer.Options(), p => SimplifiedTargetPropTrainer.Options.Recommended(p));
        Common(options, labelColumnName, featureColumnName, architecture, numberOfEpochs, batchSize, learningRate, seed, imageShape);
        if (sigma is { } s) options.Sigma = s;
        return SimplifiedTargetProp(catalog, options);
    }

    /// <summary>Simplified difference target propagation (SDTP) with all options.</summary>
    public static SimplifiedTargetPropTrainer SimplifiedTargetProp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, SimplifiedTargetPropTrainer.Options options) =>
        new(HostAccess.Environment(catalog), options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>Difference target propagation (DTP).</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="featureColumnName">Vector&lt;Single&gt; feature column.</param>
    /// <param name="architecture">Table 3 preset or spec.</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="learningRate">Forward Adam learning rate (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="alpha">Penultimate target step α (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="seed">Random seed (null: drawn from the MLContext's seed).</param>
    /// <param name="imageShape">C×H×W of a flat feature vector (null: its dimensions, or the preset's input shape when the sizes match).</param>
    public static DifferenceTargetPropTrainer DifferenceTargetProp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string architecture = "mnist-lc", int numberOfEpochs = TrainingOptions.DefaultEpochs,
        int batchSize = TrainingOptions.DefaultBatchSize, double? learningRate = null, double? alpha = null, int? seed = null, ImageShape? imageShape = null)
    {
        var options = Start(architecture, new DifferenceTargetPropTrainer.Options(), p => DifferenceTargetPropTrainer.Options.Recommended(p));
        Common(options, labelColumnName, featureColumnName, architecture, numberOfEpochs, batchSize, learningRate, seed, imageShape);
        if (alpha is { } a) options.Alpha = a;
        return DifferenceTargetProp(catalog, options);
    }

    /// <summary>Difference target propagation (DTP) with all options.</summary>
    public static DifferenceTargetPropTrainer DifferenceTargetProp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, DifferenceTargetPropTrainer.Options options) =>
        new(HostAccess.Environment(catalog), options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>SDTP with an augmented output (AO-SDTP, Algorithm 2).</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="featureColumnName">Vector&lt;Single&gt; feature column.</param>
    /// <param name="architecture">Table 3 preset or spec.</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="auxiliaryUnits">Size k of the auxiliary output.</param>
    /// <param name="learningRate">Forward Adam learning rate (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="seed">Random seed (null: drawn from the MLContext's seed).</param>
    /// <param name="imageShape">C×H×W of a flat feature vector (null: its dimensions, or the preset's input shape when the sizes match).</param>
    public static AugmentedOutputTargetPropTrainer AugmentedOutputTargetProp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string architecture = "mnist-lc", int numberOfEpochs = TrainingOptions.DefaultEpochs,
        int batchSize = TrainingOptions.DefaultBatchSize, int auxiliaryUnits = HyperParameters.DefaultAuxiliaryUnits, double? learningRate = null, int? seed = null, ImageShape? imageShape = null)
    {
        var options = Start(architecture, new AugmentedOutputTargetPropTrainer.Options(), p => AugmentedOutputTargetPropTrainer.Options.Recommended(p));
        options.AuxiliaryUnits = auxiliaryUnits;
        Common(options, labelColumnName, featureColumnName, architecture, numberOfEpochs, batchSize, learningRate, seed, imageShape);
        return AugmentedOutputTargetProp(catalog, options);
    }

    /// <summary>AO-SDTP with all options.</summary>
    public static AugmentedOutputTargetPropTrainer AugmentedOutputTargetProp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, AugmentedOutputTargetPropTrainer.Options options) =>
        new(HostAccess.Environment(catalog), options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>Feedback alignment (FA).</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="featureColumnName">Vector&lt;Single&gt; feature column.</param>
    /// <param name="architecture">Table 3 preset or spec.</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="learningRate">Adam learning rate (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="seed">Random seed (null: drawn from the MLContext's seed).</param>
    /// <param name="imageShape">C×H×W of a flat feature vector (null: its dimensions, or the preset's input shape when the sizes match).</param>
    public static FeedbackAlignmentTrainer FeedbackAlignment(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string architecture = "mnist-lc", int numberOfEpochs = TrainingOptions.DefaultEpochs,
        int batchSize = TrainingOptions.DefaultBatchSize, double? learningRate = null, int? seed = null, ImageShape? imageShape = null)
    {
        var options = Start(architecture, new FeedbackAlignmentTrainer.Options(), p => FeedbackAlignmentTrainer.Options.Recommended(p));
        Common(options, labelColumnName, featureColumnName, architecture, numberOfEpochs, batchSize, learningRate, seed, imageShape);
        return FeedbackAlignment(catalog, options);
    }

    /// <summary>Feedback alignment (FA) with all options.</summary>
    public static FeedbackAlignmentTrainer FeedbackAlignment(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, FeedbackAlignmentTrainer.Options options) =>
        new(HostAccess.Environment(catalog), options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>Direct feedback alignment (DFA).</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="featureColumnName">Vector&lt;Single&gt; feature column.</param>
    /// <param name="architecture">Table 3 preset or spec.</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="learningRate">Adam learning rate (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="seed">Random seed (null: drawn from the MLContext's seed).</param>
    /// <param name="imageShape">C×H×W of a flat feature vector (null: its dimensions, or the preset's input shape when the sizes match).</param>
    public static DirectFeedbackAlignmentTrainer DirectFeedbackAlignment(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string architecture = "mnist-lc", int numberOfEpochs = TrainingOptions.DefaultEpochs,
        int batchSize = TrainingOptions.DefaultBatchSize, double? learningRate = null, int? seed = null, ImageShape? imageShape = null)
    {
        var options = Start(architecture, new DirectFeedbackAlignmentTrainer.Options(), p => DirectFeedbackAlignmentTrainer.Options.Recommended(p));
        Common(options, labelColumnName, featureColumnName, architecture, numberOfEpochs, batchSize, learningRate, seed, imageShape);
        return DirectFeedbackAlignment(catalog, options);
    }

    /// <summary>Direct feedback alignment (DFA) with all options.</summary>
    public static DirectFeedbackAlignmentTrainer DirectFeedbackAlignment(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, DirectFeedbackAlignmentTrainer.Options options) =>
        new(HostAccess.Environment(catalog), options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>The backpropagation baseline on the same architectures.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="featureColumnName">Vector&lt;Single&gt; feature column.</param>
    /// <param name="architecture">Table 3 preset or spec.</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="learningRate">Adam learning rate (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="seed">Random seed (null: drawn from the MLContext's seed).</param>
    /// <param name="imageShape">C×H×W of a flat feature vector (null: its dimensions, or the preset's input shape when the sizes match).</param>
    public static BackpropTrainer Backprop(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string architecture = "mnist-lc", int numberOfEpochs = TrainingOptions.DefaultEpochs,
        int batchSize = TrainingOptions.DefaultBatchSize, double? learningRate = null, int? seed = null, ImageShape? imageShape = null)
    {
        var options = Start(architecture, new BackpropTrainer.Options(), p => BackpropTrainer.Options.Recommended(p));
        Common(options, labelColumnName, featureColumnName, architecture, numberOfEpochs, batchSize, learningRate, seed, imageShape);
        return Backprop(catalog, options);
    }

    /// <summary>The backpropagation baseline with all options.</summary>
    public static BackpropTrainer Backprop(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, BackpropTrainer.Options options) =>
        new(HostAccess.Environment(catalog), options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>Kolen–Pollack (Akrout et al. 2019): feedback alignment whose feedback learns W_lᵀ through weight decay.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="featureColumnName">Vector&lt;Single&gt; feature column.</param>
    /// <param name="architecture">Table 3 preset or spec.</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="learningRate">Adam learning rate (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="weightDecay">λ, the decoupled weight decay of W_l and B_l (null: the rule's default).</param>
    /// <param name="seed">Random seed (null: drawn from the MLContext's seed).</param>
    /// <param name="imageShape">C×H×W of a flat feature vector (null: its dimensions, or the preset's input shape when the sizes match).</param>
    public static KolenPollackTrainer KolenPollack(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string architecture = "mnist-lc", int numberOfEpochs = TrainingOptions.DefaultEpochs,
        int batchSize = TrainingOptions.DefaultBatchSize, double? learningRate = null, double? weightDecay = null, int? seed = null, ImageShape? imageShape = null)
    {
        var options = Start(architecture, new KolenPollackTrainer.Options(), p => KolenPollackTrainer.Options.Recommended(p));
        Common(options, labelColumnName, featureColumnName, architecture, numberOfEpochs, batchSize, learningRate, seed, imageShape);
        if (weightDecay is { } wd) options.WeightDecay = wd;
        return KolenPollack(catalog, options);
    }

    /// <summary>Kolen–Pollack (Akrout et al. 2019): feedback alignment whose feedback learns W_lᵀ through weight decay with all options.</summary>
    public static KolenPollackTrainer KolenPollack(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, KolenPollackTrainer.Options options) =>
        new(HostAccess.Environment(catalog), options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>Sign symmetry (Liao et al. 2016; biotorch's uSF): feedback through the signs of W_l.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="featureColumnName">Vector&lt;Single&gt; feature column.</param>
    /// <param name="architecture">Table 3 preset or spec.</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="learningRate">Adam learning rate (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="seed">Random seed (null: drawn from the MLContext's seed).</param>
    /// <param name="imageShape">C×H×W of a flat feature vector (null: its dimensions, or the preset's input shape when the sizes match).</param>
    public static SignSymmetryTrainer SignSymmetry(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string architecture = "mnist-lc", int numberOfEpochs = TrainingOptions.DefaultEpochs,
        int batchSize = TrainingOptions.DefaultBatchSize, double? learningRate = null, int? seed = null, ImageShape? imageShape = null)
    {
        var options = Start(architecture, new SignSymmetryTrainer.Options(), p => SignSymmetryTrainer.Options.Recommended(p));
        Common(options, labelColumnName, featureColumnName, architecture, numberOfEpochs, batchSize, learningRate, seed, imageShape);
        return SignSymmetry(catalog, options);
    }

    /// <summary>Sign symmetry (Liao et al. 2016; biotorch's uSF): feedback through the signs of W_l with all options.</summary>
    public static SignSymmetryTrainer SignSymmetry(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, SignSymmetryTrainer.Options options) =>
        new(HostAccess.Environment(catalog), options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>Direct random target projection (DRTP, Frenkel et al. 2021): the one-hot target to every hidden layer through fixed random matrices.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="featureColumnName">Vector&lt;Single&gt; feature column.</param>
    /// <param name="architecture">Table 3 preset or spec.</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="learningRate">Adam learning rate (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="seed">Random seed (null: drawn from the MLContext's seed).</param>
    /// <param name="imageShape">C×H×W of a flat feature vector (null: its dimensions, or the preset's input shape when the sizes match).</param>
    public static DirectRandomTargetProjectionTrainer DirectRandomTargetProjection(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string architecture = "mnist-lc", int numberOfEpochs = TrainingOptions.DefaultEpochs,
        int batchSize = TrainingOptions.DefaultBatchSize, double? learningRate = null, int? seed = null, ImageShape? imageShape = null)
    {
        var options = Start(architecture, new DirectRandomTargetProjectionTrainer.Options(), p => DirectRandomTargetProjectionTrainer.Options.Recommended(p));
        Common(options, labelColumnName, featureColumnName, architecture, numberOfEpochs, batchSize, learningRate, seed, imageShape);
        return DirectRandomTargetProjection(catalog, options);
    }

    /// <summary>Direct random target projection (DRTP, Frenkel et al. 2021): the one-hot target to every hidden layer through fixed random matrices with all options.</summary>
    public static DirectRandomTargetProjectionTrainer DirectRandomTargetProjection(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, DirectRandomTargetProjectionTrainer.Options options) =>
        new(HostAccess.Environment(catalog), options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>Fixed-weight difference target propagation (FW-DTP, Shibuya et al. 2023): DTP through untrained random inverses.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">Key label column.</param>
    /// <param name="featureColumnName">Vector&lt;Single&gt; feature column.</param>
    /// <param name="architecture">Table 3 preset or spec.</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="learningRate">Adam learning rate (null: the recommended value for a preset architecture, else MNIST-LC's).</param>
    /// <param name="alpha">Output target step α (null: the recommended value for a preset architecture).</param>
    /// <param name="seed">Random seed (null: drawn from the MLContext's seed).</param>
    /// <param name="imageShape">C×H×W of a flat feature vector (null: its dimensions, or the preset's input shape when the sizes match).</param>
    public static FixedWeightTargetPropTrainer FixedWeightTargetProp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", string architecture = "mnist-lc", int numberOfEpochs = TrainingOptions.DefaultEpochs,
        int batchSize = TrainingOptions.DefaultBatchSize, double? learningRate = null, double? alpha = null, int? seed = null, ImageShape? imageShape = null)
    {
        var options = Start(architecture, new FixedWeightTargetPropTrainer.Options(), p => FixedWeightTargetPropTrainer.Options.Recommended(p));
        Common(options, labelColumnName, featureColumnName, architecture, numberOfEpochs, batchSize, learningRate, seed, imageShape);
        if (alpha is { } a) options.Alpha = a;
        return FixedWeightTargetProp(catalog, options);
    }

    /// <summary>Fixed-weight difference target propagation (FW-DTP, Shibuya et al. 2023): DTP through untrained random inverses with all options.</summary>
    public static FixedWeightTargetPropTrainer FixedWeightTargetProp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, FixedWeightTargetPropTrainer.Options options) =>
        new(HostAccess.Environment(catalog), options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>
    /// The options a flat overload starts from: Table 5's values for <paramref name="architecture"/> when it names a
    /// Table 3 preset (so "cifar-fc" trains with CIFAR-FC's hyperparameters), else the defaults (MNIST-LC's values).
    /// </summary>
    private static TOptions Start<TOptions>(string architecture, TOptions defaults, Func<string, TOptions> fromPaper)
        where TOptions : TargetPropTrainerOptions =>
        architecture is not null && PaperHyperParameters.Covers(architecture) ? fromPaper(architecture) : defaults;

    private static void Common(TargetPropTrainerOptions options, string label, string features, string architecture, int epochs, int batchSize, double? learningRate, int? seed, ImageShape? imageShape)
    {
        options.ImageShape = imageShape;
        options.LabelColumnName = label;
        options.FeatureColumnName = features;
        options.Architecture = architecture;
        options.NumberOfEpochs = epochs;
        options.BatchSize = batchSize;
        options.Seed = seed;
        if (learningRate is { } lr) options.LearningRate = lr;
    }
}
