using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Simplified difference target propagation: ĥ_L is the correct label distribution (one-hot; for an autoencoder the
/// input itself) and ĥ_{L-1} = h_{L-1} − g_L(h_L) + g_L(ĥ_L), with h_L = softmax(a_L) (the linear output for an
/// autoencoder); no gradient crosses layers. Inverses g_2 … g_L are trained de-noising. What g_L reads for an output
/// is <see cref="InverseInput"/>: the output itself here, the output with an auxiliary code in AO-SDTP.
/// </summary>
public class SimplifiedTargetProp : TargetPropagation
{
    /// <summary>Creates SDTP with inverse noise σ and hybrid weight a (0 = pure SDTP).</summary>
    public SimplifiedTargetProp(TargetPropNetwork network, double sigma, Generator? generator, double bpMix = 0)
        : this(Descriptor, network, sigma, generator, bpMix, outputExtraInputs: 0)
    {
    }

    /// <summary>For variants whose g_L reads <paramref name="outputExtraInputs"/> more units than the output (AO-SDTP).</summary>
    protected SimplifiedTargetProp(AlgorithmDescriptor rule, TargetPropNetwork network, double sigma, Generator? generator, double bpMix, int outputExtraInputs)
        : base(rule, network, sigma, bpMix, generator, lastInverse: network.Layers.Count - 1, outputExtraInputs: outputExtraInputs)
    {
    }

    /// <summary>SDTP in the <see cref="AlgorithmRegistry"/>.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new(nameof(AlgorithmKind.SimplifiedTargetProp), "sdtp", "SDTP",
        c => new SimplifiedTargetProp(c.Network, c.HyperParameters.Sigma, c.Generator, c.HyperParameters.BpMix) { RelativeSigma = c.RelativeSigma })
    {
        Table5Column = AlgorithmKind.SimplifiedTargetProp,
        HasInverses = true,
        Summary = "simplified difference target propagation (Bartunov et al. 2018)",
    };

    /// <inheritdoc />
    protected override bool NoisePreserving => false;

    /// <summary>What g_L reads for the output code <paramref name="output"/> (softmax, or the one-hot target) of penultimate activity <paramref name="penultimate"/>.</summary>
    protected virtual Tensor InverseInput(Tensor output, Tensor penultimate) => output.alias();

    /// <inheritdoc />
    protected override Tensor OutputCode(Tensor logits, Tensor penultimate)
    {
        using var p = OutputCode(logits);
        return InverseInput(p, penultimate);
    }

    /// <inheritdoc />
    protected override long PenultimateTargetMultiplyAdds() =>
        (BpMix > 0 ? Network.Layers[^1].MultiplyAdds : 0) + (BpMix < 1 ? 2 * Inverse(Network.Layers.Count - 1)!.MultiplyAdds : 0);

    /// <inheritdoc />
    protected override Tensor PenultimateTarget(ForwardPass pass, Tensor taskTargets)
    {
        var penultimate = pass.Outputs[^2];
        Tensor? bp = BpMix > 0 ? OutputGradient(pass, taskTargets) : null;
        Tensor? tp = null;
        if (BpMix < 1)
        {
            var g = Inverse(Network.Layers.Count - 1)!;
            using var p = OutputCode(pass.Output, penultimate);
            using var y = OptimalOutput(taskTargets);
            using var cy = InverseInput(y, penultimate);
            using var gp = g.forward(p);
            using var gy = g.forward(cy);
            tp = gp - gy;
        }
        using var correction = Mix(bp, tp);
        return penultimate - correction;
    }
}
