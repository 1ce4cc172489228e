using System;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>
/// Trained weights of one layer in the training engine's layout: fully-connected W is [out, in]; locally-connected W is
/// [L, C·k·k, O] (one C·k·k × O matrix per output location) with bias [O, H', W'].
/// </summary>
/// <param name="Weight">W_l, flattened row-major.</param>
/// <param name="Bias">b_l, flattened row-major.</param>
public sealed record LayerParameters(float[] Weight, float[] Bias)
{
    /// <summary>Number of trainable values.</summary>
    public long Count => (long)Weight.Length + Bias.Length;
}
