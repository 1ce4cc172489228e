using System;
using System.Reflection;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>
/// The values of one input column for a block of rows, copied from the input cursor so a
/// <see cref="BlockScoringCursor"/> can read its input once and hand the rows on after scoring them. Values are deep
/// copies (vectors and text are not shared with the input cursor, whose buffers its next row may overwrite).
/// </summary>
internal abstract class ColumnBuffer
{
    /// <summary>Copies the input cursor's current value into block slot <paramref name="slot"/>.</summary>
    public abstract void Fill(int slot);

    /// <summary>A getter of the value in the slot <paramref name="slot"/> returns at call time.</summary>
    public abstract Delegate Getter(Func<int> slot);

    /// <summary>A buffer of <paramref name="capacity"/> rows for <paramref name="column"/> of <paramref name="input"/>.</summary>
    public static ColumnBuffer Create(DataViewRow input, DataViewSchema.Column column, int capacity)
    {
        var raw = column.Type.RawType;
        var type = raw.IsGenericType && raw.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(Vector<>).MakeGenericType(raw.GetGenericArguments()[0])
            : raw == typeof(ReadOnlyMemory<char>) ? typeof(Text) : typeof(Plain<>).MakeGenericType(raw);
        return (ColumnBuffer)Activator.CreateInstance(type, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null,
            new object[] { input, column, capacity }, null)!;
    }

    private sealed class Plain<T> : ColumnBuffer
    {
        private readonly ValueGetter<T> _get;
        private readonly T[] _values;

        public Plain(DataViewRow input, DataViewSchema.Column column, int capacity)
        {
            _get = input.GetGetter<T>(column);
            _values = new T[capacity];
        }

        public override void Fill(int slot) => _get(ref _values[slot]);

        public override Delegate Getter(Func<int> slot) => (ValueGetter<T>)((ref T dst) => dst = _values[slot()]);
    }

    private sealed class Text : ColumnBuffer
    {
        private readonly ValueGetter<ReadOnlyMemory<char>> _get;
        private readonly ReadOnlyMemory<char>[] _values;
        private ReadOnlyMemory<char> _scratch;

        public Text(DataViewRow input, DataViewSchema.Column column, int capacity)
        {
            _get = input.GetGetter<ReadOnlyMemory<char>>(column);
            _values = new ReadOnlyMemory<char>[capacity];
        }

        public override void Fill(int slot)
        {
            _get(ref _scratch);
            _values[slot] = _scratch.Length == 0 ? ReadOnlyMemory<char>.Empty : _scratch.ToArray();
        }

        public override Delegate Getter(Func<int> slot) => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> dst) => dst = _values[slot()]);
    }

    private sealed class Vector<T> : ColumnBuffer
    {
        private readonly ValueGetter<VBuffer<T>> _get;
        private readonly VBuffer<T>[] _values;
        private VBuffer<T> _scratch;

        public Vector(DataViewRow input, DataViewSchema.Column column, int capacity)
        {
            _get = input.GetGetter<VBuffer<T>>(column);
            _values = new VBuffer<T>[capacity];
        }

        public override void Fill(int slot)
        {
            _get(ref _scratch);
            _scratch.CopyTo(ref _values[slot]);
        }

        public override Delegate Getter(Func<int> slot) => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> dst) => _values[slot()].CopyTo(ref dst));
    }
}
