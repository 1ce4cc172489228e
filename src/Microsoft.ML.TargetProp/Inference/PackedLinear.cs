using System;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>
/// The weights W [outputs, depth] and biases of one or more linear maps (one for a dense layer, one per location for a
/// locally-connected layer), packed once for <see cref="PanelKernel"/> on one path: each map as panels of
/// <see cref="PanelKernel.Width"/> outputs stored [depth][width], the last panel and the biases zero-padded to a whole panel.
/// </summary>
internal sealed class PackedLinear
{
    private readonly float[] _weights;   // [groups][panels][depth][width]
    private readonly float[] _bias;      // [groups][panels · width]
    private readonly int _width;

    /// <summary>Packs <paramref name="groups"/> maps whose weight W_g[o, k] is <paramref name="weight"/>(g, o, k) and bias b_g[o] is <paramref name="bias"/>(g, o).</summary>
    public PackedLinear(int groups, int outputs, int depth, Func<int, int, int, float> weight, Func<int, int, float> bias, PanelKernel.Path path)
    {
        Path = path;
        Outputs = outputs;
        Depth = depth;
        _width = PanelKernel.Width(path);
        Panels = (outputs + _width - 1) / _width;
        _weights = new float[checked((long)groups * Panels * depth * _width)];
        _bias = new float[checked(groups * Panels * _width)];
        for (int g = 0; g < groups; g++)
        {
            long start = (long)g * Panels * depth * _width;
            for (int o = 0; o < outputs; o++)
            {
                long panel = start + (long)(o / _width) * depth * _width + o % _width;
                for (int k = 0; k < depth; k++) _weights[panel + (long)k * _width] = weight(g, o, k);
                _bias[g * Panels * _width + o] = bias(g, o);
            }
        }
    }

    /// <summary>The kernel path the weights are packed for.</summary>
    public PanelKernel.Path Path { get; }

    /// <summary>Outputs of each map.</summary>
    public int Outputs { get; }

    /// <summary>Inputs of each map.</summary>
    public int Depth { get; }

    /// <summary>Panels of each map.</summary>
    public int Panels { get; }

    /// <summary>
    /// y[r·yRowStride + o·yColumnStride] = W_g x_r + b_g for the <paramref name="rows"/> inputs x_r = x[r·xStride …] and
    /// the outputs of panels [<paramref name="firstPanel"/>, <paramref name="endPanel"/>).
    /// </summary>
    public void Multiply(int group, ReadOnlySpan<float> x, int xStride, int rows, Span<float> y, int yRowStride, int yColumnStride, int firstPanel, int endPanel)
    {
        long panelsBefore = (long)group * Panels;
        PanelKernel.Multiply(Path, _weights.AsSpan(checked((int)(panelsBefore * Depth * _width)), Panels * Depth * _width),
            _bias.AsSpan((int)panelsBefore * _width, Panels * _width), Outputs, Depth, x, xStride, rows, y, yRowStride, yColumnStride, firstPanel, endPanel);
    }

    /// <summary><see cref="Multiply(int, ReadOnlySpan{float}, int, int, Span{float}, int, int, int, int)"/> over every panel.</summary>
    public void Multiply(int group, ReadOnlySpan<float> x, int xStride, int rows, Span<float> y, int yRowStride, int yColumnStride) =>
        Multiply(group, x, xStride, rows, y, yRowStride, yColumnStride, 0, Panels);
}
