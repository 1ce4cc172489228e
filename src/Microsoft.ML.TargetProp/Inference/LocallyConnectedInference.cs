using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>
/// Managed locally-connected layer. At construction W [L, C·k·k, O] and the bias [O, L] are packed, location by
/// location, into <see cref="PanelKernel"/> panels; at every location the zero-padded receptive fields of a block of
/// examples are gathered once and go through the register-blocked tiles. The output is stored channels-last (H, W, C)
/// so that a location's channels are one row of the tile (vector stores) and the next layer's receptive field is k
/// runs of k·C contiguous values (vector copies; gathering C·k runs of k values from C, H, W cost a third of the
/// scoring time of MNIST-LC). The input is channels-last too unless it is the network's input.
/// </summary>
internal sealed class LocallyConnectedInference : InferenceLayer
{
    private readonly PackedLinear _linear;
    private readonly ImageShape _in, _out;
    private readonly bool _inputChannelsLast;
    private readonly int _kernel, _stride, _padTop, _padLeft, _patch;

    /// <summary>
    /// Packs the layer; <paramref name="inputChannelsLast"/> says the input comes from another locally-connected layer
    /// (H, W, C), else it is (C, H, W) as in the model.
    /// </summary>
    public LocallyConnectedInference(LayerParameters parameters, LocallyConnectedLayerSpec spec, ImageShape input, bool inputChannelsLast, Activation? activation, PanelKernel.Path path)
        : base(input.Size, spec.OutputShape(input).Size, activation)
    {
        _in = input;
        _out = spec.OutputShape(input);
        _inputChannelsLast = inputChannelsLast;
        _kernel = spec.Kernel;
        _stride = spec.Stride;
        _padTop = spec.Padding(input.Height).Before;
        _padLeft = spec.Padding(input.Width).Before;
        _patch = input.Channels * _kernel * _kernel;
        int locations = _out.Height * _out.Width, channels = _out.Channels, patch = _patch, k = _kernel, inChannels = input.Channels;
        var weight = parameters.Weight;
        var bias = parameters.Bias;
        // The model's patch order is (c, ki, kj); a channels-last input is gathered in (ki, kj, c) order.
        Func<int, int> modelIndex = inputChannelsLast ? q => (q % inChannels) * k * k + q / inChannels : q => q;
        _linear = new PackedLinear(locations, channels, patch,
            (l, o, q) => weight[((long)l * patch + modelIndex(q)) * channels + o], (l, o) => bias[o * locations + l], path);
    }

    /// <inheritdoc />
    public override bool ChannelsLast => true;

    /// <inheritdoc />
    public override int ScratchSize => _patch;

    protected override void Linear(ReadOnlySpan<float> input, int rows, Span<float> output, Span<float> scratch)
    {
        int channels = _out.Channels;
        var patches = scratch[..(rows * _patch)];
        for (int i = 0; i < _out.Height; i++)
        for (int j = 0; j < _out.Width; j++)
        {
            for (int r = 0; r < rows; r++)
            {
                var image = input.Slice(r * InputSize, InputSize);
                var patch = patches.Slice(r * _patch, _patch);
                if (_inputChannelsLast) GatherChannelsLast(image, i, j, patch);
                else GatherChannelsFirst(image, i, j, patch);
            }
            int location = i * _out.Width + j;
            _linear.Multiply(location, patches, _patch, rows, output[(location * channels)..], OutputSize, 1);
        }
    }

    /// <summary>The receptive field of location (i, j) in (ki, kj, c) order from an (H, W, C) input: per kernel row one contiguous run.</summary>
    private void GatherChannelsLast(ReadOnlySpan<float> input, int i, int j, Span<float> patch)
    {
        int c = _in.Channels, k = _kernel, run = k * c;
        var (first, end) = Inside(j * _stride - _padLeft, _in.Width);
        for (int ki = 0; ki < k; ki++)
        {
            var target = patch.Slice(ki * run, run);
            int row = i * _stride + ki - _padTop;
            if (row < 0 || row >= _in.Height)
            {
                target.Clear();
                continue;
            }
            target[..(first * c)].Clear();
            input.Slice((row * _in.Width + j * _stride - _padLeft + first) * c, (end - first) * c).CopyTo(target[(first * c)..]);
            target[(end * c)..].Clear();
        }
    }

    /// <summary>The receptive field of location (i, j) in (c, ki, kj) order from a (C, H, W) input.</summary>
    private void GatherChannelsFirst(ReadOnlySpan<float> input, int i, int j, Span<float> patch)
    {
        int k = _kernel, left = j * _stride - _padLeft;
        var (first, end) = Inside(left, _in.Width);
        ref float source = ref MemoryMarshal.GetReference(input);
        ref float target = ref MemoryMarshal.GetReference(patch);
        int index = 0;
        for (int c = 0; c < _in.Channels; c++)
        for (int ki = 0; ki < k; ki++, index += k)
        {
            int row = i * _stride + ki - _padTop;
            bool inside = row >= 0 && row < _in.Height;
            int at = (c * _in.Height + row) * _in.Width + left;
            for (int kj = 0; kj < k; kj++)
                Unsafe.Add(ref target, index + kj) = inside && kj >= first && kj < end ? Unsafe.Add(ref source, at + kj) : 0f;
        }
    }

    /// <summary>Writes channels-last outputs in the model's (C, H, W) order.</summary>
    public override void ToModelOrder(ReadOnlySpan<float> values, int rows, Span<float> target)
    {
        int channels = _out.Channels, plane = _out.Height * _out.Width;
        for (int r = 0; r < rows; r++)
        {
            var from = values.Slice(r * OutputSize, OutputSize);
            var to = target.Slice(r * OutputSize, OutputSize);
            for (int l = 0; l < plane; l++)
            for (int o = 0; o < channels; o++)
                to[o * plane + l] = from[l * channels + o];
        }
    }

    /// <summary>The kernel columns [first, end) of a window starting at <paramref name="start"/> that fall inside [0, length).</summary>
    private (int First, int End) Inside(int start, int length) => (Math.Max(0, -start), Math.Min(_kernel, length - start));
}
