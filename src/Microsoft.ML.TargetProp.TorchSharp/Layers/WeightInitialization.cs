using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// How a layer's W_l, b_l (and its inverse's V_l, c_l, and feedback B_l) are drawn. The paper says "Glorot &amp; Bengio";
/// for a strided locally-connected layer the fan-out it means is not stated, so the choices are measured
/// (docs/results.md, "Fidelity ablation").
/// </summary>
public enum WeightInitialization
{
    /// <summary>Glorot uniform with convolution-style fans (fan_in = C·k·k, fan_out = O·k·k, ignoring the stride); zero biases.</summary>
    Glorot,

    /// <summary>Glorot uniform with the fans of the sparse matrix itself (fan_out = O·k·k/s², the outputs one input unit feeds on average); zero biases.</summary>
    GlorotStrideAware,

    /// <summary>PyTorch's default for Linear/Conv: W and b uniform in ±1/√fan_in.</summary>
    TorchDefault,
}

/// <summary>Draws weights and biases for a <see cref="WeightInitialization"/> from an explicit generator, so a seed fixes every value.</summary>
public static class LayerInit
{
    /// <summary>Weights of <paramref name="shape"/> for a map with <paramref name="fanIn"/> inputs per output and <paramref name="fanOut"/> outputs per input.</summary>
    public static Tensor Weight(WeightInitialization init, long[] shape, double fanIn, double fanOut, Generator? generator, Device? device = null)
    {
        double bound = init switch
        {
            WeightInitialization.Glorot or WeightInitialization.GlorotStrideAware => Math.Sqrt(6.0 / (fanIn + fanOut)),
            WeightInitialization.TorchDefault => 1 / Math.Sqrt(fanIn),
            _ => throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown weight initialization."),
        };
        return Uniform(shape, bound, generator, device);
    }

    /// <summary>Biases of <paramref name="shape"/>: zero for Glorot, ±1/√fan_in for <see cref="WeightInitialization.TorchDefault"/>.</summary>
    public static Tensor Bias(WeightInitialization init, long[] shape, double fanIn, Generator? generator, Device? device = null) =>
        init == WeightInitialization.TorchDefault ? Uniform(shape, 1 / Math.Sqrt(fanIn), generator, device) : zeros(shape, device: device);

    /// <summary>U(−bound, +bound).</summary>
    private static Tensor Uniform(long[] shape, double bound, Generator? generator, Device? device)
    {
        using var u = rand(shape, dtype: float32, generator: generator);
        using var scale = (2 * bound).ToScalar();
        using var shift = bound.ToScalar();
        var w = u.mul(scale).sub_(shift);
        return device is null || device.type == global::TorchSharp.DeviceType.CPU ? w : w.to(device);
    }
}
