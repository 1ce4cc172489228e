using System;
using System.Numerics.Tensors;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Inference;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>Computes and caches the class probabilities of the current row of a cursor or row.</summary>
internal sealed class RowScorer
{
    private readonly ManagedNetwork _network;
    private readonly DataViewRow _row;
    private readonly ValueGetter<VBuffer<float>> _features;
    private readonly string _featureName;
    private readonly float[] _input;
    private readonly float[] _probabilities;
    private VBuffer<float> _buffer;
    private long _position = -1;

    public RowScorer(ManagedNetwork network, DataViewRow row, ValueGetter<VBuffer<float>> features, string featureName)
    {
        _network = network;
        _row = row;
        _features = features;
        _featureName = featureName;
        _input = new float[network.InputSize];
        _probabilities = new float[network.Classes];
        ScoreGetter = GetScore;
        PredictedLabelGetter = GetPredictedLabel;
    }

    public ValueGetter<VBuffer<float>> ScoreGetter { get; }

    public ValueGetter<uint> PredictedLabelGetter { get; }

    private void Ensure()
    {
        long position = _row.Position;
        if (position == _position) return;
        _features(ref _buffer);
        if (_buffer.Length != _input.Length)
            throw new InvalidOperationException($"Row {position}: feature column '{_featureName}' holds {_buffer.Length} values; the model expects {_input.Length}.");
        _buffer.CopyTo(_input);
        _network.Predict(_input, _probabilities);
        _position = position;
    }

    private void GetScore(ref VBuffer<float> dst)
    {
        Ensure();
        var editor = VBufferEditor.Create(ref dst, _probabilities.Length);
        _probabilities.CopyTo(editor.Values);
        dst = editor.Commit();
    }

    private void GetPredictedLabel(ref uint dst)
    {
        Ensure();
        dst = (uint)TensorPrimitives.IndexOfMax(_probabilities) + 1;
    }
}
