using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>
/// The register-blocked micro-kernel of the managed forward pass: y = W x + b for a tile of up to <see cref="TileRows"/>
/// examples × one panel of <see cref="Width"/> outputs (two vectors), all tile accumulators held in registers. W is
/// packed once at load time (<see cref="PackedLinear"/>) as panels [depth][Width], so each step of the depth loop loads
/// two weight vectors, broadcasts one input value per example and issues two FMAs per example; no horizontal sums.
/// Every output is one sequential chain of fused multiply-adds over the depth, starting from its bias: its value does
/// not depend on the path, the tile it lands in, the number of examples or the thread, so single and batched scoring
/// agree bit for bit on every machine.
/// </summary>
internal static class PanelKernel
{
    /// <summary>The vector width a kernel runs with.</summary>
    internal enum Path
    {
        /// <summary>Vector512 (AVX-512): panels of 32 outputs, tiles of 8 examples.</summary>
        Vector512,

        /// <summary>Vector256 (AVX2/FMA): panels of 16 outputs, tiles of 6 examples.</summary>
        Vector256,

        /// <summary>Vector128 (ARM64 AdvSimd, x64 SSE): panels of 8 outputs, tiles of 6 examples.</summary>
        Vector128,

        /// <summary>Plain scalar loop over panels of 8 outputs.</summary>
        Scalar,
    }

    /// <summary>The widest path this machine accelerates.</summary>
    internal static readonly Path Preferred =
        Vector512.IsHardwareAccelerated ? Path.Vector512
        : Vector256.IsHardwareAccelerated ? Path.Vector256
        : Vector128.IsHardwareAccelerated ? Path.Vector128
        : Path.Scalar;

    /// <summary>Outputs per panel on <paramref name="path"/>: two vectors.</summary>
    public static int Width(Path path) => path switch
    {
        Path.Vector512 => 2 * Vector512<float>.Count,
        Path.Vector256 => 2 * Vector256<float>.Count,
        _ => 2 * Vector128<float>.Count,
    };

    /// <summary>
    /// Examples per tile on <paramref name="path"/>. AVX-512 has 32 registers: 8 × 2 accumulators, two weight vectors
    /// and a broadcast fit (the JIT keeps all of them in registers: 10 loads per 16 FMAs), and 8 divides the 16-example
    /// block of <see cref="ManagedNetwork.BlockRows"/>; 8 rows scored MNIST-LC faster than 4 (docs/performance.md,
    /// "Gathering LC patches and scoring tiles").
    /// With 16 registers (AVX2, SSE) 6 × 2 accumulators + 3 is the most that fits; ARM64 uses the same.
    /// </summary>
    public static int TileRows(Path path) => path == Path.Vector512 ? Ops512.TileRows : Ops256.TileRows;

    /// <summary>
    /// y[r·yRowStride + o·yColumnStride] = bias[o] + Σ_k W[o, k] · x[r·xStride + k] for rows r &lt; <paramref name="rows"/>
    /// and the outputs of panels [<paramref name="firstPanel"/>, <paramref name="endPanel"/>) (o &lt; <paramref name="outputs"/>).
    /// <paramref name="weights"/> holds the panels [depth][Width] one after another, <paramref name="bias"/> the biases
    /// padded to whole panels.
    /// </summary>
    public static void Multiply(Path path, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outputs, int depth,
        ReadOnlySpan<float> x, int xStride, int rows, Span<float> y, int yRowStride, int yColumnStride, int firstPanel, int endPanel)
    {
        int width = Width(path);
        if (rows <= 0 || firstPanel >= endPanel) return;
        if ((long)endPanel * width > bias.Length || (long)endPanel * width * depth > weights.Length)
            throw new ArgumentException("The packed weights or biases are shorter than the panels asked for.");
        if ((long)(rows - 1) * xStride + depth > x.Length)
            throw new ArgumentException($"{rows} rows of depth {depth} at stride {xStride} do not fit in {x.Length} input values.", nameof(x));
        long last = (long)(rows - 1) * yRowStride + (long)(Math.Min(outputs, endPanel * width) - 1) * yColumnStride;
        if (last >= y.Length) throw new ArgumentException($"The output span holds {y.Length} values; the rows need {last + 1}.", nameof(y));
        var args = new Arguments(weights, bias, outputs, depth, x, xStride, rows, y, yRowStride, yColumnStride);
        switch (path)
        {
            case Path.Vector512: Run<Ops512, Vector512<float>>(args, firstPanel, endPanel); break;
            case Path.Vector256: Run<Ops256, Vector256<float>>(args, firstPanel, endPanel); break;
            case Path.Vector128: Run<Ops128, Vector128<float>>(args, firstPanel, endPanel); break;
            default: RunScalar(args, width, firstPanel, endPanel); break;
        }
    }

