using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Onnx;

/// <summary>
/// ONNX export of an image pipeline. ML.NET's image transforms (LoadImages, ResizeImages, ConvertToGrayscale,
/// ExtractPixels) have no ONNX form, so <c>ConvertToOnnx</c> cannot take a pipeline that holds them. This splits such a
/// model after its last image transform: the graph is the rest (the classifier, MapKeyToValue, …) and its only inputs
/// are the pixel vectors the image transforms make, so ONNX Runtime is fed exactly those (no Label, no ImagePath).
/// </summary>
/// <example>
/// <code>
/// var (graph, input) = OnnxPipeline.AfterImageTransforms(model, data.Schema);
/// using var stream = File.Create("model.onnx");
/// mlContext.Model.ConvertToOnnx(graph, input, stream);   // graph input: "Features" (float, [N, C·H·W])
/// </code>
/// </example>
public static class OnnxPipeline
{
    private const string ImageNamespace = "Microsoft.ML.Transforms.Image";

    /// <summary>True when <paramref name="model"/> holds one of ML.NET's image transforms (which ONNX cannot hold).</summary>
    public static bool HasImageTransforms(ITransformer model) => Flatten(model).Any(IsImageTransform);

    /// <summary>
    /// The part of <paramref name="model"/> after its last image transform, and the input view to pass with it to
    /// <c>ConvertToOnnx</c>: a row-less view whose columns are the pixel vectors that transform made from
    /// <paramref name="inputSchema"/> (the schema the whole model was fitted on, e.g. <c>data.Schema</c>). A model without
    /// image transforms comes back whole, with <paramref name="inputSchema"/>'s columns as its input.
    /// </summary>
    /// <exception cref="InvalidOperationException">The part after the image transforms reads a column other than the pixel vectors; the message names it.</exception>
    public static (ITransformer Graph, IDataView Input) AfterImageTransforms(ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        var steps = Flatten(model).ToList();
        int last = steps.FindLastIndex(IsImageTransform);
        if (last < 0) return (model, new SchemaOnlyDataView(inputSchema));

        var before = Schema(steps.Take(last), inputSchema);
        var after = steps[last].GetOutputSchema(before);
        // The image transforms' own outputs that ONNX can carry: the new or replaced non-image columns of the last one.
        var pixels = after.Where(c => !c.IsHidden && !IsImageType(c.Type) && (before.GetColumnOrNull(c.Name) is not { } old || old.Type != c.Type || old.Index != c.Index))
            .Select(c => (c.Name, c.Type, c.Annotations)).ToList();
        if (pixels.Count == 0)
            throw new InvalidOperationException($"The model's last image transform ({steps[last].GetType().Name}) makes no column ONNX can take as input; end the image part with ExtractPixels.");
        var builder = new DataViewSchema.Builder();
        foreach (var (name, type, annotations) in pixels) builder.AddColumn(name, type, annotations);
        var input = new SchemaOnlyDataView(builder.ToSchema());

        var tail = steps.Skip(last + 1).ToList();
        var graph = new TransformerChain<ITransformer>(tail.ToArray());
        try
        {
            graph.GetOutputSchema(input.Schema);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidOperationException(
                $"The part of the model after its image transforms reads a column besides the pixel vectors ({string.Join(", ", pixels.Select(p => p.Name))}): {e.Message} " +
                "Put transforms of other columns (MapValueToKey(\"Label\"), …) before the image transforms, as in the README's pipeline.", e);
        }
        return (graph, input);
    }

    private static DataViewSchema Schema(IEnumerable<ITransformer> steps, DataViewSchema input)
    {
        var schema = input;
        foreach (var step in steps) schema = step.GetOutputSchema(schema);
        return schema;
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer model) => model switch
    {
        IEnumerable<ITransformer> nested => nested.SelectMany(Flatten),
        _ => new[] { model },
    };

    private static bool IsImageTransform(ITransformer t) => t.GetType().Namespace == ImageNamespace;

    private static bool IsImageType(DataViewType type) => type.GetType().Namespace == ImageNamespace || type.GetType().Name == "ImageDataViewType";
}
