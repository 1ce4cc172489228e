using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// Per-channel input standardisation x̃ = (x − μ_c)/s_c with statistics of a training set. Training reads x̃; the saved
/// model folds the transform into its first layer (see <see cref="Layers.TrainableLayer.ScaleInputChannels"/>), so a
/// scorer that knows nothing of it reads raw x and computes the same function.
/// </summary>
public sealed class InputStandardization
{
    /// <summary>Creates the transform for <paramref name="shape"/> from per-channel means and standard deviations.</summary>
    public InputStandardization(ImageShape shape, float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length != shape.Channels || std.Length != shape.Channels)
            throw new ArgumentException($"Standardisation needs {shape.Channels} means and standard deviations; got {mean.Length} and {std.Length}.");
        foreach (var s in std)
            if (!(s > 0) || !float.IsFinite(s)) throw new ArgumentOutOfRangeException(nameof(std), $"Standard deviations must be finite and > 0; got {s}.");
        Shape = shape;
        Mean = mean;
        Std = std;
    }

    /// <summary>The example shape C×H×W.</summary>
    public ImageShape Shape { get; }

    /// <summary>μ_c.</summary>
    public float[] Mean { get; }

    /// <summary>s_c (a channel that never varies gets 1, so it is only centred).</summary>
    public float[] Std { get; }

    /// <summary>Statistics over every value of every example of <paramref name="data"/>, per channel (computed in double).</summary>
    public static InputStandardization Compute(InMemoryDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var shape = data.Shape;
        int plane = shape.Height * shape.Width;
        var sum = new double[shape.Channels];
        var squares = new double[shape.Channels];
        var f = data.Features;
        for (long row = 0; row < data.Count; row++)
        {
            long offset = row * shape.Size;
            for (int c = 0; c < shape.Channels; c++)
            {
                double s = 0, q = 0;
                for (long i = offset + (long)c * plane, end = i + plane; i < end; i++)
                {
                    double v = f[i];
                    s += v;
                    q += v * v;
                }
                sum[c] += s;
                squares[c] += q;
            }
        }
        double count = (double)data.Count * plane;
        var mean = new float[shape.Channels];
        var std = new float[shape.Channels];
        for (int c = 0; c < shape.Channels; c++)
        {
            double m = sum[c] / count;
            double variance = Math.Max(squares[c] / count - m * m, 0);
            mean[c] = (float)m;
            std[c] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }
        return new InputStandardization(shape, mean, std);
    }

    /// <summary>(x − μ)/s for a batch <paramref name="x"/> [N, C·H·W] (a new tensor on <paramref name="x"/>'s device).</summary>
    public Tensor Apply(Tensor x)
    {
        using var mean = ChannelTensor(Mean, x.device);
        using var std = ChannelTensor(Std, x.device);
        using var images = x.reshape(x.shape[0], Shape.Channels, Shape.Height * Shape.Width);
        using var centred = images.sub(mean);
        using var scaled = centred.div_(std);
        return scaled.reshape(x.shape[0], Shape.Size);
    }

    /// <summary>1/s_c as a [C] tensor.</summary>
    public Tensor InverseStd(Device device) => tensor(Array.ConvertAll(Std, s => 1f / s), device: device);

    /// <summary>The constant image μ_c/s_c, [1, C, H, W]: what W folds into the bias.</summary>
    public Tensor ShiftImage(Device device)
    {
        var values = new float[Shape.Size];
        int plane = Shape.Height * Shape.Width;
        for (int c = 0; c < Shape.Channels; c++)
            Array.Fill(values, Mean[c] / Std[c], c * plane, plane);
        return tensor(values, new long[] { 1, Shape.Channels, Shape.Height, Shape.Width }, device: device);
    }

    private static Tensor ChannelTensor(float[] values, Device device) => tensor(values, new long[] { 1, values.Length, 1 }, device: device);
}
