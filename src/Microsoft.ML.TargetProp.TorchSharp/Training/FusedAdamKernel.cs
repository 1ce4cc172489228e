using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// One Adam step over contiguous float32 CPU memory in a single pass: each element reads g, m, v, θ once and writes
/// m, v, θ once, where libtorch's in-place ops make about eight passes (mul_, add_, mul_, addcmul_, sqrt, div_, add_,
/// addcdiv_) over tensors that do not fit in cache. On CIFAR-LC (≈ 33 million weights) the optimizer was a quarter of
/// a BP step (docs/performance.md); the update is memory-bound, so fewer passes is what makes it faster.
/// </summary>
/// <remarks>
/// Per element: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; θ ← θ + s·m / (√v·a + ϵ), with s the negative step size
/// and a = 1/√(1−β2ᵗ) (PyTorch's ϵ) or 1 (TensorFlow's ϵ̂). Every element is computed by the same sequence of
/// operations whatever the chunk, vector width or thread it lands on, so the result does not depend on the thread count.
/// </remarks>
internal static unsafe class FusedAdamKernel
{
    /// <summary>Elements per parallel chunk (three 256 KiB streams in, three out).</summary>
    internal const int ChunkElements = 1 << 16;

    /// <summary>The coefficients of one step.</summary>
    internal readonly record struct Coefficients(float Beta1, float Beta2, float NegativeStep, float SqrtScale, float Epsilon);

    /// <summary>Updates <paramref name="count"/> elements at θ, m, v from g, on up to <paramref name="threads"/> threads.</summary>
    public static void Step(float* theta, float* grad, float* m, float* v, long count, in Coefficients c, int threads)
    {
        long chunks = (count + ChunkElements - 1) / ChunkElements;
        if (chunks <= 1 || threads <= 1)
        {
            Range(theta, grad, m, v, 0, count, c);
            return;
        }
        var k = c;
        nint t = (nint)theta, g = (nint)grad, mm = (nint)m, vv = (nint)v;
        Parallel.For(0L, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
        {
            long start = chunk * ChunkElements;
            long end = Math.Min(count, start + ChunkElements);
            Range((float*)t, (float*)g, (float*)mm, (float*)vv, start, end, k);
        });
    }

    private static void Range(float* theta, float* grad, float* m, float* v, long start, long end, in Coefficients c)
    {
        long i = start;
        if (Vector512.IsHardwareAccelerated)
        {
            var b1 = Vector512.Create(c.Beta1); var a1 = Vector512.Create(1 - c.Beta1);
            var b2 = Vector512.Create(c.Beta2); var a2 = Vector512.Create(1 - c.Beta2);
            var s = Vector512.Create(c.NegativeStep); var q = Vector512.Create(c.SqrtScale); var e = Vector512.Create(c.Epsilon);
            for (; i + Vector512<float>.Count <= end; i += Vector512<float>.Count)
            {
                var gi = Vector512.Load(grad + i);
                var mi = b1 * Vector512.Load(m + i) + a1 * gi;
                var vi = b2 * Vector512.Load(v + i) + a2 * (gi * gi);
                mi.Store(m + i);
                vi.Store(v + i);
                var step = s * mi / (Vector512.Sqrt(vi) * q + e);
                (Vector512.Load(theta + i) + step).Store(theta + i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var b1 = Vector256.Create(c.Beta1); var a1 = Vector256.Create(1 - c.Beta1);
            var b2 = Vector256.Create(c.Beta2); var a2 = Vector256.Create(1 - c.Beta2);
            var s = Vector256.Create(c.NegativeStep); var q = Vector256.Create(c.SqrtScale); var e = Vector256.Create(c.Epsilon);
            for (; i + Vector256<float>.Count <= end; i += Vector256<float>.Count)
            {
                var gi = Vector256.Load(grad + i);
                var mi = b1 * Vector256.Load(m + i) + a1 * gi;
                var vi = b2 * Vector256.Load(v + i) + a2 * (gi * gi);
                mi.Store(m + i);
                vi.Store(v + i);
                var step = s * mi / (Vector256.Sqrt(vi) * q + e);
                (Vector256.Load(theta + i) + step).Store(theta + i);
            }
        }
        for (; i < end; i++) Scalar(theta + i, grad[i], m + i, v + i, c);
    }

    /// <summary>The same operations as one vector lane, in the same order (no fused multiply-adds in either path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scalar(float* theta, float g, float* m, float* v, in Coefficients c)
    {
        float mi = c.Beta1 * *m + (1 - c.Beta1) * g;
        float vi = c.Beta2 * *v + (1 - c.Beta2) * (g * g);
        *m = mi;
        *v = vi;
        *theta += c.NegativeStep * mi / (MathF.Sqrt(vi) * c.SqrtScale + c.Epsilon);
    }
}
