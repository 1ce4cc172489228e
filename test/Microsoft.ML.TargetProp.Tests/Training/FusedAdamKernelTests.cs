using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Training;

/// <summary>The one-pass Adam update computes what libtorch's in-place ops compute, on every chunk and thread count.</summary>
[TestClass]
public sealed class FusedAdamKernelTests
{
    // Several parallel chunks and a tail that is not a multiple of any vector width.
    private const int Elements = 2 * FusedAdamKernel.ChunkElements + 37;

    [TestMethod]
    [DataRow(AdamEpsilonMode.PyTorch)]
    [DataRow(AdamEpsilonMode.TensorFlow)]
    public void TheFusedStepMatchesTheTensorOpStep(AdamEpsilonMode mode)
    {
        using var gen = new Generator(5, CPU);
        var fusedParameter = new Parameter(randn(new long[] { Elements }, generator: gen));
        var opsParameter = new Parameter(fusedParameter.detach().clone());
        using var initial = fusedParameter.detach().clone();
        var settings = new AdamSettings(0.01, 0.9, 0.999, 1e-4);
        using var fused = new AdamOptimizer(new[] { fusedParameter }, settings, mode);
        using var ops = new AdamOptimizer(new[] { opsParameter }, settings, mode) { UseFusedKernel = false };
        for (int t = 1; t <= 4; t++)
        {
            using var g = randn(new long[] { Elements }, generator: gen);
            fusedParameter.grad = g.clone();
            opsParameter.grad = g.clone();
            fused.Step();
            ops.Step();
            using var diff = (fusedParameter - opsParameter).abs();
            double worst = diff.max().item<float>();
            Assert.IsTrue(worst < 1e-6, $"step {t}: the fused step differs from the tensor-op step by {worst} ({mode})");
            if (t == 1)
            {
                using var moved = (fusedParameter.detach() - initial).abs().min();
                Assert.IsTrue(moved.item<float>() > 0, "the first step moves every element, the tail included");
            }
        }
    }

    [TestMethod]
    public unsafe void TheResultDoesNotDependOnTheThreadCount()
    {
        var rng = new Random(3);
        float[] Fill() { var a = new float[Elements]; for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1); return a; }
        float[] g = Fill(), theta1 = Fill(), m1 = Fill(), v1 = Fill();
        for (int i = 0; i < v1.Length; i++) v1[i] = Math.Abs(v1[i]);
        float[] theta2 = (float[])theta1.Clone(), m2 = (float[])m1.Clone(), v2 = (float[])v1.Clone();
        int last = Elements - 1;
        double mLast = 0.9 * m1[last] + 0.1 * g[last], vLast = 0.99 * v1[last] + 0.01 * g[last] * g[last];
        double thetaLast = theta1[last] - 0.001 * mLast / (Math.Sqrt(vLast) * 1.2 + 1e-8);
        var c = new FusedAdamKernel.Coefficients(0.9f, 0.99f, -0.001f, 1.2f, 1e-8f);
        fixed (float* pg = g, t1 = theta1, a1 = m1, b1 = v1, t2 = theta2, a2 = m2, b2 = v2)
        {
            FusedAdamKernel.Step(t1, pg, a1, b1, Elements, c, threads: 1);
            FusedAdamKernel.Step(t2, pg, a2, b2, Elements, c, threads: 2);
        }
        CollectionAssert.AreEqual(theta1, theta2, "θ");
        CollectionAssert.AreEqual(m1, m2, "m");
        CollectionAssert.AreEqual(v1, v2, "v");
        Assert.AreEqual(mLast, m1[last], 1e-6, "m of the scalar tail");
        Assert.AreEqual(vLast, v1[last], 1e-6, "v of the scalar tail");
        Assert.AreEqual(thetaLast, theta1[last], 1e-5, "θ of the scalar tail");
    }
}
