using Microsoft.ML.TargetProp.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// The inverse of a locally-connected layer: g(h) = σ(V h + c) where V has the sparsity of Wᵀ (section 5.4). V is
/// stored like W, [L, C·k·k, O], and applied transposed with an explicit fold (equal to the paper's gradient-of-a-dummy
/// forward trick, tested). c is per input location and channel, [C, H, W].
/// </summary>
public sealed class LocallyConnectedTranspose2d : InverseLayer
{
    private readonly Parameter weight;
    private readonly Parameter bias;
    private readonly LocalGeometry _geometry;

    /// <summary>Creates a Glorot-initialised transpose of the layer with <paramref name="geometry"/>.</summary>
    public LocallyConnectedTranspose2d(LocalGeometry geometry, Activation activation, Generator? generator = null)
        : base(nameof(LocallyConnectedTranspose2d), geometry.Input, activation)
    {
        _geometry = geometry;
        weight = new Parameter(GlorotInit.Uniform(geometry.WeightShape, geometry.Output.Channels * geometry.Spec.Kernel * geometry.Spec.Kernel, geometry.PatchSize, generator));
        bias = new Parameter(zeros(geometry.Input.Channels, geometry.Input.Height, geometry.Input.Width));
        RegisterComponents();
    }

    /// <summary>V_l, stored as [L, C·k·k, O] and applied transposed.</summary>
    public Parameter Weight => weight;

    /// <summary>c_l, [C, H, W].</summary>
    public Parameter Bias => bias;

    /// <inheritdoc />
    public override Tensor Linear(Tensor input)
    {
        using var x = _geometry.ApplyTranspose(BatchShapes.Reshape(input, _geometry.Output), weight);
        return x.add(bias);
    }
}
