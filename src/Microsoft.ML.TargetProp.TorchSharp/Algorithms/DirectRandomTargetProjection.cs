using System;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Direct random target projection (Frenkel, Lefebvre &amp; Bol 2021): every hidden layer receives the one-hot target y*
/// (not the output error) through its own fixed random matrix, δa_l = (y* B_l) ⊙ σ′(a_l), B_l of shape [classes,
/// size of h_l] drawn He-uniform U(±√(6/size)) as the reference code does; the output layer moves along its true error
/// e/N. No error crosses layers and the hidden updates need no output. As in the reference code the hidden signal is
/// per example (not divided by N); Adam makes the scale matter only through ϵ.
/// </summary>
public sealed class DirectRandomTargetProjection : ErrorFeedback
{
    private readonly Tensor[] _projection;

    /// <summary>Creates DRTP with random projections drawn from <paramref name="generator"/>.</summary>
    public DirectRandomTargetProjection(TargetPropNetwork network, Generator? generator) : base(Descriptor, network)
    {
        var layers = network.Layers;
        _projection = new Tensor[layers.Count - 1];
        for (int i = 0; i < layers.Count - 1; i++)
        {
            int size = layers[i].OutputShape.Size;
            _projection[i] = GlorotInit.Uniform(new long[] { network.OutputSize, size }, size, 0, generator, layers[i].Weight.device);   // U(±√(6/size))
            register_buffer($"projection_{i}", _projection[i]);
        }
    }

    /// <summary>DRTP in the <see cref="AlgorithmRegistry"/>: no Table 5 column, so it starts from DFA's.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new("DirectRandomTargetProjection", "drtp", "DRTP", c => new DirectRandomTargetProjection(c.Network, c.Generator))
    {
        Table5Column = AlgorithmKind.DirectFeedbackAlignment,
        Summary = "direct random target projection (Frenkel et al. 2021): the one-hot target to every hidden layer through fixed random B_l",
    };

    /// <summary>The fixed projection B_l of hidden layer index <paramref name="layer"/> (0-based), shaped [classes, layer size].</summary>
    public Tensor Projection(int layer) => _projection[layer];

    /// <inheritdoc />
    public override long StepMultiplyAdds() => base.StepMultiplyAdds() + _projection.Sum(b => b.numel());   // y* B_l for every hidden layer

    /// <inheritdoc />
    protected override void HiddenDeltas(ForwardPass pass, Tensor taskTargets, Tensor[] deltas)
    {
        using var target = OptimalOutput(taskTargets);
        using var flat = target.flatten(1);
        ProjectDeltas(pass, deltas, flat, _projection);
    }
}