    private readonly ref struct Arguments(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outputs, int depth,
        ReadOnlySpan<float> x, int xStride, int rows, Span<float> y, int yRowStride, int yColumnStride)
    {
        public readonly ReadOnlySpan<float> Weights = weights, Bias = bias, X = x;
        public readonly Span<float> Y = y;
        public readonly int Outputs = outputs, Depth = depth, XStride = xStride, Rows = rows, YRowStride = yRowStride, YColumnStride = yColumnStride;
    }

    private static void Run<TOps, TV>(in Arguments a, int firstPanel, int endPanel)
        where TOps : struct, IVectorOps<TV> where TV : struct
    {
        int width = 2 * TOps.Lanes, tileRows = TOps.TileRows, depth = a.Depth;
        Span<float> tile = stackalloc float[Ops512.TileRows * 2 * Vector512<float>.Count];
        ref float x = ref MemoryMarshal.GetReference(a.X);
        ref float y = ref MemoryMarshal.GetReference(a.Y);
        for (int p = firstPanel; p < endPanel; p++)
        {
            ref float w = ref Unsafe.Add(ref MemoryMarshal.GetReference(a.Weights), (nint)p * depth * width);
            ref float b = ref Unsafe.Add(ref MemoryMarshal.GetReference(a.Bias), (nint)p * width);
            int first = p * width, columns = Math.Min(width, a.Outputs - first);
            bool direct = a.YColumnStride == 1 && columns == width;
            for (int r = 0; r < a.Rows; r += tileRows)
            {
                int count = Math.Min(tileRows, a.Rows - r);
                ref float xr = ref Unsafe.Add(ref x, (nint)r * a.XStride);
                if (direct)
                {
                    Tile<TOps, TV>(count, ref xr, a.XStride, ref w, depth, ref b, ref Unsafe.Add(ref y, (nint)r * a.YRowStride + first), a.YRowStride);
                    continue;
                }
                Tile<TOps, TV>(count, ref xr, a.XStride, ref w, depth, ref b, ref tile[0], width);
                for (int i = 0; i < count; i++)
                for (int j = 0; j < columns; j++)
                    a.Y[(r + i) * a.YRowStride + (first + j) * a.YColumnStride] = tile[i * width + j];
            }
        }
    }

    private static void Tile<TOps, TV>(int rows, ref float x, nint xStride, ref float w, int depth, ref float bias, ref float y, nint yStride)
        where TOps : struct, IVectorOps<TV> where TV : struct
    {
        switch (rows)
        {
            case 1: Tile<TOps, TV, Rows1>(ref x, xStride, ref w, depth, ref bias, ref y, yStride); break;
            case 2: Tile<TOps, TV, Rows2>(ref x, xStride, ref w, depth, ref bias, ref y, yStride); break;
            case 3: Tile<TOps, TV, Rows3>(ref x, xStride, ref w, depth, ref bias, ref y, yStride); break;
            case 4: Tile<TOps, TV, Rows4>(ref x, xStride, ref w, depth, ref bias, ref y, yStride); break;
            case 5: Tile<TOps, TV, Rows5>(ref x, xStride, ref w, depth, ref bias, ref y, yStride); break;
            case 6: Tile<TOps, TV, Rows6>(ref x, xStride, ref w, depth, ref bias, ref y, yStride); break;
            case 7: Tile<TOps, TV, Rows7>(ref x, xStride, ref w, depth, ref bias, ref y, yStride); break;
            default: Tile<TOps, TV, Rows8>(ref x, xStride, ref w, depth, ref bias, ref y, yStride); break;
        }
    }

