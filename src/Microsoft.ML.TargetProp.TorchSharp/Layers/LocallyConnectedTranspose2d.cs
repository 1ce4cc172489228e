using Microsoft.ML.TargetProp.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// The inverse of a locally-connected layer: g(h) = φ(V h + c) where V has the sparsity of Wᵀ (section 5.4). V is
/// stored like W, [L, C·k·k, O], and applied transposed with an explicit fold (equal to the paper's gradient-of-a-dummy
/// forward trick, tested). c is per input location and channel, [C, H, W].
/// </summary>
public sealed class LocallyConnectedTranspose2d : InverseLayer
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly LocalGeometry _geometry;

    /// <summary>Creates a transpose (initialised by <paramref name="initialization"/>) of the layer with <paramref name="geometry"/>.</summary>
    public LocallyConnectedTranspose2d(LocalGeometry geometry, Activation activation, Generator? generator = null,
        WeightInitialization initialization = WeightInitialization.Glorot)
        : base(nameof(LocallyConnectedTranspose2d), geometry.Input, activation)
    {
        _geometry = geometry;
        // V maps h_l to h_{l-1}: its fan-in is the outputs that read one input unit, its fan-out the patch size.
        double fanIn = initialization == WeightInitialization.GlorotStrideAware || initialization == WeightInitialization.TorchDefault
            ? geometry.MeanFanOut
            : geometry.Output.Channels * geometry.Spec.Kernel * geometry.Spec.Kernel;
        weight = new Parameter(LayerInit.Weight(initialization, geometry.WeightShape, fanIn, geometry.PatchSize, generator));
        bias = new Parameter(LayerInit.Bias(initialization, new long[] { geometry.Input.Channels, geometry.Input.Height, geometry.Input.Width }, fanIn, generator));
        RegisterComponents();
    }

    /// <summary>V_l, stored as [L, C·k·k, O] and applied transposed.</summary>
    public Parameter Weight => weight;

    /// <summary>c_l, [C, H, W].</summary>
    public Parameter Bias => bias;

    /// <inheritdoc />
    public override long MultiplyAdds => weight.numel();

    /// <inheritdoc />
    public override Tensor Linear(Tensor input)
    {
        using var x = _geometry.ApplyTranspose(BatchShapes.Reshape(input, _geometry.Output), weight, Precision);
        return x.add(bias, TorchScalars.One);
    }
}
