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

    /// <summary>The label column, checked to be a key (of any raw type ML.NET allows: Byte, UInt16, UInt32, UInt64).</summary>
    public static (DataViewSchema.Column Column, int Classes) LabelColumn(DataViewSchema schema, string name, string what = "training data", IDataView? data = null)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(name), $"Label column '{name}' not found in the {what}; available columns: {string.Join(", ", ColumnNames(schema))}.");
        if (column.Type is not KeyDataViewType key)
            throw new ArgumentOutOfRangeException(nameof(name), $"Label column '{name}' must be a key type; it is {column.Type}. Add mlContext.Transforms.Conversion.MapValueToKey(\"{name}\") before the trainer.");
        if (key.Count < 2 && data is not null && !HasRows(data))
            throw new InvalidOperationException($"The {what} has no rows; nothing to train on (its label column '{name}' was keyed from no values).");
        if (key.Count < 2 || key.Count > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(name), $"Label column '{name}' has {key.Count} classes; a classifier needs 2 or more.");
        return (column, (int)key.Count);
    }

    /// <summary>True when <paramref name="data"/> has at least one row (the row count when known, else one MoveNext).</summary>
    private static bool HasRows(IDataView data)
    {
        if (data.GetRowCount() is long n) return n > 0;
        using var cursor = data.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        return cursor.MoveNext();
    }

    /// <summary>
    /// The example shape: <paramref name="declared"/> (Options.ImageShape) when set, else the vector's dimensions (C, H, W
    /// or H, W), else, for a network with locally-connected layers, the input shape of the Table 3 preset
    /// <paramref name="architecture"/> when the flat vector has exactly its size (<paramref name="note"/> then says so),
    /// else flat. A declared shape that differs from the vector's dimensions is an error naming both.
    /// </summary>
    public static ImageShape Shape(DataViewSchema.Column column, VectorDataViewType type, ImageShape? declared, bool needsImage, string architecture, out string? note)
    {
        note = null;
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
            if (fromType is { } dims && dims != d)
                throw new ArgumentOutOfRangeException("ImageShape", $"ImageShape {d} differs from the dimensions {dims} (C×H×W) of feature column '{column.Name}'; the features are read as planar C×H×W, so set ImageShape to {dims} or leave it null.");
            return d;
        }
        if (fromType is { } t) return t;
        if (needsImage && NetworkPresets.TryGet(architecture, out var preset) && preset.InputShape.Size == type.Size)
        {
            note = $"Feature column '{column.Name}' is a flat vector of {type.Size}; reading it as {preset.Name}'s input {preset.InputShape} (planar C×H×W).";
            return preset.InputShape;
        }
        if (needsImage && NetworkPresets.TryGet(architecture, out var known))
            throw new ArgumentOutOfRangeException("ImageShape", $"Architecture '{known.Name}' reads {known.InputShape} images ({known.InputShape.Size} values) but feature column '{column.Name}' is a flat vector of {type.Size}; resize the images, or set Options.ImageShape (imageShape) to the column's C×H×W with a custom spec.");
        if (needsImage)
            throw new ArgumentOutOfRangeException("ImageShape", $"Architecture '{architecture}' has locally-connected layers and needs the image shape of feature column '{column.Name}' (a flat vector of {type.Size}); set Options.ImageShape, e.g. new ImageShape(1, 28, 28), or produce the column with ExtractPixels.");
        return ImageShape.Flat(type.Size);
    }

    /// <summary>
    /// Reads every row; rows with a missing label are skipped and counted; NaN or infinite features are an error naming
    /// the row. Without a <paramref name="label"/> column (an autoencoder's data) every row is read with label 0. A
    /// failure upstream (an image LoadImages cannot decode, a broken custom transform) becomes an
    /// <see cref="InvalidOperationException"/> naming the row and column (see <see cref="RowReadFailure"/>).
    /// </summary>
    public static (InMemoryDataset Data, long SkippedMissingLabels) Read(IDataView data, DataViewSchema.Column features, DataViewSchema.Column? label, ImageShape shape, int classes, string what)
    {
        long rows = data.GetRowCount() ?? 0;   // capacity hint only; filters upstream may yield fewer rows
        long capacity = rows * shape.Size;
        var values = new List<float>(capacity is > 0 and <= 1 << 30 ? (int)capacity : 0);
        var labels = new List<int>(rows is > 0 and <= 1 << 30 ? (int)rows : 0);
        long skipped = 0;
        var columns = label is { } l ? new[] { features, l } : new[] { features };
        using var cursor = data.GetRowCursor(columns);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        ValueGetter<uint>? getLabel = label is { } column ? KeyGetter(cursor, column) : null;
        VBuffer<float> buffer = default;
        var dense = new float[shape.Size];
        uint key = 1;   // without a label column every row is read as class 0
        while (true)
        {
            try
            {
                if (!cursor.MoveNext()) break;
                getLabel?.Invoke(ref key);
                if (key == 0 || key > classes) { skipped++; continue; }
                getFeatures(ref buffer);
            }
            catch (Exception e) when (RowReadFailure.IsDataFailure(e))
            {
                throw RowReadFailure.Describe(data, columns, what, cursor.Position, e);
            }
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

    /// <summary>Reads the label key as a 1-based uint whatever its raw type (0 = missing; values beyond uint count as out of range).</summary>
    internal static ValueGetter<uint> KeyGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var raw = ((KeyDataViewType)column.Type).RawType;
        if (raw == typeof(uint)) return cursor.GetGetter<uint>(column);
        if (raw == typeof(byte)) return Widen<byte>(cursor.GetGetter<byte>(column), v => v);
        if (raw == typeof(ushort)) return Widen<ushort>(cursor.GetGetter<ushort>(column), v => v);
        return Widen<ulong>(cursor.GetGetter<ulong>(column), v => v > uint.MaxValue ? uint.MaxValue : (uint)v);
    }

    private static ValueGetter<uint> Widen<T>(ValueGetter<T> getter, Func<T, uint> convert)
    {
        T value = default!;
        return (ref uint key) =>
        {
            getter(ref value);
            key = convert(value);
        };
    }

    private static IEnumerable<string> ColumnNames(DataViewSchema schema)
    {
        foreach (var c in schema)
            if (!c.IsHidden) yield return c.Name;
    }
}
