using TorchSharp;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// Rooted scalar constants. An implicitly converted <see cref="Scalar"/> can be finalized by the GC while native code
/// still reads it (TorchSharp 0.107 does not keep it alive), so hot paths use these or a <c>using</c>-scoped Scalar.
/// </summary>
/// <remarks>Targets TorchSharp 0.107: listed with the other workarounds in docs/architecture.md, "TorchSharp 0.107 workarounds".</remarks>
public static class TorchScalars
{
    /// <summary>1.</summary>
    public static readonly Scalar One = 1.0.ToScalar();
}
