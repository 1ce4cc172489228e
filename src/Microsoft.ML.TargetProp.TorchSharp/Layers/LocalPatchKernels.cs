using System;
using System.Threading.Tasks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// Managed patch gather and scatter of a locally-connected layer for contiguous float32 CPU tensors where autograd does
/// not need to see them: x [N, C, H, W] → patches [L, N, C·k·k] (zero-padded receptive fields, unfold's C-then-k×k
/// order), and its adjoint, patches → Σ into [N, C, H, W]. libtorch runs the same gather as a generic 6-D strided copy
/// and the scatter as fold; on MNIST-LC's second layer those take 5.5 and 8 ms against 1.8 ms for the batched matmul
/// between them (docs/performance.md). Both loops parallelise over examples n, so each output element is written by
/// one thread in a fixed order: results do not depend on the thread count, and the gather is bit-identical to unfold.
/// </summary>
internal static unsafe class LocalPatchKernels
{
    /// <summary>True when <paramref name="t"/> can go through these kernels: a float32 CPU tensor that autograd need not track.</summary>
    public static bool Applies(Tensor t) => Enabled && TensorMemory.IsCpuFloat32(t) && !(t.requires_grad && is_grad_enabled());

    /// <summary>True (default) to use the kernels where they apply; false sends every gather and scatter to libtorch (for <c>tpnet bench</c>'s comparison).</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>The patches [L, N, C·k·k] of <paramref name="input"/> [N, C, H, W] (any strides) for <paramref name="g"/>.</summary>
    public static Tensor Gather(Tensor input, LocalGeometry g)
    {
        using var x = input.is_contiguous() ? input.alias() : input.contiguous();
        int n = (int)x.shape[0], c = g.Input.Channels, h = g.Input.Height, w = g.Input.Width;
        int k = g.Spec.Kernel, s = g.Spec.Stride, ho = g.Output.Height, wo = g.Output.Width, patch = g.PatchSize;
        var patches = empty(new long[] { g.Locations, n, patch });
        nint src = (nint)TensorMemory.Float32(x), dst = (nint)TensorMemory.Float32(patches);
        int padTop = g.PadTop, padLeft = g.PadLeft;
        For(n, example =>
        {
            float* image = (float*)src + (long)example * c * h * w;
            for (int oy = 0; oy < ho; oy++)
            for (int ox = 0; ox < wo; ox++)
            {
                float* o = (float*)dst + ((long)(oy * wo + ox) * n + example) * patch;
                int y0 = oy * s - padTop, x0 = ox * s - padLeft;
                int kyLo = Math.Max(0, -y0), kyHi = Math.Min(k, h - y0), kxLo = Math.Max(0, -x0), kxHi = Math.Min(k, w - x0);
                for (int ch = 0; ch < c; ch++)
                {
                    float* plane = image + (long)ch * h * w;
                    for (int ky = 0; ky < k; ky++, o += k)
                    {
                        if (ky < kyLo || ky >= kyHi) { for (int kx = 0; kx < k; kx++) o[kx] = 0f; continue; }
                        float* row = plane + (long)(y0 + ky) * w + x0;
                        int kx2 = 0;
                        for (; kx2 < kxLo; kx2++) o[kx2] = 0f;
                        for (; kx2 < kxHi; kx2++) o[kx2] = row[kx2];
                        for (; kx2 < k; kx2++) o[kx2] = 0f;
                    }
                }
            }
        });
        return patches;
    }

    /// <summary>The adjoint of <see cref="Gather"/>: every patch value of <paramref name="input"/> [L, N, C·k·k] summed into its input position, [N, C, H, W].</summary>
    public static Tensor Scatter(Tensor input, LocalGeometry g)
    {
        using var patches = input.is_contiguous() ? input.alias() : input.contiguous();
        int n = (int)patches.shape[1], c = g.Input.Channels, h = g.Input.Height, w = g.Input.Width;
        int k = g.Spec.Kernel, s = g.Spec.Stride, ho = g.Output.Height, wo = g.Output.Width, patch = g.PatchSize;
        var x = zeros(new long[] { n, c, h, w });
        nint src = (nint)TensorMemory.Float32(patches), dst = (nint)TensorMemory.Float32(x);
        int padTop = g.PadTop, padLeft = g.PadLeft;
        For(n, example =>
        {
            float* image = (float*)dst + (long)example * c * h * w;
            for (int oy = 0; oy < ho; oy++)
            for (int ox = 0; ox < wo; ox++)
            {
                float* p = (float*)src + ((long)(oy * wo + ox) * n + example) * patch;
                int y0 = oy * s - padTop, x0 = ox * s - padLeft;
                int kyLo = Math.Max(0, -y0), kyHi = Math.Min(k, h - y0), kxLo = Math.Max(0, -x0), kxHi = Math.Min(k, w - x0);
                for (int ch = 0; ch < c; ch++, p += k * k)
                {
                    float* plane = image + (long)ch * h * w;
                    for (int ky = kyLo; ky < kyHi; ky++)
                    {
                        float* row = plane + (long)(y0 + ky) * w + x0;
                        float* q = p + ky * k;
                        for (int kx = kxLo; kx < kxHi; kx++) row[kx] += q[kx];
                    }
                }
            }
        });
        return x;
    }

    private static void For(int examples, Action<int> body)
    {
        int threads = Math.Max(1, get_num_threads());
        if (threads == 1 || examples == 1) { for (int i = 0; i < examples; i++) body(i); return; }
        Parallel.For(0, examples, new ParallelOptions { MaxDegreeOfParallelism = threads }, body);
    }
}
