using System;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.MLNetInternals;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.ML.TargetProp.Transforms;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>
/// An ML.NET estimator that learns an autoencoder (section 5.5: 784-512-64-512-784 with squared-L2 reconstruction
/// error) on a float-vector column with any of the algorithms, and returns an <see cref="AutoencoderTransformer"/>
/// that adds the code as a features column for any downstream trainer (optionally the reconstruction too). For target
/// propagation the output target is the input itself, so the penultimate target is rich rather than a label.
/// </summary>
public sealed class AutoencoderEstimator : IEstimator<AutoencoderTransformer>
{
    /// <summary>Options of <see cref="AutoencoderEstimator"/> (ML.NET conventions: public fields with defaults).</summary>
    public sealed class Options : NetworkEstimatorOptions
    {
        /// <summary>Input column: a known-size Vector&lt;Single&gt; (e.g. ExtractPixels' output). Default "Features".</summary>
        public string InputColumnName = "Features";

        /// <summary>Output column of the code h_c (Vector&lt;Single, code size&gt;). Default "Code".</summary>
        public string OutputColumnName = "Code";

        /// <summary>Output column of the reconstruction x̂, shaped like the input; null (default) leaves it out.</summary>
        public string? ReconstructionColumnName;

        /// <summary>The learning algorithm. Default SDTP.</summary>
        public AlgorithmKind Algorithm = AlgorithmKind.SimplifiedTargetProp;

        /// <summary>Hidden layers (spec syntax); the linear output reconstructing the input is added. Default the paper's "fc(512) fc(64) fc(512)".</summary>
        public string HiddenLayers = PaperHiddenLayers;

        /// <summary>0-based hidden layer whose activity is the code; null (default) picks the narrowest.</summary>
        public int? CodeLayer;

        /// <summary>Optimizer and algorithm hyperparameters; null (default) uses <see cref="DefaultHyperParameters"/>.</summary>
        public HyperParameters? HyperParameters;

        /// <inheritdoc />
        internal override void Validate()
        {
            base.Validate();
            if (string.IsNullOrWhiteSpace(InputColumnName)) throw new ArgumentOutOfRangeException(nameof(InputColumnName), "Options.InputColumnName must name a Vector<Single> column.");
            if (string.IsNullOrWhiteSpace(OutputColumnName)) throw new ArgumentOutOfRangeException(nameof(OutputColumnName), "Options.OutputColumnName must name the code column to add.");
            if (ReconstructionColumnName is not null && (string.IsNullOrWhiteSpace(ReconstructionColumnName) || ReconstructionColumnName == OutputColumnName))
                throw new ArgumentOutOfRangeException(nameof(ReconstructionColumnName), $"Options.ReconstructionColumnName must be null or a name other than the code column '{OutputColumnName}'; got '{ReconstructionColumnName}'.");
        }
    }

    /// <summary>
    /// The paper gives no hyperparameters for its autoencoder, and Table 5's classification values do not transfer
    /// (measured: with the MNIST-FC column DTP and SDTP collapse to the mean image; docs/results.md). These shared
    /// values train every algorithm: Adam(lr 10⁻³, β = 0.9/0.999, ϵ = 10⁻⁸) for θ and λ, α = 0.1, σ = 0.1, parallel.
    /// </summary>
    public static HyperParameters DefaultHyperParameters { get; } = new()
    {
        Forward = new AdamSettings(1e-3),
        Inverse = new AdamSettings(1e-3),
        Alpha = 0.1,
        Sigma = 0.1,
    };

    /// <summary>The hidden layers of section 5.5's autoencoder (784-512-64-512-784 with the input and output): "fc(512) fc(64) fc(512)".</summary>
    public const string PaperHiddenLayers = "fc(512) fc(64) fc(512)";

    private readonly IHostEnvironment _env;
    private readonly int _hostSeed;

