using Microsoft.ML.TargetProp.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>A fully-connected layer h_l = φ(W_l h_{l-1} + b_l); W_l is [out, in] and the input is flattened.</summary>
public sealed class Dense : TrainableLayer
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    /// <summary>Creates a layer (initialised by <paramref name="initialization"/>) from <paramref name="inputShape"/> to <paramref name="units"/> outputs; <paramref name="activation"/> null makes it linear (the output layer).</summary>
    public Dense(ImageShape inputShape, int units, Activation? activation, Generator? generator = null, WeightInitialization initialization = WeightInitialization.Glorot)
        : base(nameof(Dense), inputShape, ImageShape.Flat(units), activation, initialization)
    {
        weight = new Parameter(LayerInit.Weight(initialization, new long[] { units, inputShape.Size }, inputShape.Size, units, generator));
        bias = new Parameter(LayerInit.Bias(initialization, new long[] { units }, inputShape.Size, generator));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Parameter Weight => weight;

    /// <inheritdoc />
    public override Parameter Bias => bias;

    /// <inheritdoc />
    public override int FanIn => InputShape.Size;

    /// <inheritdoc />
    public override int FanOut => OutputShape.Size;

    /// <inheritdoc />
    public override Tensor Linear(Tensor input)
    {
        if (Precision == MatmulPrecision.Float32) return addmm(bias, input.flatten(1), weight.t(), 1, 1);
        using var w = weight.t();
        return PrecisionMath.Matmul(input.flatten(1), w, Precision).add_(bias);
    }

    /// <inheritdoc />
    public override Tensor TransposeLinear(Tensor output, Tensor weight) => BatchShapes.Reshape(PrecisionMath.Matmul(output, weight, Precision), InputShape);

    /// <inheritdoc />
    public override Tensor ScaleInputChannels(Tensor channelScale)
    {
        using var perUnit = channelScale.repeat_interleave(InputShape.Height * InputShape.Width);   // C×H×W flattened channel-major
        using var row = perUnit.unsqueeze(0);
        return weight.detach().mul(row);
    }

    /// <inheritdoc />
    public override InverseLayer CreateInverse(Activation activation, Generator? generator, int extraInputs = 0) =>
        new DenseInverse(OutputShape.Size + extraInputs, InputShape, activation, generator, Initialization);
}
