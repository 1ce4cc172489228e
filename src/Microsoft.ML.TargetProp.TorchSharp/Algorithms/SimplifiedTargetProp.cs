using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Simplified difference target propagation: ĥ_L is the correct label distribution (one-hot; for an autoencoder the
/// input itself) and ĥ_{L-1} = h_{L-1} − g_L(h_L) + g_L(ĥ_L), with h_L = softmax(a_L) (the linear output for an
/// autoencoder); no gradient crosses layers. Inverses g_2 … g_L are trained de-noising.
/// </summary>
public sealed class SimplifiedTargetProp : TargetPropagation
{
    /// <summary>Creates SDTP with inverse noise σ and hybrid weight a (0 = pure SDTP).</summary>
    public SimplifiedTargetProp(TargetPropNetwork network, double sigma, Generator? generator, double bpMix = 0)
        : base(nameof(SimplifiedTargetProp), network, sigma, bpMix, generator, lastInverse: network.Layers.Count - 1)
    {
    }

    /// <inheritdoc />
    public override AlgorithmKind Kind => AlgorithmKind.SimplifiedTargetProp;

    /// <inheritdoc />
    protected override bool NoisePreserving => false;

    /// <inheritdoc />
    protected override Tensor PenultimateTarget(ForwardPass pass, Tensor labels)
    {
        Tensor? bp = BpMix > 0 ? OutputGradient(pass, labels) : null;
        Tensor? tp = null;
        if (BpMix < 1)
        {
            var g = Inverse(Network.Layers.Count - 1)!;
            using var p = OutputCode(pass.Logits);
            using var y = OptimalOutput(labels);
            using var gp = g.forward(p);
            using var gy = g.forward(y);
            tp = gp - gy;
        }
        using var correction = Mix(bp, tp);
        return pass.Outputs[^2] - correction;
    }
}
