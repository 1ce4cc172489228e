using System;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.MLNetInternals;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.ML.TargetProp.Transforms;
using Microsoft.ML.Trainers;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>
/// An ML.NET multiclass trainer estimator: reads the feature and label columns, trains the network with the algorithm
/// on TorchSharp (logging each epoch through mlContext.Log, reporting progress, honouring MLContext.CancelExecution
/// between batches) and returns a <see cref="TargetPropTransformer"/> that scores without libtorch.
/// </summary>
/// <typeparam name="TOptions">The trainer's options.</typeparam>
public abstract class TargetPropTrainerBase<TOptions> : ITrainerEstimator<TargetPropTransformer, TargetPropModelParameters>
    where TOptions : TargetPropTrainerOptions
{
    private readonly IHostEnvironment _env;
    private readonly int _hostSeed;

    /// <summary>Creates the estimator; draws the seed used when <see cref="NetworkEstimatorOptions.Seed"/> is null from the host's random generator.</summary>
    private protected TargetPropTrainerBase(IHostEnvironment env, TOptions options, AlgorithmDescriptor rule)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        TrainerOptions = options ?? throw new ArgumentNullException(nameof(options));
        Rule = rule ?? throw new ArgumentNullException(nameof(rule));
        _hostSeed = HostAccess.DrawSeed(env, Name);
    }

    /// <summary>The options (read at <see cref="Fit(IDataView)"/>).</summary>
    public TOptions TrainerOptions { get; }

    /// <summary>The learning rule.</summary>
    public AlgorithmDescriptor Rule { get; }

    /// <summary>The learning algorithm among the paper's six; <see cref="AlgorithmKind.Unknown"/> for a rule added after them (see <see cref="Rule"/>).</summary>
    public AlgorithmKind Algorithm => Rule.Kind;

    /// <summary>Name used in logs: the trainer's type name.</summary>
    public string Name => GetType().Name;

    /// <summary>What ML.NET needs to know about the trainer: no normalization or caching needed (the rows are read into memory once); supports a validation set.</summary>
    public TrainerInfo Info { get; } = TrainerInfos.InMemoryWithValidation();

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        SchemaShapes.MulticlassOutput(inputSchema, TrainerOptions.LabelColumnName, TrainerOptions.FeatureColumnName, TrainerOptions.ScoreColumnName, TrainerOptions.PredictedLabelColumnName);

    /// <summary>Trains on <paramref name="input"/>, measuring <see cref="NetworkEstimatorOptions.ValidationSet"/> after every epoch when it is set.</summary>
    public TargetPropTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Train(input, TrainerOptions.ValidationSet);
    }

    /// <summary>
    /// Trains on <paramref name="trainData"/> and measures <paramref name="validationData"/> after every epoch (its loss
    /// and accuracy go into the history), in place of <see cref="NetworkEstimatorOptions.ValidationSet"/>.
    /// </summary>
    public TargetPropTransformer Fit(IDataView trainData, IDataView validationData)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        ArgumentNullException.ThrowIfNull(validationData);
        return Train(trainData, validationData);
    }

    private TargetPropTransformer Train(IDataView input, IDataView? validationSet)
    {
        TrainerOptions.Validate();
        var spec = EstimatorRun.ParseArchitecture(TrainerOptions.Architecture, nameof(TrainerOptions.Architecture));
        var hyperParameters = TrainerOptions.ToHyperParameters();
        var trainingOptions = TrainerOptions.ToTrainingOptions(Rule, hyperParameters, _hostSeed);

        var (features, featureType, shape, shapeNote) = EstimatorRun.Features(input.Schema, TrainerOptions.FeatureColumnName, spec, TrainerOptions.ImageShape, TrainerOptions.Architecture);
        var (label, classes) = DataViewReader.LabelColumn(input.Schema, TrainerOptions.LabelColumnName, data: input);
        var labelValues = LabelKeyValues.FromColumn(label);
        DataViewSchema.Column? validationFeatures = null, validationLabel = null;
        if (validationSet is not null)
        {
            var (vf, vType) = DataViewReader.FeatureColumn(validationSet.Schema, TrainerOptions.FeatureColumnName, "validation set");
            var (vl, vClasses) = DataViewReader.LabelColumn(validationSet.Schema, TrainerOptions.LabelColumnName, "validation set");
            if (vType.Size != featureType.Size || vClasses != classes)
                throw new ArgumentOutOfRangeException(nameof(TrainerOptions.ValidationSet), $"The validation set has {vType.Size} features and {vClasses} classes; the training data has {featureType.Size} and {classes}.");
            if (labelValues is not null && LabelKeyValues.FromColumn(vl) is { } vValues && !vValues.SameAs(labelValues))
                throw new ArgumentOutOfRangeException(nameof(TrainerOptions.ValidationSet),
                    $"Options.ValidationSet: its label column '{vl.Name}' maps keys 1..{vClasses} to {Preview(vValues)}, the training data's to {Preview(labelValues)}; key both with the same fitted MapValueToKey transformer.");
            (validationFeatures, validationLabel) = (vf, vl);
        }

        using var run = EstimatorRun.Start(_env, Name, TrainerOptions);
        var host = run.Host;
        if (shapeNote is not null) host.Info(shapeNote);
        var (train, skipped) = DataViewReader.Read(input, features, label, shape, classes, "training data");
        if (skipped > 0) host.Warning($"{skipped} training rows with a missing label were skipped.");
        CheckClasses(train, labelValues);
        InMemoryDataset? validation = null;
        if (validationSet is not null)
        {
            validation = DataViewReader.Read(validationSet, validationFeatures!.Value, validationLabel, shape, classes, "validation set").Data;
            if (validation.Count == 0) validation = null;
        }

        host.Info($"Training {spec} on {train.Count} examples of {shape} with {Rule.DisplayName} for {TrainerOptions.NumberOfEpochs} epochs, batch {TrainerOptions.BatchSize}, seed {trainingOptions.Seed}.");
        using var trainer = new NetworkTrainer(spec, shape, classes, trainingOptions);
        var result = run.Train(trainer, train, validation, m => string.Format(CultureInfo.InvariantCulture, "Epoch {0}/{1}: train loss {2:F4}, train accuracy {3:P2}{4}{5}, {6:F1} s.",
            m.Epoch, TrainerOptions.NumberOfEpochs, m.TrainLoss, m.TrainAccuracy,
            m.ValidationAccuracy is { } va ? string.Format(CultureInfo.InvariantCulture, ", validation accuracy {0:P2}", va) : "",
            m.InverseLoss is { } il ? string.Format(CultureInfo.InvariantCulture, ", inverse loss {0:F4}", il) : "",
            m.Seconds), hasAccuracy: true);
        var model = trainer.ToModelParameters(Rule, hyperParameters, result.History).WithDivergence(result.Divergence);
        return new TargetPropTransformer(model, TrainerOptions.FeatureColumnName, labelValues, TrainerOptions.ScoreColumnName, TrainerOptions.PredictedLabelColumnName);
    }

    private static string Preview(LabelKeyValues values) =>
        string.Join(", ", values.Names.Take(5).Select(n => $"'{n}'")) + (values.Count > 5 ? ", …" : "");

    private static void CheckClasses(InMemoryDataset train, LabelKeyValues? values)
    {
        if (train.Count == 0)
            throw new InvalidOperationException("The training data has no rows with a label; nothing to train on.");
        var counts = new int[train.Classes];
        foreach (int l in train.Labels) counts[l]++;
        int present = counts.Count(c => c > 0);
        if (present < 2)
            throw new InvalidOperationException($"The training data holds a single class ({Describe(Array.FindIndex(counts, c => c > 0), values)}); a classifier needs at least two.");
        var missing = Enumerable.Range(0, counts.Length).Where(i => counts[i] == 0).ToArray();
        if (missing.Length > 0)
            throw new InvalidOperationException($"The label key has {counts.Length} classes but {string.Join(", ", missing.Take(10).Select(i => Describe(i, values)))} {(missing.Length == 1 ? "has" : "have")} no training examples; remove unused key values (fit MapValueToKey on the training data) or add examples.");
    }

    private static string Describe(int index, LabelKeyValues? values) =>
        values is null ? $"key {index + 1}" : $"'{values.Names[index]}' (key {index + 1})";
}