    /// <summary>
    /// One tile: <typeparamref name="TRows"/> examples × 2 vectors of outputs. The row count is a type so that the JIT
    /// compiles each size with only its accumulators (all in registers) and no branches in the depth loop.
    /// </summary>
    private static void Tile<TOps, TV, TRows>(ref float x, nint xStride, ref float w, int depth, ref float bias, ref float y, nint yStride)
        where TOps : struct, IVectorOps<TV> where TV : struct where TRows : struct, IRowCount
    {
        int n = TOps.Lanes;
        int rows = TRows.Value;
        TV b0 = TOps.Load(ref bias), b1 = TOps.Load(ref Unsafe.Add(ref bias, n));
        TV c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
        TV c40 = b0, c41 = b1, c50 = b0, c51 = b1, c60 = b0, c61 = b1, c70 = b0, c71 = b1;
        ref float x0 = ref x;
        ref float x1 = ref rows > 1 ? ref Unsafe.Add(ref x, xStride) : ref x;
        ref float x2 = ref rows > 2 ? ref Unsafe.Add(ref x, 2 * xStride) : ref x;
        ref float x3 = ref rows > 3 ? ref Unsafe.Add(ref x, 3 * xStride) : ref x;
        ref float x4 = ref rows > 4 ? ref Unsafe.Add(ref x, 4 * xStride) : ref x;
        ref float x5 = ref rows > 5 ? ref Unsafe.Add(ref x, 5 * xStride) : ref x;
        ref float x6 = ref rows > 6 ? ref Unsafe.Add(ref x, 6 * xStride) : ref x;
        ref float x7 = ref rows > 7 ? ref Unsafe.Add(ref x, 7 * xStride) : ref x;
        for (nint k = 0, at = 0; k < depth; k++, at += 2 * n)
        {
            TV w0 = TOps.Load(ref Unsafe.Add(ref w, at)), w1 = TOps.Load(ref Unsafe.Add(ref w, at + n));
            TV v = TOps.Broadcast(Unsafe.Add(ref x0, k));
            c00 = TOps.MultiplyAdd(v, w0, c00);
            c01 = TOps.MultiplyAdd(v, w1, c01);
            if (rows > 1)
            {
                v = TOps.Broadcast(Unsafe.Add(ref x1, k));
                c10 = TOps.MultiplyAdd(v, w0, c10);
                c11 = TOps.MultiplyAdd(v, w1, c11);
            }
            if (rows > 2)
            {
                v = TOps.Broadcast(Unsafe.Add(ref x2, k));
                c20 = TOps.MultiplyAdd(v, w0, c20);
                c21 = TOps.MultiplyAdd(v, w1, c21);
            }
            if (rows > 3)
            {
                v = TOps.Broadcast(Unsafe.Add(ref x3, k));
                c30 = TOps.MultiplyAdd(v, w0, c30);
                c31 = TOps.MultiplyAdd(v, w1, c31);
            }
            if (rows > 4)
            {
                v = TOps.Broadcast(Unsafe.Add(ref x4, k));
                c40 = TOps.MultiplyAdd(v, w0, c40);
                c41 = TOps.MultiplyAdd(v, w1, c41);
            }
            if (rows > 5)
            {
                v = TOps.Broadcast(Unsafe.Add(ref x5, k));
                c50 = TOps.MultiplyAdd(v, w0, c50);
                c51 = TOps.MultiplyAdd(v, w1, c51);
            }
            if (rows > 6)
            {
                v = TOps.Broadcast(Unsafe.Add(ref x6, k));
                c60 = TOps.MultiplyAdd(v, w0, c60);
                c61 = TOps.MultiplyAdd(v, w1, c61);
            }
            if (rows > 7)
            {
                v = TOps.Broadcast(Unsafe.Add(ref x7, k));
                c70 = TOps.MultiplyAdd(v, w0, c70);
                c71 = TOps.MultiplyAdd(v, w1, c71);
            }
        }
        TOps.Store(c00, ref y);
        TOps.Store(c01, ref Unsafe.Add(ref y, n));
        if (rows > 1) { TOps.Store(c10, ref Unsafe.Add(ref y, yStride)); TOps.Store(c11, ref Unsafe.Add(ref y, yStride + n)); }
        if (rows > 2) { TOps.Store(c20, ref Unsafe.Add(ref y, 2 * yStride)); TOps.Store(c21, ref Unsafe.Add(ref y, 2 * yStride + n)); }
        if (rows > 3) { TOps.Store(c30, ref Unsafe.Add(ref y, 3 * yStride)); TOps.Store(c31, ref Unsafe.Add(ref y, 3 * yStride + n)); }
        if (rows > 4) { TOps.Store(c40, ref Unsafe.Add(ref y, 4 * yStride)); TOps.Store(c41, ref Unsafe.Add(ref y, 4 * yStride + n)); }
        if (rows > 5) { TOps.Store(c50, ref Unsafe.Add(ref y, 5 * yStride)); TOps.Store(c51, ref Unsafe.Add(ref y, 5 * yStride + n)); }
        if (rows > 6) { TOps.Store(c60, ref Unsafe.Add(ref y, 6 * yStride)); TOps.Store(c61, ref Unsafe.Add(ref y, 6 * yStride + n)); }
        if (rows > 7) { TOps.Store(c70, ref Unsafe.Add(ref y, 7 * yStride)); TOps.Store(c71, ref Unsafe.Add(ref y, 7 * yStride + n)); }
    }

