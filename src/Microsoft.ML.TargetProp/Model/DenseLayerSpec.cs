using System;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>A fully-connected layer h_l = φ(W_l h_{l-1} + b_l) with <paramref name="Units"/> outputs ("FC 256" in Table 3).</summary>
/// <param name="Units">Number of output units.</param>
public sealed record DenseLayerSpec(int Units) : LayerSpec
{
    /// <inheritdoc />
    public override ImageShape OutputShape(ImageShape input) => ImageShape.Flat(Units);

    /// <inheritdoc />
    public override string ToString() => $"fc({Units})";
}
