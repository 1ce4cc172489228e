using TorchSharp;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// Rooted scalar constants. An implicitly converted <see cref="Scalar"/> can be finalized by the GC while native code
/// still reads it (TorchSharp 0.107 does not keep it alive), so hot paths use these or a <c>using</c>-scoped Scalar.
/// That includes the overloads without an alpha: TorchSharp's <c>add_(Scalar)</c>, <c>add(Tensor)</c>, <c>add_(Tensor)</c>
/// … call the two-argument overload with an implicit alpha of 1, so ours pass <see cref="One"/> as alpha explicitly.
/// Seen as libtorch's <c>Scalar::toFloat</c> assertion inside <c>add_</c> in a long sweep (docs/reliability.md).
/// </summary>
/// <remarks>Targets TorchSharp 0.107: listed with the other workarounds in docs/architecture.md, "TorchSharp 0.107 workarounds".</remarks>
internal static class TorchScalars
{
    /// <summary>1.</summary>
    public static readonly Scalar One = 1.0.ToScalar();

    /// <summary>1 as an integer, the alpha for integral tensors (libtorch rejects a floating-point alpha there).</summary>
    public static readonly Scalar IntegerOne = 1L.ToScalar();
}
