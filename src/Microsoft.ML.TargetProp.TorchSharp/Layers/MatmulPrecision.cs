using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// The number format of the layers' matrix products while training. Weights θ and λ, their gradients, Adam's moments,
/// activations h_l and every loss stay float32 in both; only the operands of each product are rounded.
/// </summary>
public enum MatmulPrecision
{
    /// <summary>float32 products (the default; what every published result here used unless it says otherwise).</summary>
    Float32,

    /// <summary>
    /// bfloat16 operands (8 bits of mantissa), float32 accumulation inside libtorch's GEMM, the product returned as
    /// float32: about 3× the float32 speed on the large CIFAR-LC layers of a CPU with AVX-512 BF16, nothing on small ones
    /// (docs/performance.md).
    /// </summary>
    BFloat16,
}

/// <summary>Matrix products at a <see cref="MatmulPrecision"/>; autograd carries float32 gradients back through the casts.</summary>
internal static class PrecisionMath
{
    /// <summary><paramref name="t"/> as an operand of a product at <paramref name="precision"/>: a bfloat16 copy, or an alias.</summary>
    public static Tensor Operand(Tensor t, MatmulPrecision precision) =>
        precision == MatmulPrecision.BFloat16 && t.dtype != ScalarType.BFloat16 ? t.to(ScalarType.BFloat16) : t.alias();

    /// <summary>A bfloat16 product as float32 (disposing <paramref name="t"/>); any other tensor (float32, or float64 in tests) itself.</summary>
    public static Tensor Widen(Tensor t)
    {
        if (t.dtype != ScalarType.BFloat16) return t;
        using (t) return t.to(ScalarType.Float32);
    }

    /// <summary><paramref name="a"/> · <paramref name="b"/> (<c>matmul</c>'s broadcasting) at <paramref name="precision"/>, as float32.</summary>
    public static Tensor Matmul(Tensor a, Tensor b, MatmulPrecision precision)
    {
        if (precision == MatmulPrecision.Float32) return a.matmul(b);
        using var a16 = Operand(a, precision);
        using var b16 = Operand(b, precision);
        return Widen(a16.matmul(b16));
    }
}
