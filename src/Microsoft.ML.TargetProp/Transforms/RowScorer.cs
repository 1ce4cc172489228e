using System;
using System.Numerics.Tensors;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>
/// Computes and caches the output values of the current row of a cursor or row (class probabilities, or an
/// autoencoder's code and reconstruction), as its <see cref="ScoringColumns"/> defines them. With a look-ahead cursor (an
/// independent cursor over the same rows in the same order) it scores blocks of <see cref="LookaheadRows"/> rows at
/// once through the batched forward pass; otherwise one row at a time.
/// </summary>
internal sealed class RowScorer : IDisposable
{
    /// <summary>Rows scored per look-ahead block.</summary>
    public const int LookaheadRows = 256;

    private readonly ScoringColumns _columns;
    private readonly DataViewRow _row;
    private readonly ValueGetter<VBuffer<float>> _features;
    private readonly string _featureName;
    private readonly float[] _input;
    private readonly float[] _values;
    private readonly DataViewRowCursor? _lookahead;
    private readonly ValueGetter<VBuffer<float>>? _lookaheadFeatures;
    private float[]? _blockInputs, _blockScores;
    private long _blockStart = -1;
    private int _blockCount;
    private VBuffer<float> _buffer;
    private long _position = -1;
    private int _offset = -1;

    /// <summary>Creates the scorer; <paramref name="lookahead"/>, when given, is a cursor over the same rows in the same order.</summary>
    public RowScorer(ScoringColumns columns, DataViewRow row, ValueGetter<VBuffer<float>> features, DataViewRowCursor? lookahead = null)
    {
        _columns = columns;
        _row = row;
        _features = features;
        _featureName = columns.Features.Name;
        _input = new float[columns.InputSize];
        _values = new float[columns.ValuesPerRow];
        if (lookahead is not null)
        {
            _lookahead = lookahead;
            _lookaheadFeatures = lookahead.GetGetter<VBuffer<float>>(columns.Features);
        }
    }

    /// <summary>A getter of the values [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of the current row as a vector.</summary>
    public ValueGetter<VBuffer<float>> VectorGetter(int offset, int length) => (ref VBuffer<float> dst) =>
    {
        Ensure();
        var editor = VBufferEditor.Create(ref dst, length);
        Current.Slice(offset, length).CopyTo(editor.Values);
        dst = editor.Commit();
    };

    /// <summary>A getter of the 1-based key of the largest of the values [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>).</summary>
    public ValueGetter<uint> ArgMaxKeyGetter(int offset, int length) => (ref uint dst) =>
    {
        Ensure();
        dst = (uint)TensorPrimitives.IndexOfMax(Current.Slice(offset, length)) + 1;
    };

    /// <summary>Makes the scores of the current row available in <see cref="Current"/>.</summary>
    private void Ensure()
    {
        long position = _row.Position;
        if (position == _position) return;
        _position = position;
        if (_lookahead is not null && TryBlock(position)) return;
        _offset = -1;
        _features(ref _buffer);
        Check(_buffer, position);
        _buffer.CopyTo(_input);
        _columns.Compute(_input, _values);
    }

    private ReadOnlySpan<float> Current => _offset < 0 ? _values : _blockScores.AsSpan(_offset * _values.Length, _values.Length);

    private bool TryBlock(long position)
    {
        if (position < _blockStart) return false;
        while (position >= _blockStart + _blockCount)
        {
            if (!ReadBlock()) return false;
        }
        _offset = (int)(position - _blockStart);
        return true;
    }

    private bool ReadBlock()
    {
        _blockInputs ??= new float[LookaheadRows * _input.Length];
        _blockScores ??= new float[LookaheadRows * _values.Length];
        long start = _blockStart < 0 ? 0 : _blockStart + _blockCount;
        int count = 0;
        while (count < LookaheadRows && _lookahead!.MoveNext())
        {
            _lookaheadFeatures!(ref _buffer);
            Check(_buffer, _lookahead.Position);
            _buffer.CopyTo(_blockInputs.AsSpan(count * _input.Length, _input.Length));
            count++;
        }
        if (count == 0) return false;
        _columns.ComputeBatch(_blockInputs, count, _blockScores);
        _blockStart = start;
        _blockCount = count;
        return true;
    }

    private void Check(in VBuffer<float> features, long position)
    {
        if (features.Length != _input.Length)
            throw new InvalidOperationException($"Row {position}: feature column '{_featureName}' holds {features.Length} values; the model expects {_input.Length}.");
    }

    public void Dispose() => _lookahead?.Dispose();
}
