using System;
using System.IO;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.Inference;
using Microsoft.ML.TargetProp.MLNetInternals;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.Onnx;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>
/// Scores a float-vector feature column with a trained network: adds <c>Score</c> (class probabilities, a
/// <c>Vector&lt;Single, K&gt;</c> with the label names as slot names) and <c>PredictedLabel</c> (a key with the label's
/// values). Computed by a managed SIMD forward pass, so scoring apps need no libtorch. Immutable after Fit and safe to
/// use from many threads; a single <c>PredictionEngine</c> is not thread-safe (as everywhere in ML.NET): use one per
/// thread or a pool. Saved into and loaded from ML.NET model zips.
/// </summary>
public sealed class TargetPropTransformer : ISingleFeaturePredictionTransformer<TargetPropModelParameters>
{
    /// <summary>Loader signature recorded in model zips.</summary>
    internal const string LoaderSignature = "TargetPropTransformer";

    private const string ModelSignature = "TPNETCLS";

    private readonly ManagedNetwork _network;

    /// <summary>Creates a transformer for <paramref name="model"/> reading <paramref name="featureColumnName"/>.</summary>
    public TargetPropTransformer(TargetPropModelParameters model, string featureColumnName = "Features", LabelKeyValues? labelValues = null,
        string scoreColumnName = "Score", string predictedLabelColumnName = "PredictedLabel")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(scoreColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(predictedLabelColumnName);
        if (labelValues is not null && labelValues.Count != model.Classes)
            throw new ArgumentException($"{labelValues.Count} label values given for a model with {model.Classes} classes.", nameof(labelValues));
        Model = model;
        FeatureColumnName = featureColumnName;
        LabelValues = labelValues;
        ScoreColumnName = scoreColumnName;
        PredictedLabelColumnName = predictedLabelColumnName;
        _network = new ManagedNetwork(model);
    }

    /// <summary>The trained network: architecture, weights, algorithm, hyperparameters and per-epoch history.</summary>
    public TargetPropModelParameters Model { get; }

    /// <summary>The managed forward pass.</summary>
    public ManagedNetwork Network => _network;

    /// <summary>Input feature column (a known-size float vector of C·H·W values).</summary>
    public string FeatureColumnName { get; }

    /// <summary>Type the feature column must have: Vector&lt;Single, C·H·W&gt; (any dimensions of that size are accepted).</summary>
    public DataViewType FeatureColumnType => new VectorDataViewType(NumberDataViewType.Single, Model.InputShape.Size);

    /// <summary>Output column of class probabilities.</summary>
    public string ScoreColumnName { get; }

    /// <summary>Output key column of the most probable class.</summary>
    public string PredictedLabelColumnName { get; }

    /// <summary>The label's key values, when the training label had them.</summary>
    public LabelKeyValues? LabelValues { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => new ClassifierColumns(this, inputSchema).OutputSchema;

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new ScoringRowMapper(new ClassifierColumns(this, inputSchema));

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var columns = new ClassifierColumns(this, input.Schema);
        return OnnxExport.Exportable(new ScoredDataView(columns, input), input, graph => SaveAsOnnx(graph, columns.OutputSchema));
    }

    /// <summary>ONNX export (mlContext.Model.ConvertToOnnx): the forward pass, Softmax as Score, ArgMax + 1 as the PredictedLabel key.</summary>
    private void SaveAsOnnx(IOnnxGraph graph, DataViewSchema output)
    {
        if (!graph.HasColumn(FeatureColumnName))
            throw new InvalidOperationException($"ONNX export: feature column '{FeatureColumnName}' is not in the ONNX graph (a step before the classifier cannot be exported to ONNX).");
        var writer = new NetworkOnnxWriter(Model);
        var layers = writer.WriteLayers(graph, graph.ColumnVariable(FeatureColumnName), Model.Layers.Count - 1);
        string score = graph.AddColumn(output[ScoreColumnName].Type, ScoreColumnName);
        string predicted = graph.AddColumn(output[PredictedLabelColumnName].Type, PredictedLabelColumnName);
        NetworkOnnxWriter.WriteClassifierOutputs(graph, layers[^1], score, predicted);
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => ModelPersistence.Save(ctx, ModelSignature, LoaderSignature, typeof(TargetPropTransformer), writer =>
    {
        writer.Write(FeatureColumnName);
        writer.Write(ScoreColumnName);
        writer.Write(PredictedLabelColumnName);
        ModelPersistence.WriteNetwork(writer, Model);
        writer.Write(LabelValues is not null);
        LabelValues?.Write(writer);
    });

    // Called by ML.NET's component catalog through the LoadableClass attribute (MLNetInternals/LoadableClasses.cs).
    private static TargetPropTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        using var reader = ModelPersistence.Load(env, ctx, ModelSignature, LoaderSignature, typeof(TargetPropTransformer), "target propagation classifier");
        try
        {
            string features = reader.ReadString();
            string score = reader.ReadString();
            string predicted = reader.ReadString();
            var model = ModelPersistence.ReadNetwork(reader, "The network in this model zip");
            var values = reader.ReadBoolean() ? LabelKeyValues.Read(reader, model.Classes) : null;
            return new TargetPropTransformer(model, features, values, score, predicted);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"The target propagation classifier in this model zip is damaged: {e.Message}", e);
        }
    }
}
