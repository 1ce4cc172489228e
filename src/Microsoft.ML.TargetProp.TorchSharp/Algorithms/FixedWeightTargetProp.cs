using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Fixed-weight difference target propagation (Shibuya et al., AAAI 2023): DTP whose feedback g_l is never trained.
/// The output target is a gradient step ĥ_L = a_L − α e, lower targets are difference-corrected,
/// ĥ_{l-1} = h_{l-1} − g_l(h_l) + g_l(ĥ_l), through fixed random inverses g_1 … g_L (g_L reads the linear output
/// a_L). It asks what the paper's trained inverses buy: no inverse loss, no σ, no λ optimizer.
/// </summary>
public sealed class FixedWeightTargetProp : TargetPropagation
{
    /// <summary>Creates FW-DTP with output step α; the inverses are drawn from <paramref name="generator"/> and stay fixed.</summary>
    public FixedWeightTargetProp(TargetPropNetwork network, double alpha, Generator? generator)
        : base(Descriptor, network, sigma: 0, bpMix: 0, generator, lastInverse: network.Layers.Count - 1)
    {
        OptionChecks.PositiveFinite(alpha, nameof(alpha));
        Alpha = alpha;
    }

    /// <summary>α, the step of the output target ĥ_L = a_L − α e.</summary>
    public double Alpha { get; }

    /// <summary>FW-DTP in the <see cref="AlgorithmRegistry"/>: no Table 5 column of its own, so it starts from DTP's (its α included).</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new("FixedWeightTargetProp", "fw-dtp", "FW-DTP",
        c => new FixedWeightTargetProp(c.Network, c.HyperParameters.Alpha, c.Generator))
    {
        Table5Column = AlgorithmKind.DifferenceTargetProp,
        ReadsAlpha = true,
        Summary = "fixed-weight difference target propagation (Shibuya et al. 2023): DTP with untrained random inverses",
    };

    /// <inheritdoc />
    protected override bool TrainsInverses => false;

    /// <inheritdoc />
    protected override bool NoisePreserving => true;

    /// <summary>g_L reads the linear output a_L.</summary>
    protected override Tensor OutputCode(Tensor logits, Tensor penultimate) => logits.alias();

    /// <inheritdoc />
    protected override long PenultimateTargetMultiplyAdds() => 2 * Inverse(Network.Layers.Count - 1)!.MultiplyAdds;   // g_L(a_L), g_L(ĥ_L)

    /// <inheritdoc />
    protected override Tensor PenultimateTarget(ForwardPass pass, Tensor taskTargets)
    {
        var g = Inverse(Network.Layers.Count - 1)!;
        using var e = OutputError(pass, taskTargets);
        using var minusAlpha = (-Alpha).ToScalar();
        using var target = pass.Output.add(e, minusAlpha);
        using var gh = g.forward(pass.Output);
        using var gt = g.forward(target);
        using var correction = gh - gt;
        return pass.Outputs[^2] - correction;
    }
}
