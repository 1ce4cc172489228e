using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// Managed patch gather and scatter of a locally-connected layer for contiguous float32 CPU tensors where autograd does
/// not need to see them: x [N, C, H, W] → patches [L, N, C·k·k] (zero-padded receptive fields, unfold's C-then-k×k
/// order), and its adjoint, patches → Σ into [N, C, H, W]. libtorch runs the same gather as a generic 6-D strided copy
/// and the scatter as fold, each slower than the batched matmul between them (docs/performance.md). Both loops parallelise over examples n, so each output element is written by
/// one thread in a fixed order: results do not depend on the thread count, and the gather is bit-identical to unfold.
/// </summary>
internal static unsafe class LocalPatchKernels
{
    /// <summary>True when <paramref name="t"/> can go through these kernels: a float32 CPU tensor (one autograd tracks goes through <see cref="LocalPatchAutograd"/>).</summary>
    public static bool Applies(Tensor t) => Enabled && TensorMemory.IsCpuFloat32(t);

    /// <summary>True when autograd tracks <paramref name="t"/>, so a kernel must be applied as an autograd function.</summary>
    public static bool Tracked(Tensor t) => t.requires_grad && is_grad_enabled();

    /// <summary>True (default) to use the kernels where they apply; false sends every gather and scatter to libtorch (for <c>tpnet bench</c>'s comparison).</summary>
    internal static bool Enabled { get; set; } = true;

    /// <summary>The patches [L, N, C·k·k] of <paramref name="input"/> [N, C, H, W] (any strides) for <paramref name="g"/>.</summary>
    public static Tensor Gather(Tensor input, LocalGeometry g)
    {
        using var x = input.is_contiguous() ? input.alias() : input.contiguous();
        int n = (int)x.shape[0], c = g.Input.Channels, plane = g.Input.Height * g.Input.Width, w = g.Input.Width, k = g.Spec.Kernel;
        var patches = empty(new long[] { g.Locations, n, g.PatchSize });
        nint src = (nint)TensorMemory.Float32(x), dst = (nint)TensorMemory.Float32(patches);
        ForEachWindow(g, n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int example, int location, in LocalGeometry.Window win) =>
        {
            float* image = (float*)src + (long)example * c * plane;
            float* o = (float*)dst + ((long)location * n + example) * g.PatchSize;
            for (int ch = 0; ch < c; ch++)
            for (int ky = 0; ky < k; ky++, o += k)
            {
                if (ky < win.KyLo || ky >= win.KyHi) { for (int kx = 0; kx < k; kx++) o[kx] = 0f; continue; }
                float* row = image + (long)ch * plane + (long)(win.Y0 + ky) * w + win.X0;
                int i = 0;
                for (; i < win.KxLo; i++) o[i] = 0f;
                for (; i < win.KxHi; i++) o[i] = row[i];
                for (; i < k; i++) o[i] = 0f;
            }
        });
        return patches;
    }

    /// <summary>The adjoint of <see cref="Gather"/>: every patch value of <paramref name="input"/> [L, N, C·k·k] summed into its input position, [N, C, H, W].</summary>
    public static Tensor Scatter(Tensor input, LocalGeometry g)
    {
        using var patches = input.is_contiguous() ? input.alias() : input.contiguous();
        int n = (int)patches.shape[1], c = g.Input.Channels, plane = g.Input.Height * g.Input.Width, w = g.Input.Width, k = g.Spec.Kernel;
        var x = zeros(new long[] { n, c, g.Input.Height, w });
        nint src = (nint)TensorMemory.Float32(patches), dst = (nint)TensorMemory.Float32(x);
        ForEachWindow(g, n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int example, int location, in LocalGeometry.Window win) =>
        {
            float* image = (float*)dst + (long)example * c * plane;
            float* p = (float*)src + ((long)location * n + example) * g.PatchSize;
            for (int ch = 0; ch < c; ch++, p += k * k)
            for (int ky = win.KyLo; ky < win.KyHi; ky++)
            {
                float* row = image + (long)ch * plane + (long)(win.Y0 + ky) * w + win.X0;
                float* q = p + ky * k;
                for (int i = win.KxLo; i < win.KxHi; i++) row[i] += q[i];
            }
        });
        return x;
    }

    private delegate void WindowBody(int example, int location, in LocalGeometry.Window window);

    /// <summary>Calls <paramref name="body"/> for every example and output location, examples in parallel (each on one thread, locations in order).</summary>
    private static void ForEachWindow(LocalGeometry g, int examples, WindowBody body)
    {
        var windows = g.Windows;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Example(int example)
        {
            for (int l = 0; l < windows.Length; l++) body(example, l, windows[l]);
        }
        int threads = Math.Max(1, get_num_threads());
        if (threads == 1 || examples == 1) { for (int i = 0; i < examples; i++) Example(i); return; }
        Parallel.For(0, examples, new ParallelOptions { MaxDegreeOfParallelism = threads }, Example);
    }
}
