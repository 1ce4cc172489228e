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
        : base(nameof(AugmentedOutputTargetProp), network, sigma, generator, bpMix, outputExtraInputs: CheckedUnits(auxiliaryUnits))
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
    public static new AlgorithmDescriptor Descriptor { get; } = new(
        AlgorithmKind.AugmentedOutputTargetProp, "ao-sdtp", "AO-SDTP", Table5Column: AlgorithmKind.SimplifiedTargetProp, HasInverses: true,
        (network, p, generator) => new AugmentedOutputTargetProp(network, p.AuxiliaryUnits, p.Sigma, generator, p.BpMix));

    /// <inheritdoc />
    public override AlgorithmKind Kind => Descriptor.Kind;

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
