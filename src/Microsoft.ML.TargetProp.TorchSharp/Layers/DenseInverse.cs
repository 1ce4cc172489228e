using Microsoft.ML.TargetProp.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>The inverse of a fully-connected layer: g(h) = φ(V h + c) with V shaped like Wᵀ ([in, out]), reshaped to h_{l-1}'s shape.</summary>
public sealed class DenseInverse : InverseLayer
{
    private readonly Parameter weight;
    private readonly Parameter bias;

    /// <summary>Creates an inverse (initialised by <paramref name="initialization"/>) from <paramref name="inputs"/> flat units to activities of <paramref name="outputShape"/>.</summary>
    public DenseInverse(int inputs, ImageShape outputShape, Activation activation, Generator? generator = null, WeightInitialization initialization = WeightInitialization.Glorot)
        : base(nameof(DenseInverse), outputShape, activation)
    {
        weight = new Parameter(LayerInit.Weight(initialization, new long[] { outputShape.Size, inputs }, inputs, outputShape.Size, generator));
        bias = new Parameter(LayerInit.Bias(initialization, new long[] { outputShape.Size }, inputs, generator));
        RegisterComponents();
    }

    /// <summary>V_l, [size of h_{l-1}, size of h_l].</summary>
    public Parameter Weight => weight;

    /// <summary>c_l.</summary>
    public Parameter Bias => bias;

    /// <inheritdoc />
    public override long MultiplyAdds => weight.numel();

    /// <inheritdoc />
    public override Tensor Linear(Tensor input)
    {
        if (Precision == MatmulPrecision.Float32) return BatchShapes.Reshape(addmm(bias, input.flatten(1), weight.t(), 1, 1), OutputShape);
        using var w = weight.t();
        return BatchShapes.Reshape(PrecisionMath.Matmul(input.flatten(1), w, Precision).add_(bias), OutputShape);
    }
}
