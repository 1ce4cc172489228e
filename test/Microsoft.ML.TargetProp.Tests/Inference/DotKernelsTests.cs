using System;
using Microsoft.ML.TargetProp.Inference;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Inference;

/// <summary>Every dot-product path (256-bit, the 128-bit path ARM64 takes, scalar) is exact between batched and single rows and correct.</summary>
[TestClass]
public sealed class DotKernelsTests
{
    [TestMethod]
    [DataRow(0, DisplayName = "Vector256")]
    [DataRow(1, DisplayName = "Vector128 (the ARM64 path)")]
    [DataRow(2, DisplayName = "Scalar")]
    public void FourRowsEqualOneRowAtATimeAndTheExactDot(int pathIndex)   // DotKernels.Path is internal, test methods are public
    {
        var path = (DotKernels.Path)pathIndex;
        var random = new Random(7);
        Span<float> four = stackalloc float[4];
        foreach (int n in new[] { 0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 100, 784 })
        {
            int stride = n + 3;
            var w = new float[n];
            var x = new float[3 * stride + n];
            for (int i = 0; i < w.Length; i++) w[i] = (float)(random.NextDouble() * 2 - 1);
            for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 2 - 1);
            DotKernels.Dot4(w, x, stride, four, path);
            for (int r = 0; r < 4; r++)
            {
                var row = x.AsSpan(r * stride, n);
                Assert.AreEqual(four[r], DotKernels.Dot1(w, row, path), 0f, $"{path}, n = {n}, row {r}: batched and single must agree bit for bit");
                double exact = 0;
                for (int i = 0; i < n; i++) exact += (double)w[i] * row[i];
                Assert.AreEqual(exact, four[r], 1e-5 * (1 + n), $"{path}, n = {n}, row {r}");
            }
        }
    }

    [TestMethod]
    public void ThePreferredPathIsTheWidestAccelerated()
    {
        var expected = System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? DotKernels.Path.Vector256
            : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? DotKernels.Path.Vector128 : DotKernels.Path.Scalar;
        Assert.AreEqual(expected, DotKernels.Preferred);
    }
}
