using System;
using System.Numerics.Tensors;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Inference;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>
/// Computes and caches the class probabilities of the current row of a cursor or row. With a look-ahead cursor (an
/// independent cursor over the same rows in the same order) it scores blocks of <see cref="LookaheadRows"/> rows at
/// once through the batched forward pass; otherwise one row at a time.
/// </summary>
internal sealed class RowScorer : IDisposable
{
    /// <summary>Rows scored per look-ahead block.</summary>
    public const int LookaheadRows = 256;

    private readonly ManagedNetwork _network;
    private readonly DataViewRow _row;
    private readonly ValueGetter<VBuffer<float>> _features;
    private readonly string _featureName;
    private readonly float[] _input;
    private readonly float[] _probabilities;
    private readonly DataViewRowCursor? _lookahead;
    private readonly ValueGetter<VBuffer<float>>? _lookaheadFeatures;
    private float[]? _blockInputs, _blockScores;
    private long _blockStart = -1;
    private int _blockCount;
    private VBuffer<float> _buffer;
    private long _position = -1;
    private int _offset = -1;

    public RowScorer(ManagedNetwork network, DataViewRow row, ValueGetter<VBuffer<float>> features, string featureName, DataViewRowCursor? lookahead = null, DataViewSchema.Column? lookaheadFeature = null)
    {
        _network = network;
        _row = row;
        _features = features;
        _featureName = featureName;
        _input = new float[network.InputSize];
        _probabilities = new float[network.Classes];
        if (lookahead is not null && lookaheadFeature is { } column)
        {
            _lookahead = lookahead;
            _lookaheadFeatures = lookahead.GetGetter<VBuffer<float>>(column);
        }
        ScoreGetter = GetScore;
        PredictedLabelGetter = GetPredictedLabel;
    }

    public ValueGetter<VBuffer<float>> ScoreGetter { get; }

    public ValueGetter<uint> PredictedLabelGetter { get; }

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
        _network.Predict(_input, _probabilities);
    }

    private ReadOnlySpan<float> Current => _offset < 0 ? _probabilities : _blockScores.AsSpan(_offset * _probabilities.Length, _probabilities.Length);

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
        _blockScores ??= new float[LookaheadRows * _probabilities.Length];
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
        _network.PredictBatch(_blockInputs, count, _blockScores);
        _blockStart = start;
        _blockCount = count;
        return true;
    }

    private void Check(in VBuffer<float> features, long position)
    {
        if (features.Length != _input.Length)
            throw new InvalidOperationException($"Row {position}: feature column '{_featureName}' holds {features.Length} values; the model expects {_input.Length}.");
    }

    private void GetScore(ref VBuffer<float> dst)
    {
        Ensure();
        var editor = VBufferEditor.Create(ref dst, _probabilities.Length);
        Current.CopyTo(editor.Values);
        dst = editor.Commit();
    }

    private void GetPredictedLabel(ref uint dst)
    {
        Ensure();
        dst = (uint)TensorPrimitives.IndexOfMax(Current) + 1;
    }

    public void Dispose() => _lookahead?.Dispose();
}
