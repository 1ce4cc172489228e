using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>Backpropagation: the gradient of the task loss L through every layer.</summary>
public sealed class Backprop : LearningAlgorithm
{
    /// <summary>Creates BP for <paramref name="network"/>.</summary>
    public Backprop(TargetPropNetwork network) : base(nameof(Backprop), network) { }

    /// <summary>BP in the <see cref="AlgorithmRegistry"/>.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new(
        AlgorithmKind.Backprop, "bp", "BP", Table5Column: AlgorithmKind.Backprop, HasInverses: false,
        (network, _, _) => new Backprop(network));

    /// <inheritdoc />
    public override AlgorithmKind Kind => Descriptor.Kind;

    /// <inheritdoc />
    public override bool IsLayerLocal => false;

    /// <inheritdoc />
    public override long StepMultiplyAdds() => base.StepMultiplyAdds() + Network.Layers.Skip(1).Sum(l => l.MultiplyAdds);   // ∂ℓ/∂h_{l-1} = W_lᵀ δ_l

    /// <inheritdoc />
    public override Tensor ForwardLoss(ForwardPass pass, Tensor taskTargets, LayerDiagnostics? diagnostics = null) => TaskLoss(pass.Output, taskTargets);
}
