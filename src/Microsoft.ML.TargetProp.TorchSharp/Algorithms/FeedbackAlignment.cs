using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Feedback alignment (Lillicrap et al.): δa_{l-1} = (B_lᵀ δa_l) ⊙ φ′(a_{l-1}) with a fixed random B_l shaped like W_l,
/// instead of W_lᵀ. Each θ_l moves along δa_l ∂a_l/∂θ_l.
/// </summary>
public sealed class FeedbackAlignment : ErrorFeedback
{
    private readonly Tensor[] _feedback;

    /// <summary>Creates FA with Glorot-random feedback matrices drawn from <paramref name="generator"/>.</summary>
    public FeedbackAlignment(TargetPropNetwork network, Generator? generator) : base(Descriptor, network)
    {
        var layers = network.Layers;
        _feedback = new Tensor[layers.Count];
        for (int i = 1; i < layers.Count; i++)
        {
            _feedback[i] = layers[i].CreateFeedback(generator);
            register_buffer($"feedback_{i}", _feedback[i]);
        }
    }

    /// <summary>The fixed feedback matrix B_l of layer index <paramref name="layer"/> (0-based; none for the first layer).</summary>
    public Tensor Feedback(int layer) => _feedback[layer];

    /// <summary>FA in the <see cref="AlgorithmRegistry"/>.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new(nameof(AlgorithmKind.FeedbackAlignment), "fa", "FA", c => new FeedbackAlignment(c.Network, c.Generator))
    {
        Table5Column = AlgorithmKind.FeedbackAlignment,
        Summary = "feedback alignment (Lillicrap et al. 2016): fixed random B_l in place of W_lᵀ",
    };

    /// <inheritdoc />
    public override long StepMultiplyAdds() => base.StepMultiplyAdds() + Network.Layers.Skip(1).Sum(l => l.MultiplyAdds);   // B_lᵀ δ_l, B_l shaped like W_l

    /// <inheritdoc />
    protected override void HiddenDeltas(ForwardPass pass, Tensor taskTargets, Tensor[] deltas) =>
        ChainDeltas(pass, deltas, i => _feedback[i]);
}
