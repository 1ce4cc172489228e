using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// Patch gather and scatter of a locally-connected layer in the batch-last layout (issue 32): an activation batch is
/// stored as xᵀ [H·W, C, N] (the logical [N, C, H, W] tensor is a permuted view of it) and the patches as Pᵀ
/// [L, C·k·k, N], so every patch row is a run of N contiguous floats that is copied (gather) or added (scatter) at once,
/// and the layer's products are GEMMs over the same Pᵀ: yᵀ_l = W_lᵀ Pᵀ_l, ∂W_l = Pᵀ_l ∂y_l, ∂Pᵀ_l = W_l ∂yᵀ_l. The N-major
/// layout of <see cref="LocalPatchKernels"/> copies runs of k floats instead. Both loops split N into one chunk per
/// thread; the scatter adds in the same order (locations ascending) on every chunk, so results do not depend on the
/// thread count and equal <see cref="LocalPatchKernels.Scatter"/>'s bit for bit; the gather is a copy.
/// </summary>
internal static unsafe class LocalBatchLastKernels
{
    /// <summary>
    /// True (default) to run float32 CPU layers batch-last; false restores the [L, N, C·k·k] path (for <c>tpnet bench</c>'s
    /// comparison; <c>TPNET_LC_BATCH_LAST=0</c> starts a process with it off, to compare whole epochs).
    /// </summary>
    internal static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("TPNET_LC_BATCH_LAST") != "0";

    /// <summary>True when <paramref name="t"/> can go through these kernels (a float32 CPU tensor) and they are enabled.</summary>
    public static bool Applies(Tensor t) => Enabled && LocalPatchKernels.Enabled && TensorMemory.IsCpuFloat32(t);

    /// <summary>xᵀ [H·W, C, N] of a batch <paramref name="x"/> [N, C, H, W]: a view when x is already stored batch-last, else one copy.</summary>
    public static Tensor ToBatchLast(Tensor x)
    {
        long n = x.shape[0], c = x.shape[1], plane = x.shape[2] * x.shape[3];
        using var located = x.permute(2, 3, 1, 0);                          // [H, W, C, N]
        if (located.is_contiguous()) return located.reshape(plane, c, n);
        using var copy = located.contiguous();
        return copy.reshape(plane, c, n);
    }

    /// <summary>The logical batch [N, C, H, W] viewing xᵀ <paramref name="xT"/> [H·W, C, N] (no copy).</summary>
    public static Tensor FromBatchLast(Tensor xT, Model.ImageShape shape)
    {
        using var flat = xT.permute(2, 1, 0);                               // [N, C, H·W]
        return flat.reshape(xT.shape[2], shape.Channels, shape.Height, shape.Width);
    }

    /// <summary>Pᵀ [L, C·k·k, N]: the zero-padded receptive fields of <paramref name="input"/> xᵀ [H·W, C, N] for <paramref name="g"/>.</summary>
    public static Tensor Gather(Tensor input, LocalGeometry g)
    {
        using var x = input.is_contiguous() ? input.alias() : input.contiguous();
        int n = (int)x.shape[2], c = g.Input.Channels, w = g.Input.Width, k = g.Spec.Kernel, patch = g.PatchSize;
        var patches = empty(new long[] { g.Locations, patch, n });
        nint src = (nint)TensorMemory.Float32(x), dst = (nint)TensorMemory.Float32(patches);
        ForEachChunk(g, n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int location, in LocalGeometry.Window win, int n0, int count) =>
        {
            float* o = (float*)dst + (long)location * patch * n + n0;
            for (int ch = 0; ch < c; ch++)
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++, o += n)
            {
                var to = new Span<float>(o, count);
                if (ky < win.KyLo || ky >= win.KyHi || kx < win.KxLo || kx >= win.KxHi) { to.Clear(); continue; }
                float* from = (float*)src + (((long)(win.Y0 + ky) * w + win.X0 + kx) * c + ch) * n + n0;
                new ReadOnlySpan<float>(from, count).CopyTo(to);
            }
        });
        return patches;
    }

    /// <summary>The adjoint of <see cref="Gather"/>: every row of <paramref name="input"/> Pᵀ [L, C·k·k, N] summed into its input position, xᵀ [H·W, C, N].</summary>
    public static Tensor Scatter(Tensor input, LocalGeometry g)
    {
        using var patches = input.is_contiguous() ? input.alias() : input.contiguous();
        int n = (int)patches.shape[2], c = g.Input.Channels, w = g.Input.Width, k = g.Spec.Kernel, patch = g.PatchSize;
        var x = zeros(new long[] { (long)g.Input.Height * w, c, n });
        nint src = (nint)TensorMemory.Float32(patches), dst = (nint)TensorMemory.Float32(x);
        ForEachChunk(g, n, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (int location, in LocalGeometry.Window win, int n0, int count) =>
        {
            float* p = (float*)src + (long)location * patch * n + n0;
            for (int ch = 0; ch < c; ch++)
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++, p += n)
            {
                if (ky < win.KyLo || ky >= win.KyHi || kx < win.KxLo || kx >= win.KxHi) continue;
                Add((float*)dst + (((long)(win.Y0 + ky) * w + win.X0 + kx) * c + ch) * n + n0, p, count);
            }
        });
        return x;
    }

    /// <summary>to[i] += from[i] for i &lt; count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(float* to, float* from, int count)
    {
        int i = 0;
        for (; i <= count - Vector<float>.Count; i += Vector<float>.Count)
            Unsafe.WriteUnaligned(to + i, Unsafe.ReadUnaligned<Vector<float>>(to + i) + Unsafe.ReadUnaligned<Vector<float>>(from + i));
        for (; i < count; i++) to[i] += from[i];
    }

    private delegate void ChunkBody(int location, in LocalGeometry.Window window, int n0, int count);

    /// <summary>Calls <paramref name="body"/> for every output location (ascending) on each chunk [n0, n0 + count) of the batch, chunks in parallel.</summary>
    private static void ForEachChunk(LocalGeometry g, int examples, ChunkBody body)
    {
        var windows = g.Windows;
        // Chunks of whole 64-byte lines (16 floats) so no two threads write one cache line.
        int chunks = Math.Max(1, Math.Min(get_num_threads(), (examples + 15) / 16));
        int per = (examples + chunks - 1) / chunks;
        per = (per + 15) / 16 * 16;
        chunks = (examples + per - 1) / per;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Chunk(int i)
        {
            int n0 = i * per, count = Math.Min(per, examples - n0);
            for (int l = 0; l < windows.Length; l++) body(l, windows[l], n0, count);
        }
        if (chunks == 1) { Chunk(0); return; }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, Chunk);
    }
}
