using System;
using System.Linq;
using Microsoft.ML.TargetProp.Inference;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Inference;

/// <summary>
/// The register-blocked kernel on every path (AVX-512, AVX2, the 128-bit path ARM64 takes, scalar) against a naive
/// loop, for sizes that are not multiples of the panel or the tile, strided outputs and panel ranges.
/// </summary>
[TestClass]
public sealed class PanelKernelTests
{
    private static readonly PanelKernel.Path[] Paths = Enum.GetValues<PanelKernel.Path>();

    [TestMethod]
    public void EveryPathMatchesTheNaiveLoopAndTheOthersBitForBit()
    {
        var random = new Random(5);
        foreach (int outputs in new[] { 1, 7, 8, 10, 16, 17, 32, 33, 64, 65 })
        foreach (int depth in new[] { 0, 1, 3, 9, 31, 100 })
        foreach (int rows in new[] { 1, 2, 5, 6, 7, 8, 9, 13, 16, 17 })
        {
            var w = Random(random, outputs * depth);
            var b = Random(random, outputs);
            int xStride = depth + 3;   // rows need not be contiguous
            var x = Random(random, rows * xStride);
            var expected = Naive(w, b, outputs, depth, x, xStride, rows);
            float[]? first = null;
            foreach (var path in Paths)
            {
                var y = Multiply(path, w, b, outputs, depth, x, xStride, rows, outputs, 1);
                for (int i = 0; i < y.Length; i++)
                    Assert.AreEqual(expected[i], y[i], 1e-5 * (1 + Math.Abs(expected[i])) + 1e-6 * depth, $"{path}: {outputs} outputs, depth {depth}, {rows} rows, value {i}");
                first ??= y;
                CollectionAssert.AreEqual(first, y, $"{path} and {Paths[0]} must agree bit for bit ({outputs} outputs, depth {depth}, {rows} rows)");
            }
        }
    }

    [TestMethod]
    public void StridedOutputsAndPanelRangesWriteOnlyTheirValues()
    {
        var random = new Random(11);
        const int outputs = 37, depth = 19, rows = 11, columnStride = 5, rowStride = outputs * columnStride + 2;
        var w = Random(random, outputs * depth);
        var b = Random(random, outputs);
        var x = Random(random, rows * depth);
        var expected = Naive(w, b, outputs, depth, x, depth, rows);
        foreach (var path in Paths)
        {
            var y = Multiply(path, w, b, outputs, depth, x, depth, rows, rowStride, columnStride);
            for (int r = 0; r < rows; r++)
            for (int i = 0; i < rowStride; i++)
            {
                float value = y[r * rowStride + i];
                if (i % columnStride == 0 && i / columnStride < outputs)
                    Assert.AreEqual(expected[r * outputs + i / columnStride], value, 1e-5f, $"{path}: row {r}, output {i / columnStride}");
                else
                    Assert.AreEqual(-7f, value, $"{path}: row {r}, offset {i} lies between outputs and must stay untouched");
            }

            var packed = Pack(path, w, b, outputs, depth);
            var part = Enumerable.Repeat(-7f, rows * outputs).ToArray();
            packed.Multiply(0, x, depth, rows, part, outputs, 1, 1, packed.Panels);
            int width = PanelKernel.Width(path);
            for (int r = 0; r < rows; r++)
            for (int o = 0; o < outputs; o++)
                Assert.AreEqual(o < width ? -7f : y[r * rowStride + o * columnStride], part[r * outputs + o], $"{path}: panels 1… write exactly outputs {width}…");
        }
    }

    [TestMethod]
    public void ANaNInputMakesOnlyItsOwnRowNaN()
    {
        var random = new Random(3);
        const int outputs = 21, depth = 13, rows = 10;
        var w = Random(random, outputs * depth);
        w[5] = 0f;   // NaN · 0 is NaN too
        var b = Random(random, outputs);
        var x = Random(random, rows * depth);
        x[3 * depth + 7] = float.NaN;
        foreach (var path in Paths)
        {
            var y = Multiply(path, w, b, outputs, depth, x, depth, rows, outputs, 1);
            for (int r = 0; r < rows; r++)
            for (int o = 0; o < outputs; o++)
                Assert.AreEqual(r == 3, float.IsNaN(y[r * outputs + o]), $"{path}: row {r}, output {o}");
        }
    }

    [TestMethod]
    public void ShortBuffersAreRejected()
    {
        var packed = Pack(PanelKernel.Preferred, new float[6 * 4], new float[6], 6, 4);
        Assert.ThrowsExactly<ArgumentException>(() => packed.Multiply(0, new float[4 * 3 - 1], 4, 3, new float[18], 6, 1));
        Assert.ThrowsExactly<ArgumentException>(() => packed.Multiply(0, new float[12], 4, 3, new float[17], 6, 1));
    }

    [TestMethod]
    public void ThePreferredPathIsTheWidestAccelerated()
    {
        var expected = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? PanelKernel.Path.Vector512
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? PanelKernel.Path.Vector256
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? PanelKernel.Path.Vector128 : PanelKernel.Path.Scalar;
        Assert.AreEqual(expected, PanelKernel.Preferred);
    }

    private static PackedLinear Pack(PanelKernel.Path path, float[] w, float[] b, int outputs, int depth) =>
        new(1, outputs, depth, (_, o, k) => w[o * depth + k], (_, o) => b[o], path);

    private static float[] Multiply(PanelKernel.Path path, float[] w, float[] b, int outputs, int depth, float[] x, int xStride, int rows, int rowStride, int columnStride)
    {
        var y = Enumerable.Repeat(-7f, rows * rowStride).ToArray();
        Pack(path, w, b, outputs, depth).Multiply(0, x, xStride, rows, y, rowStride, columnStride);
        return y;
    }

    private static float[] Naive(float[] w, float[] b, int outputs, int depth, float[] x, int xStride, int rows)
    {
        var y = new float[rows * outputs];
        for (int r = 0; r < rows; r++)
        for (int o = 0; o < outputs; o++)
        {
            double sum = b[o];
            for (int k = 0; k < depth; k++) sum += (double)w[o * depth + k] * x[r * xStride + k];
            y[r * outputs + o] = (float)sum;
        }
        return y;
    }

    private static float[] Random(Random random, int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}