    internal AutoencoderEstimator(IHostEnvironment env, Options options)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        EstimatorOptions = options ?? throw new ArgumentNullException(nameof(options));
        _hostSeed = HostAccess.DrawSeed(env, nameof(AutoencoderEstimator));
    }

    /// <summary>The options (read at <see cref="Fit"/>).</summary>
    public Options EstimatorOptions { get; }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        SchemaShapes.AutoencoderOutput(inputSchema, EstimatorOptions.InputColumnName, EstimatorOptions.OutputColumnName, EstimatorOptions.ReconstructionColumnName);

    /// <inheritdoc />
    public AutoencoderTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = EstimatorOptions;
        o.Validate();
        var spec = EstimatorRun.ParseArchitecture(o.HiddenLayers, nameof(Options.HiddenLayers));
        if (spec.HiddenLayers.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(Options.HiddenLayers), $"Options.HiddenLayers '{o.HiddenLayers}' has no hidden layer to take the code from.");
        if (o.CodeLayer is int c && (c < 0 || c >= spec.HiddenLayers.Count))
            throw new ArgumentOutOfRangeException(nameof(Options.CodeLayer), $"Options.CodeLayer must be a hidden layer index in [0, {spec.HiddenLayers.Count - 1}] of '{spec}'; got {c}.");
        var hyperParameters = o.HyperParameters ?? DefaultHyperParameters;
        if (!Enum.IsDefined(o.Algorithm) || o.Algorithm == AlgorithmKind.Unknown)
            throw new ArgumentOutOfRangeException(nameof(Options.Algorithm), $"Options.Algorithm: unknown algorithm {o.Algorithm}.");
        var trainingOptions = o.ToTrainingOptions(o.Algorithm, hyperParameters, _hostSeed);

        var (features, featureType, shape, _) = EstimatorRun.Features(input.Schema, o.InputColumnName, spec, o.ImageShape, o.HiddenLayers);
        using var run = EstimatorRun.Start(_env, nameof(AutoencoderEstimator), o);
        var train = DataViewReader.Read(input, features, null, shape, 1, "training data").Data;
        if (train.Count == 0)
            throw new InvalidOperationException($"The training data has no rows in column '{o.InputColumnName}'; nothing to train on.");
        InMemoryDataset? validation = null;
        if (o.ValidationSet is { } validationSet)
        {
            var (vf, vType) = DataViewReader.FeatureColumn(validationSet.Schema, o.InputColumnName, "validation set");
            if (vType.Size != featureType.Size)
                throw new ArgumentOutOfRangeException(nameof(Options.ValidationSet), $"The validation set's column '{o.InputColumnName}' has {vType.Size} values; the training data has {featureType.Size}.");
            validation = DataViewReader.Read(validationSet, vf, null, shape, 1, "validation set").Data;
            if (validation.Count == 0) validation = null;
        }

        run.Host.Info($"Training a {shape.Size}-{string.Join("-", spec.Shapes(shape).Skip(1).Select(s => s.Size))}-{shape.Size} autoencoder on {train.Count} examples with {o.Algorithm} for {o.NumberOfEpochs} epochs, batch {o.BatchSize}, seed {trainingOptions.Seed}.");
        using var trainer = NetworkTrainer.ForAutoencoder(spec, shape, trainingOptions);
        var result = run.Train(trainer, train, validation, m => string.Format(CultureInfo.InvariantCulture, "Epoch {0}/{1}: train reconstruction error {2:F3}{3}{4}, {5:F1} s.",
            m.Epoch, o.NumberOfEpochs, m.TrainLoss,
            m.ValidationLoss is { } vl ? string.Format(CultureInfo.InvariantCulture, ", validation {0:F3}", vl) : "",
            m.InverseLoss is { } il ? string.Format(CultureInfo.InvariantCulture, ", inverse loss {0:F4}", il) : "",
            m.Seconds), hasAccuracy: false);
        var network = trainer.Network.ToModelParameters(o.Algorithm, hyperParameters, result.History).WithDivergence(result.Divergence);
        return new AutoencoderTransformer(new AutoencoderModelParameters(network, o.CodeLayer), o.OutputColumnName, o.InputColumnName, o.ReconstructionColumnName);
    }
}
