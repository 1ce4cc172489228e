using System;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>
/// Managed locally-connected layer. At construction W [L, C·k·k, O] and the bias [O, L] are packed, location by
/// location, into <see cref="PanelKernel"/> panels; at every location the zero-padded receptive fields of a block of
/// examples are gathered once and go through the register-blocked tiles.
/// </summary>
internal sealed class LocallyConnectedInference : InferenceLayer
{
    private readonly PackedLinear _linear;
    private readonly ImageShape _in, _out;
    private readonly int _kernel, _stride, _padTop, _padLeft, _patch;

    public LocallyConnectedInference(LayerParameters parameters, LocallyConnectedLayerSpec spec, ImageShape input, Activation? activation, PanelKernel.Path path)
        : base(input.Size, spec.OutputShape(input).Size, activation)
    {
        _in = input;
        _out = spec.OutputShape(input);
        _kernel = spec.Kernel;
        _stride = spec.Stride;
        _padTop = spec.Padding(input.Height).Before;
        _padLeft = spec.Padding(input.Width).Before;
        _patch = input.Channels * _kernel * _kernel;
        int locations = _out.Height * _out.Width, channels = _out.Channels, patch = _patch;
        var weight = parameters.Weight;
        var bias = parameters.Bias;
        _linear = new PackedLinear(locations, channels, patch,
            (l, o, p) => weight[((long)l * patch + p) * channels + o], (l, o) => bias[o * locations + l], path);
    }

    public override int ScratchSize => _patch;

    protected override void Linear(ReadOnlySpan<float> input, int rows, Span<float> output, Span<float> scratch)
    {
        int plane = _out.Height * _out.Width;
        var patches = scratch[..(rows * _patch)];
        for (int i = 0; i < _out.Height; i++)
        for (int j = 0; j < _out.Width; j++)
        {
            for (int r = 0; r < rows; r++)
                Gather(input.Slice(r * InputSize, InputSize), i, j, patches.Slice(r * _patch, _patch));
            int location = i * _out.Width + j;
            _linear.Multiply(location, patches, _patch, rows, output[location..], OutputSize, plane);
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
