using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Direct feedback alignment (Nøkland): every hidden layer receives the output error e = ∂L/∂a_L through its own fixed
/// random matrix, δa_l = (e B_l) ⊙ σ'(a_l), B_l of shape [classes, size of h_l].
/// </summary>
public sealed class DirectFeedbackAlignment : LearningAlgorithm
{
    private readonly Tensor[] _feedback;

    /// <summary>Creates DFA with Glorot-random feedback drawn from <paramref name="generator"/>.</summary>
    public DirectFeedbackAlignment(TargetPropNetwork network, Generator? generator) : base(nameof(DirectFeedbackAlignment), network)
    {
        var layers = network.Layers;
        _feedback = new Tensor[layers.Count - 1];
        for (int i = 0; i < layers.Count - 1; i++)
        {
            int size = layers[i].OutputShape.Size;
            _feedback[i] = GlorotInit.Uniform(new long[] { network.Classes, size }, network.Classes, size, generator, layers[i].Weight.device);
            register_buffer($"feedback_{i}", _feedback[i]);
        }
    }

    /// <summary>The fixed matrix B_l projecting the output error e to layer index <paramref name="layer"/> (0-based hidden layers), shaped [classes, layer size].</summary>
    public Tensor Feedback(int layer) => _feedback[layer];

    /// <inheritdoc />
    public override AlgorithmKind Kind => AlgorithmKind.DirectFeedbackAlignment;

    /// <inheritdoc />
    public override Tensor ForwardLoss(ForwardPass pass, Tensor labels, LayerDiagnostics? diagnostics = null)
    {
        var layers = Network.Layers;
        int last = layers.Count - 1;
        var deltas = new Tensor[layers.Count];
        using (no_grad())
        {
            using var e = OutputError(pass, labels);
            using var n = ((double)pass.BatchSize).ToScalar();
            deltas[last] = e.div(n);
            for (int i = 0; i < last; i++)
            {
                using var projected = deltas[last].mm(_feedback[i]);
                using var shaped = BatchShapes.Reshape(projected, layers[i].OutputShape);
                using var dsigma = Activations.Derivative(layers[i].Activation!.Value, pass.Outputs[i]);
                deltas[i] = shaped * dsigma;
            }
        }
        return FeedbackAlignment.DeltaLoss(pass, deltas);
    }
}
