using System;
using System.Numerics.Tensors;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>
/// Managed locally-connected layer. At construction W [L, C·k·k, O] is rearranged to [L, O, C·k·k] so that every output
/// is one SIMD dot product of the zero-padded receptive field (gathered once per location) with a contiguous row.
/// </summary>
internal sealed class LocallyConnectedInference : InferenceLayer
{
    private readonly float[] _weight;   // [L, O, C·k·k]
    private readonly float[] _bias;     // [O, H', W']
    private readonly ImageShape _in, _out;
    private readonly int _kernel, _stride, _padTop, _padLeft, _patch;

    public LocallyConnectedInference(LayerParameters parameters, LocallyConnectedLayerSpec spec, ImageShape input, Activation? activation)
        : base(input.Size, spec.OutputShape(input).Size, activation)
    {
        _in = input;
        _out = spec.OutputShape(input);
        _kernel = spec.Kernel;
        _stride = spec.Stride;
        _padTop = spec.Padding(input.Height).Before;
        _padLeft = spec.Padding(input.Width).Before;
        _patch = input.Channels * _kernel * _kernel;
        int locations = _out.Height * _out.Width, channels = _out.Channels;
        _weight = new float[parameters.Weight.Length];
        var source = parameters.Weight;
        for (int l = 0; l < locations; l++)
        for (int p = 0; p < _patch; p++)
        for (int o = 0; o < channels; o++)
            _weight[((long)l * channels + o) * _patch + p] = source[((long)l * _patch + p) * channels + o];
        _bias = parameters.Bias;
    }

    public override int ScratchSize => _patch;

    protected override void Linear(ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        var patch = scratch[.._patch];
        int channels = _out.Channels, plane = _out.Height * _out.Width;
        for (int i = 0; i < _out.Height; i++)
        for (int j = 0; j < _out.Width; j++)
        {
            int index = 0;
            for (int c = 0; c < _in.Channels; c++)
            for (int ki = 0; ki < _kernel; ki++)
            {
                int r = i * _stride + ki - _padTop;
                for (int kj = 0; kj < _kernel; kj++, index++)
                {
                    int q = j * _stride + kj - _padLeft;
                    patch[index] = r < 0 || r >= _in.Height || q < 0 || q >= _in.Width ? 0f : input[(c * _in.Height + r) * _in.Width + q];
                }
            }
            int location = i * _out.Width + j;
            var rows = _weight.AsSpan(location * channels * _patch, channels * _patch);
            for (int o = 0; o < channels; o++)
                output[o * plane + location] = TensorPrimitives.Dot(rows.Slice(o * _patch, _patch), patch) + _bias[o * plane + location];
        }
    }
}
