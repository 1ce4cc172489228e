using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Difference target propagation (Lee et al. 2015): ĥ_{L-1} = h_{L-1} − α ∂ℓ/∂h_{L-1} (a gradient step through the
/// output layer only), difference-corrected lower targets, and noise-preserving inverses g_2 … g_{L-1}.
/// </summary>
public sealed class DifferenceTargetProp : TargetPropagation
{
    /// <summary>Creates DTP with target step α, inverse noise σ and hybrid weight a (0 = pure DTP).</summary>
    public DifferenceTargetProp(TargetPropNetwork network, double alpha, double sigma, Generator? generator, double bpMix = 0)
        : base(Descriptor, network, sigma, bpMix, generator, lastInverse: network.Layers.Count - 2)
    {
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), $"Alpha must be > 0; got {alpha}.");
        Alpha = alpha;
    }

    /// <summary>α, the step of the penultimate target.</summary>
    public double Alpha { get; }

    /// <summary>DTP in the <see cref="AlgorithmRegistry"/>.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new(nameof(AlgorithmKind.DifferenceTargetProp), "dtp", "DTP",
        c => new DifferenceTargetProp(c.Network, c.HyperParameters.Alpha, c.HyperParameters.Sigma, c.Generator, c.HyperParameters.BpMix) { RelativeSigma = c.RelativeSigma })
    {
        Table5Column = AlgorithmKind.DifferenceTargetProp,
        HasInverses = true,
        ReadsAlpha = true,
        Summary = "difference target propagation (Lee et al. 2015)",
    };

    /// <inheritdoc />
    protected override bool NoisePreserving => true;

    /// <inheritdoc />
    protected override long PenultimateTargetMultiplyAdds() => Network.Layers[^1].MultiplyAdds;   // W_Lᵀ e

    /// <inheritdoc />
    protected override Tensor PenultimateTarget(ForwardPass pass, Tensor taskTargets)
    {
        using var gradient = OutputGradient(pass, taskTargets);
        using var minusAlpha = (-Alpha).ToScalar();
        return pass.Outputs[^2].add(gradient, minusAlpha);
    }
}
