using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>
/// The hidden layers f_1 … f_{L-1} of a classifier; the output layer f_L (softmax over the classes) is added when the
/// network is built for a number of classes. Written as a compact string, e.g. <c>"lc(3x3,32,2) lc(3x3,64,2) fc(1024)"</c>
/// for Table 3's MNIST locally-connected network.
/// </summary>
public sealed class NetworkSpec : IEquatable<NetworkSpec>
{
    /// <summary>Creates a specification from hidden layers and their nonlinearity φ.</summary>
    public NetworkSpec(IEnumerable<LayerSpec> hiddenLayers, Activation activation = Activation.Tanh)
    {
        ArgumentNullException.ThrowIfNull(hiddenLayers);
        HiddenLayers = hiddenLayers.ToArray();
        Activation = activation;
        foreach (var layer in HiddenLayers)
        {
            switch (layer)
            {
                case DenseLayerSpec d when d.Units <= 0:
                    throw new ArgumentOutOfRangeException(nameof(hiddenLayers), $"Layer {d}: units must be positive.");
                case LocallyConnectedLayerSpec lc when lc.Kernel <= 0 || lc.Channels <= 0 || lc.Stride <= 0:
                    throw new ArgumentOutOfRangeException(nameof(hiddenLayers), $"Layer {lc}: kernel, channels and stride must be positive.");
            }
        }
    }

    /// <summary>Hidden layers f_1 … f_{L-1}, input side first.</summary>
    public IReadOnlyList<LayerSpec> HiddenLayers { get; }

    /// <summary>Nonlinearity φ of the hidden layers (tanh in the paper).</summary>
    public Activation Activation { get; }

    /// <summary>True when any layer is locally-connected, so the input must have an image shape.</summary>
    public bool NeedsImageShape => HiddenLayers.Any(l => l is LocallyConnectedLayerSpec);

    /// <summary>True when a layer is a convolution (shared weights): such a network trains with BP or FA only and is saved untied.</summary>
    public bool HasSharedWeights => HiddenLayers.Any(l => l is LocallyConnectedLayerSpec { SharedWeights: true });

    /// <summary>This network with every convolution replaced by the locally-connected layer of the same geometry (how it is saved).</summary>
    public NetworkSpec Untied => new(HiddenLayers.Select(l => l is LocallyConnectedLayerSpec lc ? lc.Untied : l), Activation);

    /// <summary>Starts a fluent builder.</summary>
    public static NetworkSpecBuilder Builder() => new();

    /// <summary>
    /// Parses a spec string: layers separated by spaces or commas, each <c>fc(UNITS)</c> (or <c>fcUNITS</c>) or
    /// <c>lc(KxK,CHANNELS[,STRIDE])</c>; an optional trailing <c>relu</c> or <c>tanh</c> sets φ. A preset name
    /// (<see cref="NetworkPresets"/>) is accepted too. Errors name the position in the string.
    /// </summary>
    public static NetworkSpec Parse(string spec) => NetworkSpecParser.Parse(spec);

    /// <summary>Shapes of h_0 (the input) through h_{L-1}; throws when a layer does not fit its input.</summary>
    public IReadOnlyList<ImageShape> Shapes(ImageShape input)
    {
        input.Validate(nameof(input));
        var shapes = new List<ImageShape> { input };
        foreach (var layer in HiddenLayers)
            shapes.Add(layer.OutputShape(shapes[^1]));
        return shapes;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        string layers = string.Join(" ", HiddenLayers.Select(l => l.ToString()));
        return Activation == Activation.Tanh ? layers : $"{layers} {Activation.ToString().ToLowerInvariant()}";
    }

    /// <inheritdoc />
    public bool Equals(NetworkSpec? other) => other is not null && Activation == other.Activation && HiddenLayers.SequenceEqual(other.HiddenLayers);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NetworkSpec);

    /// <inheritdoc />
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
