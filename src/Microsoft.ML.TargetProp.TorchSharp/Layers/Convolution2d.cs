using System;
using Microsoft.ML.TargetProp.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// A convolution with the geometry of a locally-connected layer (k×k, O channels, stride s, the same "same" zero
/// padding) but one filter bank W [O, C, k, k] and bias b [O] shared by every location: the paper's "BP ConvNet"
/// baseline, which shows what untied weights cost. No inverse (target propagation is not defined for it here); a model
/// saves it as the equivalent locally-connected layer.
/// </summary>
public sealed class Convolution2d : TrainableLayer
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    /// <summary>Creates a layer (initialised by <paramref name="initialization"/>) of <paramref name="spec"/> on inputs of <paramref name="inputShape"/>.</summary>
    public Convolution2d(LocallyConnectedLayerSpec spec, ImageShape inputShape, Activation? activation, Generator? generator = null,
        WeightInitialization initialization = WeightInitialization.Glorot)
        : base(nameof(Convolution2d), inputShape, spec.OutputShape(inputShape), activation, initialization)
    {
        Geometry = new LocalGeometry(spec.Untied, inputShape);
        int k = spec.Kernel;
        weight = new Parameter(LayerInit.Weight(initialization, new long[] { OutputShape.Channels, inputShape.Channels, k, k }, FanIn, InitFanOut, generator));
        bias = new Parameter(LayerInit.Bias(initialization, new long[] { OutputShape.Channels }, FanIn, generator));
        RegisterComponents();
    }

    /// <summary>The geometry of the equivalent locally-connected layer.</summary>
    public LocalGeometry Geometry { get; }

    /// <inheritdoc />
    public override Parameter Weight => weight;

    /// <inheritdoc />
    public override Parameter Bias => bias;

    /// <inheritdoc />
    public override int FanIn => Geometry.PatchSize;

    /// <inheritdoc />
    public override long MultiplyAdds => (long)Geometry.Locations * weight.numel();   // the filters apply at every location

    /// <inheritdoc />
    public override int FanOut => OutputShape.Channels * Geometry.Spec.Kernel * Geometry.Spec.Kernel;

    /// <inheritdoc />
    public override double InitFanOut => Initialization == WeightInitialization.GlorotStrideAware ? Geometry.MeanFanOut : FanOut;

    /// <inheritdoc />
    /// <remarks>
    /// Computed as W [O, C·k·k] times the unfolded patches, not with <c>conv2d</c>: libtorch 2.10's CPU conv2d backward
    /// returned wrong input gradients here (docs/reliability.md), while unfold's are exact.
    /// </remarks>
    public override Tensor Linear(Tensor input)
    {
        var x = BatchShapes.Reshape(input, InputShape);   // may be the caller's tensor: not disposed here
        long n = x.shape[0];
        using var cols = Geometry.Unfold(x);                                               // [N, C·k·k, L]
        using var filters = weight.reshape(OutputShape.Channels, Geometry.PatchSize);
        using var y = PrecisionMath.Matmul(filters, cols, Precision);                      // [N, O, L]
        using var b = bias.reshape(OutputShape.Channels, 1);
        using var biased = y.add(b, TorchScalars.One);
        return biased.reshape(n, OutputShape.Channels, OutputShape.Height, OutputShape.Width);
    }

    /// <inheritdoc />
    public override Tensor TransposeLinear(Tensor output, Tensor weight)
    {
        long n = output.shape[0];
        using var y = output.reshape(n, OutputShape.Channels, Geometry.Locations);
        using var filters = weight.reshape(OutputShape.Channels, Geometry.PatchSize);
        using var filtersT = filters.t();
        using var cols = PrecisionMath.Matmul(filtersT, y, Precision);                     // [N, C·k·k, L]
        return Geometry.Fold(cols);
    }

    /// <inheritdoc />
    public override Tensor ScaleInputChannels(Tensor channelScale)
    {
        using var column = channelScale.reshape(1, InputShape.Channels, 1, 1);
        return weight.detach().mul(column);
    }

    /// <inheritdoc />
    public override Tensor BiasMap() => bias.detach().reshape(OutputShape.Channels, 1, 1).expand(OutputShape.Channels, OutputShape.Height, OutputShape.Width).contiguous();

    /// <inheritdoc />
    public override Tensor UntiedWeight(Tensor weightLikeW)
    {
        // [O, C, k, k] → [O, C·k·k] (unfold's tap order) → [C·k·k, O], the same at every one of the L locations.
        using var flat = weightLikeW.reshape(OutputShape.Channels, Geometry.PatchSize);
        using var perLocation = flat.t().unsqueeze(0);
        return perLocation.expand(Geometry.Locations, Geometry.PatchSize, OutputShape.Channels).contiguous();
    }

    /// <inheritdoc />
    public override InverseLayer CreateInverse(Activation activation, Generator? generator, int extraInputs = 0) =>
        throw new NotSupportedException($"Layer {Geometry.Spec.Untied with { SharedWeights = true }} is a convolution (shared weights): it has no inverse, so target propagation cannot train it; train a ConvNet with BP or FA, or use lc(...) layers.");
}
