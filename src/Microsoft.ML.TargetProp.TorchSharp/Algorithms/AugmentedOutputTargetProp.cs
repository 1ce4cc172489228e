using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// AO-SDTP (Algorithm 2): the output is augmented to h_L = [o, z] with z = tanh(R h_{L-1}) an untrained random-feature
/// output of k units (R fixed, Glorot-random). ĥ_{L-1} = h_{L-1} − g_L(o, z) + g_L(ô, z) with ô the one-hot label (the input for an autoencoder), so
/// the penultimate target carries the example-specific information of z.
/// </summary>
public sealed class AugmentedOutputTargetProp : TargetPropagation
{
    private readonly Tensor _projection;

    /// <summary>Creates AO-SDTP with <paramref name="auxiliaryUnits"/> random features, inverse noise σ and hybrid weight a.</summary>
    public AugmentedOutputTargetProp(TargetPropNetwork network, int auxiliaryUnits, double sigma, Generator? generator, double bpMix = 0)
        : base(nameof(AugmentedOutputTargetProp), network, sigma, bpMix, generator, lastInverse: network.Layers.Count - 1, outputExtraInputs: auxiliaryUnits)
    {
        if (auxiliaryUnits < 0) throw new ArgumentOutOfRangeException(nameof(auxiliaryUnits), $"AuxiliaryUnits must be ≥ 0; got {auxiliaryUnits}.");
        AuxiliaryUnits = auxiliaryUnits;
        int size = network.Layers[^1].InputShape.Size;
        _projection = GlorotInit.Uniform(new long[] { size, Math.Max(auxiliaryUnits, 1) }, size, Math.Max(auxiliaryUnits, 1), generator, network.Layers[^1].Weight.device);
        register_buffer("projection", _projection);
    }

    /// <summary>k, the size of the auxiliary output z.</summary>
    public int AuxiliaryUnits { get; }

    /// <inheritdoc />
    public override AlgorithmKind Kind => AlgorithmKind.AugmentedOutputTargetProp;

    /// <inheritdoc />
    protected override bool NoisePreserving => false;

    /// <summary>z = tanh(R h_{L-1}).</summary>
    private Tensor Auxiliary(Tensor penultimate)
    {
        using var flat = penultimate.flatten(1);
        using var a = flat.mm(_projection);
        return a.tanh();
    }

    /// <inheritdoc />
    protected override Tensor OutputCode(Tensor logits, Tensor penultimate)
    {
        using var p = OutputCode(logits);
        return Code(p, penultimate);
    }

    private Tensor Code(Tensor o, Tensor penultimate)
    {
        if (AuxiliaryUnits == 0) return o.alias();
        using var z = Auxiliary(penultimate);
        return cat(new[] { o, z }, 1);
    }

    /// <inheritdoc />
    protected override Tensor PenultimateTarget(ForwardPass pass, Tensor labels)
    {
        var penultimate = pass.Outputs[^2];
        Tensor? bp = BpMix > 0 ? OutputGradient(pass, labels) : null;
        Tensor? tp = null;
        if (BpMix < 1)
        {
            var g = Inverse(Network.Layers.Count - 1)!;
            using var p = OutputCode(pass.Logits);
            using var y = OptimalOutput(labels);
            using var cp = Code(p, penultimate);
            using var cy = Code(y, penultimate);
            using var gp = g.forward(cp);
            using var gy = g.forward(cy);
            tp = gp - gy;
        }
        using var correction = Mix(bp, tp);
        return penultimate - correction;
    }
}
