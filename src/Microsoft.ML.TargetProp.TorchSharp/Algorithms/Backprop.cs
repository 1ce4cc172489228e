using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>Backpropagation: the gradient of the task loss L through every layer.</summary>
public sealed class Backprop : LearningAlgorithm
{
    /// <summary>Creates BP for <paramref name="network"/>.</summary>
    public Backprop(TargetPropNetwork network) : base(Descriptor, network) { }

    /// <summary>BP in the <see cref="AlgorithmRegistry"/>.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new(nameof(AlgorithmKind.Backprop), "bp", "BP", c => new Backprop(c.Network))
    {
        Table5Column = AlgorithmKind.Backprop,
        Summary = "backpropagation, the baseline",
    };

    /// <inheritdoc />
    public override bool IsLayerLocal => false;

    /// <inheritdoc />
    public override long StepMultiplyAdds() => base.StepMultiplyAdds() + Network.Layers.Skip(1).Sum(l => l.MultiplyAdds);   // ∂ℓ/∂h_{l-1} = W_lᵀ δ_l

    /// <inheritdoc />
    public override Tensor ForwardLoss(ForwardPass pass, Tensor taskTargets, LayerDiagnostics? diagnostics = null) => TaskLoss(pass.Output, taskTargets);
}
