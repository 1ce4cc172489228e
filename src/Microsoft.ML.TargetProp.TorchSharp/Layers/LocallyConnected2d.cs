using Microsoft.ML.TargetProp.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// A locally-connected layer: like a convolution with kernel k, O output channels and stride s, but with untied weights
/// at every output location. Zero padding keeps H×W at stride 1. W is stored per location as [L, C·k·k, O]; the bias
/// is per location and channel, [O, H', W'].
/// </summary>
public sealed class LocallyConnected2d : TrainableLayer
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    /// <summary>Creates a layer (initialised by <paramref name="initialization"/>) of <paramref name="spec"/> on inputs of <paramref name="inputShape"/>.</summary>
    public LocallyConnected2d(LocallyConnectedLayerSpec spec, ImageShape inputShape, Activation? activation, Generator? generator = null,
        WeightInitialization initialization = WeightInitialization.Glorot)
        : this(new LocalGeometry(spec, inputShape), activation, generator, initialization)
    {
    }

    private LocallyConnected2d(LocalGeometry geometry, Activation? activation, Generator? generator, WeightInitialization initialization)
        : base(nameof(LocallyConnected2d), geometry.Input, geometry.Output, activation, initialization)
    {
        Geometry = geometry;
        weight = new Parameter(LayerInit.Weight(initialization, geometry.WeightShape, FanIn, InitFanOut, generator));
        bias = new Parameter(LayerInit.Bias(initialization, new long[] { geometry.Output.Channels, geometry.Output.Height, geometry.Output.Width }, FanIn, generator));
        RegisterComponents();
    }

    /// <summary>Patch geometry (padding, locations).</summary>
    public LocalGeometry Geometry { get; }

    /// <inheritdoc />
    public override Parameter Weight => weight;

    /// <inheritdoc />
    public override Parameter Bias => bias;

    /// <inheritdoc />
    public override int FanIn => Geometry.PatchSize;

    /// <inheritdoc />
    public override int FanOut => Geometry.Output.Channels * Geometry.Spec.Kernel * Geometry.Spec.Kernel;

    /// <inheritdoc />
    public override double InitFanOut => Initialization == WeightInitialization.GlorotStrideAware ? Geometry.MeanFanOut : FanOut;

    /// <inheritdoc />
    public override Tensor Linear(Tensor input)
    {
        var y = Geometry.Apply(BatchShapes.Reshape(input, InputShape), weight, Precision);
        return y.add_(bias, TorchScalars.One);
    }

    /// <inheritdoc />
    public override Tensor TransposeLinear(Tensor output, Tensor weight) => Geometry.ApplyTranspose(output, weight, Precision);

    /// <inheritdoc />
    public override Tensor ScaleInputChannels(Tensor channelScale)
    {
        int k = Geometry.Spec.Kernel;
        using var perPatch = channelScale.repeat_interleave(k * k);   // unfold orders a patch as C, then k×k
        using var column = perPatch.reshape(1, Geometry.PatchSize, 1);
        return weight.detach().mul(column);
    }

    /// <inheritdoc />
    public override InverseLayer CreateInverse(Activation activation, Generator? generator, int extraInputs = 0)
    {
        if (extraInputs != 0)
            throw new System.ArgumentException("Extra inverse inputs are only supported on the fully-connected output layer.", nameof(extraInputs));
        return new LocallyConnectedTranspose2d(Geometry, activation, generator, Initialization);
    }
}
