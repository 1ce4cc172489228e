using System;
using System.Collections.Generic;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Data;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Turns an IDataView's feature and label columns into an <see cref="InMemoryDataset"/>; the only place the ML.NET layer touches rows.</summary>
internal static class DataViewReader
{
    /// <summary>The feature column, checked to be a known-size Vector&lt;Single&gt;.</summary>
    public static (DataViewSchema.Column Column, VectorDataViewType Type) FeatureColumn(DataViewSchema schema, string name, string what = "training data")
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(name), $"Feature column '{name}' not found in the {what}; available columns: {string.Join(", ", ColumnNames(schema))}.");
        if (column.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(name), $"Feature column '{name}' must be a Vector<Single>; it is {column.Type}. Use ExtractPixels for images or Concatenate for numeric columns.");
        if (!vector.IsKnownSize)
            throw new ArgumentOutOfRangeException(nameof(name), $"Feature column '{name}' is a variable-size vector; the network needs a known size (resize images with ResizeImages before ExtractPixels).");
        return (column, vector);
    }

    /// <summary>The label column, checked to be a key.</summary>
    public static (DataViewSchema.Column Column, int Classes) LabelColumn(DataViewSchema schema, string name, string what = "training data")
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(name), $"Label column '{name}' not found in the {what}; available columns: {string.Join(", ", ColumnNames(schema))}.");
        if (column.Type is not KeyDataViewType key)
            throw new ArgumentOutOfRangeException(nameof(name), $"Label column '{name}' must be a key type; it is {column.Type}. Add mlContext.Transforms.Conversion.MapValueToKey(\"{name}\") before the trainer.");
        if (key.Count < 2 || key.Count > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(name), $"Label column '{name}' has {key.Count} classes; a classifier needs 2 or more.");
        return (column, (int)key.Count);
    }

    /// <summary>The example shape: from the vector's dimensions (C, H, W or H, W), else <paramref name="declared"/>, else flat.</summary>
    public static ImageShape Shape(DataViewSchema.Column column, VectorDataViewType type, ImageShape? declared, bool needsImage, string architecture)
    {
        ImageShape? fromType = type.Dimensions.Length switch
        {
            3 => new ImageShape(type.Dimensions[0], type.Dimensions[1], type.Dimensions[2]),
            2 => new ImageShape(1, type.Dimensions[0], type.Dimensions[1]),
            _ => null,
        };
        if (declared is { } d)
        {
            d.Validate("ImageShape");
            if (d.Size != type.Size)
                throw new ArgumentOutOfRangeException("ImageShape", $"ImageShape {d} holds {d.Size} values but feature column '{column.Name}' has {type.Size}.");
            return d;
        }
        if (fromType is { } t) return t;
        if (needsImage)
            throw new ArgumentOutOfRangeException("ImageShape", $"Architecture '{architecture}' has locally-connected layers and needs the image shape of feature column '{column.Name}' (a flat vector of {type.Size}); set Options.ImageShape, e.g. new ImageShape(1, 28, 28), or produce the column with ExtractPixels.");
        return ImageShape.Flat(type.Size);
    }

    /// <summary>
    /// Reads every row; rows with a missing label are skipped and counted; NaN or infinite features are an error naming
    /// the row. Without a <paramref name="label"/> column (an autoencoder's data) every row is read with label 0.
    /// </summary>
    public static (InMemoryDataset Data, long SkippedMissingLabels) Read(IDataView data, DataViewSchema.Column features, DataViewSchema.Column? label, ImageShape shape, int classes, string what)
    {
        long rows = data.GetRowCount() ?? 0;   // capacity hint only; filters upstream may yield fewer rows
        long capacity = rows * shape.Size;
        var values = new List<float>(capacity is > 0 and <= 1 << 30 ? (int)capacity : 0);
        var labels = new List<int>(rows is > 0 and <= 1 << 30 ? (int)rows : 0);
        long skipped = 0;
        using var cursor = data.GetRowCursor(label is { } l ? new[] { features, l } : new[] { features });
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        ValueGetter<uint> getLabel = label is { } column ? cursor.GetGetter<uint>(column) : (ref uint key) => key = 1;
        VBuffer<float> buffer = default;
        var dense = new float[shape.Size];
        uint key = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref key);
            if (key == 0 || key > classes) { skipped++; continue; }
            getFeatures(ref buffer);
            if (buffer.Length != shape.Size)
                throw new InvalidOperationException($"Row {cursor.Position} of the {what}: feature column '{features.Name}' holds {buffer.Length} values; expected {shape.Size} ({shape}).");
            buffer.CopyTo(dense);
            for (int i = 0; i < dense.Length; i++)
            {
                if (!float.IsFinite(dense[i]))
                    throw new InvalidOperationException($"Row {cursor.Position} of the {what}: feature column '{features.Name}' has {dense[i]} at index {i}; features must be finite numbers.");
            }
            values.AddRange(dense);
            labels.Add((int)key - 1);
        }
        return (new InMemoryDataset(values.ToArray(), labels.ToArray(), shape, classes), skipped);
    }

    private static IEnumerable<string> ColumnNames(DataViewSchema schema)
    {
        foreach (var c in schema)
            if (!c.IsHidden) yield return c.Name;
    }
}
