using System;
using System.Linq;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>
/// A trained autoencoder (section 5.5): a network whose linear output reconstructs its input, and which hidden layer's
/// activity h_c is the code (by default the narrowest, e.g. the 64 units of 784-512-64-512-784).
/// </summary>
public sealed class AutoencoderModelParameters
{
    /// <summary>Wraps <paramref name="network"/>; <paramref name="codeLayer"/> is a 0-based hidden layer index (null: the narrowest hidden layer).</summary>
    public AutoencoderModelParameters(TargetPropModelParameters network, int? codeLayer = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        int hidden = network.Network.HiddenLayers.Count;
        if (network.Classes != network.InputShape.Size)
            throw new ArgumentException($"An autoencoder reconstructs its input: its output has {network.Classes} units but the input has {network.InputShape.Size} ({network.InputShape}).", nameof(network));
        if (hidden == 0)
            throw new ArgumentException($"An autoencoder needs at least one hidden layer for its code; '{network.Network}' has none.", nameof(network));
        var shapes = network.LayerInputShapes;
        int layer = codeLayer ?? Enumerable.Range(0, hidden).MinBy(i => shapes[i + 1].Size);
        if (layer < 0 || layer >= hidden)
            throw new ArgumentOutOfRangeException(nameof(codeLayer), $"The code layer must be a hidden layer index in [0, {hidden - 1}] of '{network.Network}'; got {layer}.");
        Network = network;
        CodeLayer = layer;
        CodeSize = shapes[layer + 1].Size;
    }

    /// <summary>The network: hidden layers with σ, then a linear output of <see cref="ImageShape.Size"/> units reconstructing the input.</summary>
    public TargetPropModelParameters Network { get; }

    /// <summary>0-based index of the hidden layer whose output h is the code.</summary>
    public int CodeLayer { get; }

    /// <summary>Number of code units.</summary>
    public int CodeSize { get; }

    /// <summary>When training diverged (NaN/Inf), what happened; null otherwise. In memory only, like <see cref="TargetPropModelParameters.Divergence"/>.</summary>
    public string? Divergence => Network.Divergence;

    /// <summary>Shape of one input (and reconstruction).</summary>
    public ImageShape InputShape => Network.InputShape;
}
