using System;
using System.IO;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.Inference;
using Microsoft.ML.TargetProp.MLNetInternals;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>
/// A trained autoencoder used as a featurizer: reads a float-vector column and adds its code h_c (the bottleneck
/// layer's activity, <c>Vector&lt;Single, code size&gt;</c>) and optionally the reconstruction x̂ (shaped like the
/// input). Computed by the managed forward pass, so scoring apps need no libtorch. Immutable and thread-safe; saved
/// into and loaded from ML.NET model zips like <see cref="TargetPropTransformer"/>.
/// </summary>
public sealed class AutoencoderTransformer : ITransformer
{
    /// <summary>Loader signature recorded in model zips.</summary>
    internal const string LoaderSignature = "TargetPropAutoencoder";

    private const string ModelSignature = "TPNETAEC";

    /// <summary>
    /// Creates a featurizer for <paramref name="model"/> reading <paramref name="inputColumnName"/> and writing the code
    /// to <paramref name="outputColumnName"/> and, when <paramref name="reconstructionColumnName"/> is set, the reconstruction.
    /// </summary>
    public AutoencoderTransformer(AutoencoderModelParameters model, string outputColumnName = "Code", string inputColumnName = "Features", string? reconstructionColumnName = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        if (reconstructionColumnName is not null && (string.IsNullOrWhiteSpace(reconstructionColumnName) || reconstructionColumnName == outputColumnName))
            throw new ArgumentException($"The reconstruction column needs its own non-empty name (the code goes to '{outputColumnName}'); got '{reconstructionColumnName}'.", nameof(reconstructionColumnName));
        Model = model;
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        ReconstructionColumnName = reconstructionColumnName;
        Network = new ManagedNetwork(model.Network);
    }

    /// <summary>The trained autoencoder: architecture, weights, code layer, algorithm, hyperparameters and history.</summary>
    public AutoencoderModelParameters Model { get; }

    /// <summary>The managed forward pass.</summary>
    public ManagedNetwork Network { get; }

    /// <summary>Input column: a Vector&lt;Single&gt; of the size the autoencoder was trained on.</summary>
    public string InputColumnName { get; }

    /// <summary>Output column of the code h_c.</summary>
    public string OutputColumnName { get; }

    /// <summary>Output column of the reconstruction x̂, or null when it is not produced.</summary>
    public string? ReconstructionColumnName { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => new AutoencoderColumns(this, inputSchema).OutputSchema;

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new ScoringRowMapper(new AutoencoderColumns(this, inputSchema));

    /// <inheritdoc />
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var columns = new AutoencoderColumns(this, input.Schema);
        return MLNetInternals.OnnxExport.Exportable(new ScoredDataView(columns, input), input, graph => SaveAsOnnx(graph, columns.OutputSchema));
    }

    /// <summary>ONNX export (mlContext.Model.ConvertToOnnx): the code h_c, and the reconstruction shaped like the input.</summary>
    private void SaveAsOnnx(Onnx.IOnnxGraph graph, DataViewSchema output)
    {
        if (!graph.HasColumn(InputColumnName))
            throw new InvalidOperationException($"ONNX export: input column '{InputColumnName}' is not in the ONNX graph (a step before the autoencoder cannot be exported to ONNX).");
        var network = Model.Network;
        int last = ReconstructionColumnName is null ? Model.CodeLayer : network.Layers.Count - 1;
        var layers = new Onnx.NetworkOnnxWriter(network).WriteLayers(graph, graph.ColumnVariable(InputColumnName), last);
        string code = graph.AddColumn(output[OutputColumnName].Type, OutputColumnName);
        graph.Node("Identity", new[] { layers[Model.CodeLayer] }, new[] { code });
        if (ReconstructionColumnName is { } name)
        {
            var shape = Model.InputShape;
            string reconstruction = graph.AddColumn(output[name].Type, name);
            Onnx.NetworkOnnxWriter.Reshape(graph, layers[^1], shape.Size, "Reconstruction", new long[] { shape.Channels, shape.Height, shape.Width }, reconstruction);
        }
    }

    void ICanSaveModel.Save(ModelSaveContext ctx) => ModelPersistence.Save(ctx, ModelSignature, LoaderSignature, typeof(AutoencoderTransformer), writer =>
    {
        writer.Write(InputColumnName);
        writer.Write(OutputColumnName);
        writer.Write(ReconstructionColumnName is not null);
        if (ReconstructionColumnName is not null) writer.Write(ReconstructionColumnName);
        writer.Write(Model.CodeLayer);
        ModelPersistence.WriteNetwork(writer, Model.Network);
    });

    // Called by ML.NET's component catalog through the LoadableClass attribute (MLNetInternals/LoadableClasses.cs).
    private static AutoencoderTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
    {
        using var reader = ModelPersistence.Load(env, ctx, ModelSignature, LoaderSignature, typeof(AutoencoderTransformer), "target propagation autoencoder");
        try
        {
            string input = reader.ReadString();
            string output = reader.ReadString();
            string? reconstruction = reader.ReadBoolean() ? reader.ReadString() : null;
            int codeLayer = reader.ReadInt32();
            var network = ModelPersistence.ReadNetwork(reader, "The autoencoder in this model zip");
            return new AutoencoderTransformer(new AutoencoderModelParameters(network, codeLayer), output, input, reconstruction);
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"The target propagation autoencoder in this model zip is damaged: {e.Message}", e);
        }
    }
}
