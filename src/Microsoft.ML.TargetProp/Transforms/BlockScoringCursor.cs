using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>
/// A cursor over a scored view that reads its input cursor exactly once: it copies up to <see cref="BlockRows"/> rows
/// (the active input columns, row ids and features) into a block, scores the block in one batched forward pass, then
/// hands the rows on one by one. So a source that can be enumerated only once (a consuming enumerable, a network
/// stream) gets every row with its own scores, and batching keeps its speed.
/// </summary>
internal sealed class BlockScoringCursor : DataViewRowCursor, IScoredRowValues
{
    /// <summary>Rows read and scored together.</summary>
    public const int BlockRows = 256;

    private readonly ScoringColumns _columns;
    private readonly DataViewRowCursor _input;
    private readonly bool[] _active;
    private readonly ColumnBuffer?[] _passThrough;   // by input column index
    private readonly ValueGetter<DataViewRowId> _inputId;
    private readonly ValueGetter<VBuffer<float>>? _inputFeatures;
    private readonly DataViewRowId[] _ids = new DataViewRowId[BlockRows];
    private readonly long[] _batches = new long[BlockRows];
    private readonly float[]? _features;
    private readonly float[]? _scores;
    private VBuffer<float> _featureBuffer;
    private int _count, _slot = -1;
    private long _position = -1;
    private bool _scored;

    /// <summary>Creates the cursor over <paramref name="input"/>, which must have every input column <paramref name="active"/> needs active.</summary>
    public BlockScoringCursor(ScoringColumns columns, DataViewRowCursor input, IEnumerable<DataViewSchema.Column> active)
    {
        _columns = columns;
        _input = input;
        _active = new bool[columns.OutputSchema.Count];
        foreach (var c in active) _active[c.Index] = true;
        _passThrough = new ColumnBuffer?[columns.InputSchema.Count];
        for (int i = 0; i < columns.InputSchema.Count; i++)
            if (_active[i]) _passThrough[i] = ColumnBuffer.Create(input, columns.InputSchema[i], BlockRows);
        _inputId = input.GetIdGetter();
        if (_active.Skip(columns.InputSchema.Count).Any(a => a))
        {
            _inputFeatures = input.GetGetter<VBuffer<float>>(columns.Features);
            _features = new float[BlockRows * columns.InputSize];
            _scores = new float[BlockRows * columns.ValuesPerRow];
        }
    }

    public override DataViewSchema Schema => _columns.OutputSchema;

    public override long Position => _position;

    public override long Batch => _slot < 0 ? 0 : _batches[_slot];

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId dst) =>
    {
        if (_slot < 0) throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
        dst = _ids[_slot];
    };

    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active[column.Index])
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
        if (!_columns.IsOutput(column))
            return _passThrough[column.Index]!.Getter(CurrentSlot) as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}; it cannot be read as {typeof(TValue)}.");
        return _columns.CreateOutputGetter<TValue>(this, column);
    }

    private int CurrentSlot() => _slot >= 0 ? _slot : throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");

    /// <inheritdoc />
    public ReadOnlySpan<float> Current
    {
        get
        {
            int slot = CurrentSlot();
            if (!_scored)
            {
                // Scored on first use, so a consumer that reads only input columns pays nothing.
                _columns.ComputeBatch(_features!, _count, _scores!);
                _scored = true;
            }
            int n = _columns.ValuesPerRow;
            return _scores.AsSpan(slot * n, n);
        }
    }

    public override bool MoveNext()
    {
        if (_slot + 1 < _count)
        {
            _slot++;
            _position++;
            return true;
        }
        if (!ReadBlock())
        {
            _slot = -1;
            return false;
        }
        _slot = 0;
        _position++;
        return true;
    }

    private bool ReadBlock()
    {
        _count = 0;
        _scored = false;
        while (_count < BlockRows && _input.MoveNext())
        {
            int slot = _count;
            foreach (var buffer in _passThrough) buffer?.Fill(slot);
            _inputId(ref _ids[slot]);
            _batches[slot] = _input.Batch;
            if (_inputFeatures is not null)
            {
                _inputFeatures(ref _featureBuffer);
                _columns.CheckFeatures(_featureBuffer, _input.Position);
                _featureBuffer.CopyTo(_features.AsSpan(slot * _columns.InputSize, _columns.InputSize));
            }
            _count++;
        }
        return _count > 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _input.Dispose();
        base.Dispose(disposing);
    }
}
