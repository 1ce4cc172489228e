using System;
using System.IO;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.Transforms;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>Writes and reads the ML.NET model zips tpnet produces: a <see cref="TargetPropTransformer"/> or an <see cref="AutoencoderTransformer"/> over a "Features" column.</summary>
public static class ModelZip
{
    /// <summary>The input schema of a tpnet model: Features as Vector&lt;Single, C, H, W&gt;.</summary>
    public static DataViewSchema InputSchema(ImageShape shape)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, shape.Channels, shape.Height, shape.Width));
        return builder.ToSchema();
    }

    /// <summary>Saves <paramref name="model"/> with class names atomically (<see cref="AtomicFile"/>).</summary>
    public static void Save(MLContext ml, TargetPropModelParameters model, System.Collections.Generic.IEnumerable<string> classNames, string path)
    {
        var transformer = new TargetPropTransformer(model, "Features", LabelKeyValues.FromNames(classNames));
        AtomicFile.Write(path, stream => ml.Model.Save(transformer, InputSchema(model.InputShape), stream));
    }

    /// <summary>Loads a tpnet model zip; the error names the file.</summary>
    public static TargetPropTransformer Load(MLContext ml, string path) => LoadModel(ml, path) switch
    {
        TargetPropTransformer t => t,
        TransformerChain<ITransformer> chain when FindLast<TargetPropTransformer>(chain) is { } t => t,
        _ => throw new InvalidDataException($"'{path}' holds no target propagation classifier."),
    };

    private static T? FindLast<T>(TransformerChain<ITransformer> chain) where T : class, ITransformer
    {
        T? found = null;
        foreach (var t in chain) if (t is T tp) found = tp;
        return found;
    }

    /// <summary>Saves an autoencoder featurizer (Features → Code, Reconstruction) atomically.</summary>
    public static void SaveAutoencoder(MLContext ml, AutoencoderModelParameters model, string path)
    {
        var transformer = new AutoencoderTransformer(model, "Code", "Features", "Reconstruction");
        AtomicFile.Write(path, stream => ml.Model.Save(transformer, InputSchema(model.InputShape), stream));
    }

    /// <summary>Loads a zip holding an autoencoder featurizer; the error names the file.</summary>
    public static AutoencoderTransformer LoadAutoencoder(MLContext ml, string path) => LoadModel(ml, path) switch
    {
        AutoencoderTransformer t => t,
        TransformerChain<ITransformer> chain when FindLast<AutoencoderTransformer>(chain) is { } t => t,
        _ => throw new InvalidDataException($"'{path}' holds no target propagation autoencoder (train one with 'tpnet autoencode train')."),
    };

    private static ITransformer LoadModel(MLContext ml, string path) => LoadPipeline(ml, path, out _);

    /// <summary>Loads any ML.NET model zip; the error names the file and the real cause (not ML.NET's reflection wrapper).</summary>
    public static ITransformer LoadPipeline(MLContext ml, string path, out DataViewSchema inputSchema)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        try
        {
            return ml.Model.Load(path, out inputSchema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"'{path}' is not a readable model zip: {Cause(e)}", e);
        }
    }

    /// <summary>The innermost message of <paramref name="e"/>, past TargetInvocationException and TypeInitializationException wrappers.</summary>
    internal static string Cause(Exception e)
    {
        var inner = e;
        while (inner is System.Reflection.TargetInvocationException or TypeInitializationException or AggregateException && inner.InnerException is not null)
            inner = inner.InnerException;
        // ML.NET wraps a missing component's FileNotFoundException (an assembly the zip needs) in a FormatException.
        var missing = e.GetBaseException() as FileNotFoundException;
        return missing?.FileName is { } file
            ? $"it needs assembly '{file}', which tpnet does not carry (a component of the app that saved it)"
            : inner.Message.Trim();
    }
}
