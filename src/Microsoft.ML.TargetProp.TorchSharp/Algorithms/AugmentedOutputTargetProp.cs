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
public sealed class AugmentedOutputTargetProp : SimplifiedTargetProp
{
    private readonly Tensor _projection;

    /// <summary>Creates AO-SDTP with <paramref name="auxiliaryUnits"/> random features, inverse noise σ and hybrid weight a.</summary>
    public AugmentedOutputTargetProp(TargetPropNetwork network, int auxiliaryUnits, double sigma, Generator? generator, double bpMix = 0)
        : base(Descriptor, network, sigma, generator, bpMix, outputExtraInputs: CheckedUnits(auxiliaryUnits))
    {
        AuxiliaryUnits = auxiliaryUnits;
        int size = network.Layers[^1].InputShape.Size;
        _projection = GlorotInit.Uniform(new long[] { size, Math.Max(auxiliaryUnits, 1) }, size, Math.Max(auxiliaryUnits, 1), generator, network.Layers[^1].Weight.device);
        register_buffer("projection", _projection);
    }

    private static int CheckedUnits(int units) =>
        units >= 0 ? units : throw new ArgumentOutOfRangeException("auxiliaryUnits", $"AuxiliaryUnits must be ≥ 0; got {units}.");

    /// <summary>k, the size of the auxiliary output z.</summary>
    public int AuxiliaryUnits { get; }

    /// <summary>AO-SDTP in the <see cref="AlgorithmRegistry"/> (Table 5 has no AO-SDTP column: it reads SDTP's).</summary>
    public static new AlgorithmDescriptor Descriptor { get; } = new(nameof(AlgorithmKind.AugmentedOutputTargetProp), "ao-sdtp", "AO-SDTP",
        c => new AugmentedOutputTargetProp(c.Network, c.HyperParameters.AuxiliaryUnits, c.HyperParameters.Sigma, c.Generator, c.HyperParameters.BpMix) { RelativeSigma = c.RelativeSigma })
    {
        Table5Column = AlgorithmKind.SimplifiedTargetProp,
        HasInverses = true,
        Summary = "SDTP with an augmented output (Bartunov et al. 2018, Algorithm 2)",
    };

    /// <summary>[o, z] with z = tanh(R h_{L-1}); o alone when k = 0.</summary>
    protected override Tensor InverseInput(Tensor output, Tensor penultimate)
    {
        if (AuxiliaryUnits == 0) return output.alias();
        using var flat = penultimate.flatten(1);
        using var a = flat.mm(_projection);
        using var z = a.tanh();
        return cat(new[] { output, z }, 1);
    }
}