    /// <summary>The scalar path: the same fused multiply-add chain per output as the vector paths, one output at a time.</summary>
    private static void RunScalar(in Arguments a, int width, int firstPanel, int endPanel)
    {
        int depth = a.Depth;
        for (int p = firstPanel; p < endPanel; p++)
        {
            var w = a.Weights.Slice(p * depth * width, depth * width);
            int first = p * width, columns = Math.Min(width, a.Outputs - first);
            for (int r = 0; r < a.Rows; r++)
            {
                var x = a.X.Slice(r * a.XStride, depth);
                for (int j = 0; j < columns; j++)
                {
                    float sum = a.Bias[first + j];
                    for (int k = 0; k < depth; k++) sum = MathF.FusedMultiplyAdd(x[k], w[k * width + j], sum);
                    a.Y[r * a.YRowStride + (first + j) * a.YColumnStride] = sum;
                }
            }
        }
    }

    /// <summary>The vector operations a tile needs, as static members so the JIT specialises each width.</summary>
    private interface IVectorOps<TV> where TV : struct
    {
        static abstract int Lanes { get; }

        static abstract int TileRows { get; }

        static abstract TV Load(ref float source);

        static abstract void Store(TV value, ref float destination);

        static abstract TV Broadcast(float value);

        static abstract TV MultiplyAdd(TV a, TV b, TV addend);
    }

    private readonly struct Ops512 : IVectorOps<Vector512<float>>
    {
        public static int Lanes => Vector512<float>.Count;
        public static int TileRows => 8;
        public static Vector512<float> Load(ref float source) => Vector512.LoadUnsafe(ref source);
        public static void Store(Vector512<float> value, ref float destination) => value.StoreUnsafe(ref destination);
        public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
        public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) => Vector512.FusedMultiplyAdd(a, b, addend);
    }

    private readonly struct Ops256 : IVectorOps<Vector256<float>>
    {
        public static int Lanes => Vector256<float>.Count;
        public static int TileRows => 6;
        public static Vector256<float> Load(ref float source) => Vector256.LoadUnsafe(ref source);
        public static void Store(Vector256<float> value, ref float destination) => value.StoreUnsafe(ref destination);
        public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
        public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) => Vector256.FusedMultiplyAdd(a, b, addend);
    }

    private readonly struct Ops128 : IVectorOps<Vector128<float>>
    {
        public static int Lanes => Vector128<float>.Count;
        public static int TileRows => 6;
        public static Vector128<float> Load(ref float source) => Vector128.LoadUnsafe(ref source);
        public static void Store(Vector128<float> value, ref float destination) => value.StoreUnsafe(ref destination);
        public static Vector128<float> Broadcast(float value) => Vector128.Create(value);
        public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> addend) => Vector128.FusedMultiplyAdd(a, b, addend);
    }

    /// <summary>A tile's row count as a type (see <see cref="Tile{TOps, TV, TRows}"/>).</summary>
    private interface IRowCount
    {
        static abstract int Value { get; }
    }

    private readonly struct Rows1 : IRowCount { public static int Value => 1; }
    private readonly struct Rows2 : IRowCount { public static int Value => 2; }
    private readonly struct Rows3 : IRowCount { public static int Value => 3; }
    private readonly struct Rows4 : IRowCount { public static int Value => 4; }
    private readonly struct Rows5 : IRowCount { public static int Value => 5; }
    private readonly struct Rows6 : IRowCount { public static int Value => 6; }
    private readonly struct Rows7 : IRowCount { public static int Value => 7; }
    private readonly struct Rows8 : IRowCount { public static int Value => 8; }
}
