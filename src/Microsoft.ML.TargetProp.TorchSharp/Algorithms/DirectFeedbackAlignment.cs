using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Direct feedback alignment (Nøkland): every hidden layer receives the output error e = ∂L/∂a_L through its own fixed
/// random matrix, δa_l = (e B_l) ⊙ φ′(a_l), B_l of shape [classes, size of h_l].
/// </summary>
public sealed class DirectFeedbackAlignment : ErrorFeedback
{
    private readonly Tensor[] _feedback;

    /// <summary>Creates DFA with Glorot-random feedback drawn from <paramref name="generator"/>.</summary>
    public DirectFeedbackAlignment(TargetPropNetwork network, Generator? generator) : base(Descriptor, network)
    {
        var layers = network.Layers;
        _feedback = new Tensor[layers.Count - 1];
        for (int i = 0; i < layers.Count - 1; i++)
        {
            int size = layers[i].OutputShape.Size;
            _feedback[i] = GlorotInit.Uniform(new long[] { network.OutputSize, size }, network.OutputSize, size, generator, layers[i].Weight.device);
            register_buffer($"feedback_{i}", _feedback[i]);
        }
    }

    /// <summary>The fixed matrix B_l projecting the output error e to layer index <paramref name="layer"/> (0-based hidden layers), shaped [classes, layer size].</summary>
    public Tensor Feedback(int layer) => _feedback[layer];

    /// <summary>DFA in the <see cref="AlgorithmRegistry"/>.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new(nameof(AlgorithmKind.DirectFeedbackAlignment), "dfa", "DFA", c => new DirectFeedbackAlignment(c.Network, c.Generator))
    {
        Table5Column = AlgorithmKind.DirectFeedbackAlignment,
        Summary = "direct feedback alignment (Nøkland 2016): the output error to every hidden layer through fixed random B_l",
    };

    /// <inheritdoc />
    public override long StepMultiplyAdds() => base.StepMultiplyAdds() + _feedback.Sum(b => b.numel());   // e B_l for every hidden layer

    /// <inheritdoc />
    protected override void HiddenDeltas(ForwardPass pass, Tensor taskTargets, Tensor[] deltas) =>
        ProjectDeltas(pass, deltas, deltas[^1], _feedback);
}
