using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>
/// The values behind the label's key (the KeyValues annotation MapValueToKey writes), kept with their original type so
/// MapKeyToValue on PredictedLabel returns what the label column held: text, a number or a boolean.
/// </summary>
public sealed class LabelKeyValues
{
    private enum Kind : byte { Text = 1, Single = 2, Double = 3, Int32 = 4, Int64 = 5, UInt32 = 6, Boolean = 7 }

    private readonly Kind _kind;
    private readonly object[] _values;

    private LabelKeyValues(Kind kind, object[] values)
    {
        _kind = kind;
        _values = values;
    }

    /// <summary>Number of classes.</summary>
    public int Count => _values.Length;

    /// <summary>The values as text (used as slot names of the Score column).</summary>
    public string[] Names => _values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToArray();

    /// <summary>ML.NET type of one value.</summary>
    public PrimitiveDataViewType ItemType => _kind switch
    {
        Kind.Text => TextDataViewType.Instance,
        Kind.Single => NumberDataViewType.Single,
        Kind.Double => NumberDataViewType.Double,
        Kind.Int32 => NumberDataViewType.Int32,
        Kind.Int64 => NumberDataViewType.Int64,
        Kind.UInt32 => NumberDataViewType.UInt32,
        _ => BooleanDataViewType.Instance,
    };

    /// <summary>Text key values, one per class in key order (e.g. a dataset's class names).</summary>
    public static LabelKeyValues FromNames(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        return new LabelKeyValues(Kind.Text, names.Select(n => (object)(n ?? throw new ArgumentException("A class name is null.", nameof(names)))).ToArray());
    }

    /// <summary>
    /// Reads the KeyValues annotation of <paramref name="label"/>; null when it has none. Values of a type not kept as
    /// such (text, Single, Double, Int32, Int64, UInt32, Boolean) are kept as their text (ToString), e.g. Byte or DateTime.
    /// </summary>
    public static LabelKeyValues? FromColumn(DataViewSchema.Column label)
    {
        var annotation = label.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues);
        if (annotation is null || annotation.Value.Type is not VectorDataViewType vector) return null;
        var item = vector.ItemType;
        if (item is TextDataViewType) return Read<ReadOnlyMemory<char>>(label, Kind.Text, v => v.ToString());
        if (item == NumberDataViewType.Single) return Read<float>(label, Kind.Single, v => v);
        if (item == NumberDataViewType.Double) return Read<double>(label, Kind.Double, v => v);
        if (item == NumberDataViewType.Int32) return Read<int>(label, Kind.Int32, v => v);
        if (item == NumberDataViewType.Int64) return Read<long>(label, Kind.Int64, v => v);
        if (item == NumberDataViewType.UInt32) return Read<uint>(label, Kind.UInt32, v => v);
        if (item is BooleanDataViewType) return Read<bool>(label, Kind.Boolean, v => v);
        return (LabelKeyValues)ReadAsTextMethod.MakeGenericMethod(item.RawType).Invoke(null, new object[] { label })!;
    }

    /// <summary>True when key values of <paramref name="itemType"/> keep their type; other types become text.</summary>
    internal static bool KeepsType(DataViewType itemType) =>
        itemType is TextDataViewType or BooleanDataViewType || itemType == NumberDataViewType.Single || itemType == NumberDataViewType.Double
        || itemType == NumberDataViewType.Int32 || itemType == NumberDataViewType.Int64 || itemType == NumberDataViewType.UInt32;

    private static readonly System.Reflection.MethodInfo ReadAsTextMethod =
        typeof(LabelKeyValues).GetMethod(nameof(ReadAsText), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

    private static LabelKeyValues ReadAsText<T>(DataViewSchema.Column label) =>
        Read<T>(label, Kind.Text, v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "");

    private static LabelKeyValues Read<T>(DataViewSchema.Column label, Kind kind, Func<T, object> box)
    {
        VBuffer<T> values = default;
        label.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref values);
        return new LabelKeyValues(kind, values.DenseValues().Select(box).ToArray());
    }

    /// <summary>True when <paramref name="other"/> holds the same values of the same type in the same key order.</summary>
    public bool SameAs(LabelKeyValues other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _kind == other._kind && _values.SequenceEqual(other._values);
    }

    /// <summary>Adds the KeyValues annotation to <paramref name="builder"/>.</summary>
    public void AddKeyValues(DataViewSchema.Annotations.Builder builder) => AddValues(builder, AnnotationUtils.Kinds.KeyValues);

    /// <summary>Adds the values as annotation <paramref name="kind"/> (KeyValues, or TrainingLabelValues on a Score column).</summary>
    internal void AddValues(DataViewSchema.Annotations.Builder builder, string kind)
    {
        var type = new VectorDataViewType(ItemType, Count);
        switch (_kind)
        {
            case Kind.Text: Add<ReadOnlyMemory<char>>(builder, kind, type, v => ((string)v).AsMemory()); break;
            case Kind.Single: Add<float>(builder, kind, type, v => (float)v); break;
            case Kind.Double: Add<double>(builder, kind, type, v => (double)v); break;
            case Kind.Int32: Add<int>(builder, kind, type, v => (int)v); break;
            case Kind.Int64: Add<long>(builder, kind, type, v => (long)v); break;
            case Kind.UInt32: Add<uint>(builder, kind, type, v => (uint)v); break;
            default: Add<bool>(builder, kind, type, v => (bool)v); break;
        }
    }

    private void Add<T>(DataViewSchema.Annotations.Builder builder, string kind, VectorDataViewType type, Func<object, T> unbox)
    {
        var values = _values.Select(unbox).ToArray();
        builder.Add(kind, type, (ref VBuffer<T> dst) => dst = new VBuffer<T>(values.Length, (T[])values.Clone()));
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write((byte)_kind);
        writer.Write(_values.Length);
        foreach (var v in _values)
        {
            switch (_kind)
            {
                case Kind.Text: writer.Write((string)v); break;
                case Kind.Single: writer.Write((float)v); break;
                case Kind.Double: writer.Write((double)v); break;
                case Kind.Int32: writer.Write((int)v); break;
                case Kind.Int64: writer.Write((long)v); break;
                case Kind.UInt32: writer.Write((uint)v); break;
                default: writer.Write((bool)v); break;
            }
        }
    }

    internal static LabelKeyValues Read(BinaryReader reader, int classes)
    {
        var kind = (Kind)reader.ReadByte();
        if (!Enum.IsDefined(kind)) throw new InvalidDataException($"Unknown key value type {(byte)kind}.");
        int count = reader.ReadInt32();
        if (count != classes) throw new InvalidDataException($"{count} key values stored for {classes} classes.");
        var values = new object[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = kind switch
            {
                Kind.Text => reader.ReadString(),
                Kind.Single => reader.ReadSingle(),
                Kind.Double => reader.ReadDouble(),
                Kind.Int32 => reader.ReadInt32(),
                Kind.Int64 => reader.ReadInt64(),
                Kind.UInt32 => reader.ReadUInt32(),
                _ => reader.ReadBoolean(),
            };
        }
        return new LabelKeyValues(kind, values);
    }
}
