using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using X86 = System.Runtime.Intrinsics.X86;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>
/// Dot products of one weight row with four input rows at once: each weight vector is loaded once for four FMAs,
/// which halves memory traffic against four separate dots and keeps a weight row in L1 across a block of examples.
/// Uses 256-bit vectors where they are accelerated (x64 with AVX2), else 128-bit vectors (ARM64 NEON, older x64), else
/// scalar code; Dot4 and Dot1 always take the same path, so single and batched scoring agree
/// bit for bit.
/// </summary>
internal static class DotKernels
{
    /// <summary>The vector width a kernel runs with.</summary>
    internal enum Path
    {
        /// <summary>Vector256 with FMA where available.</summary>
        Vector256,

        /// <summary>Vector128 with FMA where available (x86 FMA3 or ARM64 AdvSimd).</summary>
        Vector128,

        /// <summary>Plain scalar loop.</summary>
        Scalar,
    }

    /// <summary>The widest path this machine accelerates.</summary>
    internal static readonly Path Preferred =
        Vector256.IsHardwareAccelerated ? Path.Vector256 : Vector128.IsHardwareAccelerated ? Path.Vector128 : Path.Scalar;

    /// <summary>Writes ⟨w, x_r⟩ for the four rows starting at <paramref name="x"/>[0], stride <paramref name="stride"/>, into <paramref name="result"/>.</summary>
    public static void Dot4(ReadOnlySpan<float> w, ReadOnlySpan<float> x, int stride, Span<float> result) => Dot4(w, x, stride, result, Preferred);

    /// <summary>⟨w, x⟩ with exactly the arithmetic of one row of <see cref="Dot4(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float})"/>.</summary>
    public static float Dot1(ReadOnlySpan<float> w, ReadOnlySpan<float> x) => Dot1(w, x, Preferred);

    /// <summary><see cref="Dot4(ReadOnlySpan{float}, ReadOnlySpan{float}, int, Span{float})"/> on an explicit <paramref name="path"/> (tests run every path on any machine).</summary>
    internal static void Dot4(ReadOnlySpan<float> w, ReadOnlySpan<float> x, int stride, Span<float> result, Path path)
    {
        int n = w.Length;
        if (x.Length < 3 * stride + n || result.Length < 4) throw new ArgumentException("Dot4 needs four input rows and four results.");
        ref float rw = ref MemoryMarshal.GetReference(w);
        ref float r0 = ref MemoryMarshal.GetReference(x);
        ref float r1 = ref Unsafe.Add(ref r0, stride);
        ref float r2 = ref Unsafe.Add(ref r0, 2 * stride);
        ref float r3 = ref Unsafe.Add(ref r0, 3 * stride);
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        if (path == Path.Vector256 && n >= 8)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 8; i += 8)
            {
                var wv = Vector256.LoadUnsafe(ref rw, (nuint)i);
                a0 = Fma(wv, Vector256.LoadUnsafe(ref r0, (nuint)i), a0);
                a1 = Fma(wv, Vector256.LoadUnsafe(ref r1, (nuint)i), a1);
                a2 = Fma(wv, Vector256.LoadUnsafe(ref r2, (nuint)i), a2);
                a3 = Fma(wv, Vector256.LoadUnsafe(ref r3, (nuint)i), a3);
            }
            s0 = Vector256.Sum(a0);
            s1 = Vector256.Sum(a1);
            s2 = Vector256.Sum(a2);
            s3 = Vector256.Sum(a3);
        }
        else if (path == Path.Vector128 && n >= 4)
        {
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 4; i += 4)
            {
                var wv = Vector128.LoadUnsafe(ref rw, (nuint)i);
                a0 = Fma(wv, Vector128.LoadUnsafe(ref r0, (nuint)i), a0);
                a1 = Fma(wv, Vector128.LoadUnsafe(ref r1, (nuint)i), a1);
                a2 = Fma(wv, Vector128.LoadUnsafe(ref r2, (nuint)i), a2);
                a3 = Fma(wv, Vector128.LoadUnsafe(ref r3, (nuint)i), a3);
            }
            s0 = Vector128.Sum(a0);
            s1 = Vector128.Sum(a1);
            s2 = Vector128.Sum(a2);
            s3 = Vector128.Sum(a3);
        }
        for (; i < n; i++)
        {
            float wi = Unsafe.Add(ref rw, i);
            s0 += wi * Unsafe.Add(ref r0, i);
            s1 += wi * Unsafe.Add(ref r1, i);
            s2 += wi * Unsafe.Add(ref r2, i);
            s3 += wi * Unsafe.Add(ref r3, i);
        }
        result[0] = s0;
        result[1] = s1;
        result[2] = s2;
        result[3] = s3;
    }

    /// <summary><see cref="Dot1(ReadOnlySpan{float}, ReadOnlySpan{float})"/> on an explicit <paramref name="path"/>.</summary>
    internal static float Dot1(ReadOnlySpan<float> w, ReadOnlySpan<float> x, Path path)
    {
        int n = w.Length;
        if (x.Length < n) throw new ArgumentException("Dot1 needs an input as long as the weights.");
        ref float rw = ref MemoryMarshal.GetReference(w);
        ref float r0 = ref MemoryMarshal.GetReference(x);
        float s0 = 0;
        int i = 0;
        if (path == Path.Vector256 && n >= 8)
        {
            Vector256<float> a0 = default;
            for (; i <= n - 8; i += 8)
                a0 = Fma(Vector256.LoadUnsafe(ref rw, (nuint)i), Vector256.LoadUnsafe(ref r0, (nuint)i), a0);
            s0 = Vector256.Sum(a0);
        }
        else if (path == Path.Vector128 && n >= 4)
        {
            Vector128<float> a0 = default;
            for (; i <= n - 4; i += 4)
                a0 = Fma(Vector128.LoadUnsafe(ref rw, (nuint)i), Vector128.LoadUnsafe(ref r0, (nuint)i), a0);
            s0 = Vector128.Sum(a0);
        }
        for (; i < n; i++) s0 += Unsafe.Add(ref rw, i) * Unsafe.Add(ref r0, i);
        return s0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        X86.Fma.IsSupported ? X86.Fma.MultiplyAdd(a, b, c) : c + a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        X86.Fma.IsSupported ? X86.Fma.MultiplyAdd(a, b, c)
        : AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(c, a, b)
        : c + a * b;

    /// <summary>y[r, o] = ⟨W_o, x_r⟩ + b_o for <paramref name="rows"/> rows: W is [outputs, n] row-major, x is [rows, n], y is [rows, yStride] at column offset.</summary>
    public static void MatMulTransposed(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outputs, int n,
        ReadOnlySpan<float> x, int rows, Span<float> y, int yStride, int yOffset, int yOutputStride)
    {
        Span<float> four = stackalloc float[4];
        for (int o = 0; o < outputs; o++)
        {
            var w = weight.Slice(o * n, n);
            float b = bias[o];
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                Dot4(w, x.Slice(r * n), n, four);
                for (int k = 0; k < 4; k++) y[(r + k) * yStride + yOffset + o * yOutputStride] = four[k] + b;
            }
            for (; r < rows; r++)
                y[r * yStride + yOffset + o * yOutputStride] = Dot1(w, x.Slice(r * n, n)) + b;
        }
    }
}
