using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>
/// Computes and caches the output values of the current row of a single row (the row-to-row mapper behind
/// PredictionEngine): class probabilities, or an autoencoder's code and reconstruction, as its
/// <see cref="ScoringColumns"/> defines them. Cursors score blocks instead (<see cref="BlockScoringCursor"/>).
/// </summary>
internal sealed class RowScorer : IScoredRowValues
{
    private readonly ScoringColumns _columns;
    private readonly DataViewRow _row;
    private readonly ValueGetter<VBuffer<float>> _features;
    private readonly float[] _input;
    private readonly float[] _values;
    private VBuffer<float> _buffer;
    private long _position = -1;

    /// <summary>Creates the scorer of <paramref name="row"/>.</summary>
    public RowScorer(ScoringColumns columns, DataViewRow row)
    {
        _columns = columns;
        _row = row;
        _features = row.GetGetter<VBuffer<float>>(columns.Features);
        _input = new float[columns.InputSize];
        _values = new float[columns.ValuesPerRow];
    }

    /// <inheritdoc />
    public ReadOnlySpan<float> Current
    {
        get
        {
            long position = _row.Position;
            if (position != _position)
            {
                _features(ref _buffer);
                _columns.CheckFeatures(_buffer, position);
                _buffer.CopyTo(_input);
                _columns.Compute(_input, _values);
                _position = position;
            }
            return _values;
        }
    }
}
