using System;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>
/// Managed locally-connected layer. At construction W [L, C·k·k, O] is rearranged to [L, O, C·k·k] and the bias to
/// [L, O], so that at every location the zero-padded receptive fields of a block of examples (gathered once) meet
/// contiguous weight rows in the 4-row SIMD kernel.
/// </summary>
internal sealed class LocallyConnectedInference : InferenceLayer
{
    private readonly float[] _weight;   // [L, O, C·k·k]
    private readonly float[] _bias;     // [L, O]
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
        _bias = new float[locations * channels];
        for (int o = 0; o < channels; o++)
        for (int l = 0; l < locations; l++)
            _bias[l * channels + o] = parameters.Bias[o * locations + l];
    }

    public override int ScratchSize => _patch;

    protected override void Linear(ReadOnlySpan<float> input, int rows, Span<float> output, Span<float> scratch)
    {
        int channels = _out.Channels, plane = _out.Height * _out.Width;
        var patches = scratch[..(rows * _patch)];
        for (int i = 0; i < _out.Height; i++)
        for (int j = 0; j < _out.Width; j++)
        {
            for (int r = 0; r < rows; r++)
                Gather(input.Slice(r * InputSize, InputSize), i, j, patches.Slice(r * _patch, _patch));
            int location = i * _out.Width + j;
            DotKernels.MatMulTransposed(
                _weight.AsSpan(location * channels * _patch, channels * _patch), _bias.AsSpan(location * channels, channels),
                channels, _patch, patches, rows, output, OutputSize, location, plane);
        }
    }

    private void Gather(ReadOnlySpan<float> input, int i, int j, Span<float> patch)
    {
        int index = 0;
        for (int c = 0; c < _in.Channels; c++)
        for (int ki = 0; ki < _kernel; ki++)
        {
            int r = i * _stride + ki - _padTop;
            bool rowInside = r >= 0 && r < _in.Height;
            for (int kj = 0; kj < _kernel; kj++, index++)
            {
                int q = j * _stride + kj - _padLeft;
                patch[index] = rowInside && q >= 0 && q < _in.Width ? input[(c * _in.Height + r) * _in.Width + q] : 0f;
            }
        }
    }
}
