using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Layers;

[TestClass]
public sealed class LocalPatchKernelsTests
{
    private static float[] Values(Tensor t) => t.contiguous().flatten().data<float>().ToArray();

    /// <summary>Runs <paramref name="body"/> with every gather and scatter sent to libtorch (strided copy, unfold, fold).</summary>
    private static T WithLibTorch<T>(System.Func<T> body)
    {
        LocalPatchKernels.Enabled = false;
        try { return body(); }
        finally { LocalPatchKernels.Enabled = true; }
    }

    /// <summary>libtorch's patches of <paramref name="x"/>.</summary>
    private static Tensor LibTorchPatches(LocalGeometry g, Tensor x) => WithLibTorch(() =>
    {
        using var patches = g.Patches(x);
        return patches.detach().clone();
    });

    [TestMethod]
    [DataRow(1, 28, 28, 3, 2)]   // MNIST-LC layer 1 (one channel: libtorch's im2col path)
    [DataRow(32, 14, 14, 3, 2)]  // MNIST-LC layer 2 (the strided-view path)
    [DataRow(3, 9, 10, 3, 1)]    // stride 1, padding on every side
    [DataRow(2, 8, 7, 4, 3)]     // even kernel, asymmetric "SAME" padding
    [DataRow(4, 9, 9, 5, 2)]
    public void TheManagedGatherIsBitIdenticalToLibTorchsAndTheScatterIsItsAdjoint(int channels, int height, int width, int kernel, int stride)
    {
        var gen = new Generator(21, CPU);
        var g = new LocalGeometry(new LocallyConnectedLayerSpec(kernel, 5, stride), new ImageShape(channels, height, width));
        using var x = randn(new long[] { 3, channels, height, width }, generator: gen);
        using var expected = LibTorchPatches(g, x);
        using var managed = LocalPatchKernels.Gather(x, g);
        CollectionAssert.AreEqual(expected.shape, managed.shape);
        CollectionAssert.AreEqual(Values(expected), Values(managed), "the gather copies values: it must be bit-identical");

        // The same values from a non-contiguous view of the same batch.
        using var columnMajor = x.transpose(2, 3).contiguous().transpose(2, 3);
        Assert.IsFalse(columnMajor.is_contiguous());
        using var fromView = LocalPatchKernels.Gather(columnMajor, g);
        CollectionAssert.AreEqual(Values(expected), Values(fromView));

        // Scatter is the adjoint: <Gather x, p> = <x, Scatter p>, and it equals libtorch's fold.
        using var p = randn(managed.shape, generator: gen);
        using var scattered = LocalPatchKernels.Scatter(p, g);
        using var cols = p.permute(1, 2, 0);
        using var folded = g.Fold(cols);
        Assert.IsTrue(scattered.allclose(folded, rtol: 1e-5, atol: 1e-5), "scatter must equal fold");
        double lhs = (managed.to(float64) * p.to(float64)).sum().item<double>();
        double rhs = (x.to(float64) * scattered.to(float64)).sum().item<double>();
        Assert.AreEqual(lhs, rhs, 1e-4 * System.Math.Abs(lhs) + 1e-4);
    }

    [TestMethod]
    public void TheKernelsDoNotDependOnTheThreadCount()
    {
        var gen = new Generator(5, CPU);
        var g = new LocalGeometry(new LocallyConnectedLayerSpec(3, 8, 2), new ImageShape(6, 12, 12));
        using var x = randn(new long[] { 16, 6, 12, 12 }, generator: gen);
        using var p = randn(new long[] { g.Locations, 16, g.PatchSize }, generator: gen);
        int threads = get_num_threads();
        try
        {
            set_num_threads(1);
            var (gather1, scatter1) = (Values(LocalPatchKernels.Gather(x, g)), Values(LocalPatchKernels.Scatter(p, g)));
            set_num_threads(2);
            CollectionAssert.AreEqual(gather1, Values(LocalPatchKernels.Gather(x, g)));
            CollectionAssert.AreEqual(scatter1, Values(LocalPatchKernels.Scatter(p, g)), "each example is summed by one thread in a fixed order");
        }
        finally { set_num_threads(threads); }
    }

    [TestMethod]
    public void ALayerGivesTheSameResultsWithTheKernelsAsWithLibTorch()
    {
        var gen = new Generator(8, CPU);
        var shape = new ImageShape(4, 10, 10);
        using var layer = new LocallyConnected2d(new LocallyConnectedLayerSpec(3, 6, 2), shape, Activation.Tanh, gen);
        using var x = randn(new long[] { 5, 4, 10, 10 }, generator: gen);
        using var viaLibTorch = WithLibTorch(() => layer.forward(x));
        using var viaKernel = layer.forward(x);                          // the input is not tracked: the plain managed gather
        Assert.IsTrue(LocalPatchKernels.Applies(x) && !LocalPatchKernels.Tracked(x));
        CollectionAssert.AreEqual(Values(viaLibTorch.detach()), Values(viaKernel.detach()));

        // The weight gradient through the managed gather equals the one through libtorch's.
        using var upstream = randn(viaKernel.shape, generator: gen);
        using (var l = (viaKernel * upstream).sum()) l.backward();
        using var kernelGrad = layer.Weight.grad!.clone();
        layer.zero_grad();
        using (var l = (viaLibTorch * upstream).sum()) l.backward();
        Assert.IsTrue(kernelGrad.allclose(layer.Weight.grad!, rtol: 1e-6, atol: 1e-7));

        // The transpose under no_grad (targets) scatters with the managed kernel, and so does libtorch's fold.
        var geometry = layer.Geometry;
        using var y = randn(new long[] { 5, 6, geometry.Output.Height, geometry.Output.Width }, generator: gen);
        using var v = randn(geometry.WeightShape, generator: gen);
        using var folded = WithLibTorch(() => geometry.ApplyTranspose(y, v));
        Tensor scattered;
        using (no_grad()) scattered = geometry.ApplyTranspose(y, v);
        using (scattered) Assert.IsTrue(scattered.allclose(folded.detach(), rtol: 1e-5, atol: 1e-5));
    }

    [TestMethod]
    [DataRow(4, 10, 10, 3, 2)]
    [DataRow(3, 9, 10, 3, 1)]
    [DataRow(2, 8, 7, 4, 3)]
    public void TrackedInputsGetTheSameValuesAndGradientsThroughTheKernelsAsThroughLibTorch(int channels, int height, int width, int kernel, int stride)
    {
        // BP's forward (x tracked) and an inverse g_l's transpose (V and y tracked): the autograd functions around the
        // kernels must give libtorch's outputs and every input's gradient.
        var gen = new Generator(13, CPU);
        var g = new LocalGeometry(new LocallyConnectedLayerSpec(kernel, 5, stride), new ImageShape(channels, height, width));
        using var x0 = randn(new long[] { 3, channels, height, width }, generator: gen);
        using var w0 = randn(g.WeightShape, generator: gen);
        using var y0 = randn(new long[] { 3, 5, g.Output.Height, g.Output.Width }, generator: gen);
        using var up = randn(new long[] { 3, 5, g.Output.Height, g.Output.Width }, generator: gen);
        using var down = randn(x0.shape, generator: gen);

        (float[] Out, float[] Dx, float[] Dw, float[] Tr, float[] Dy) Run()
        {
            using var x = x0.detach().clone().requires_grad_(true);
            using var w = w0.detach().clone().requires_grad_(true);
            using var y = y0.detach().clone().requires_grad_(true);
            using var forward = g.Apply(x, w);
            using var transpose = g.ApplyTranspose(y, w);
            using (var loss = (forward * up).sum() + (transpose * down).sum()) loss.backward();
            return (Values(forward.detach()), Values(x.grad!), Values(w.grad!), Values(transpose.detach()), Values(y.grad!));
        }

        var kernels = Run();
        var libtorch = WithLibTorch(Run);
        CollectionAssert.AreEqual(libtorch.Out, kernels.Out, "the gather copies values: the forward is bit-identical");
        foreach (var (name, a, b) in new[] { ("∂/∂x", kernels.Dx, libtorch.Dx), ("∂/∂W", kernels.Dw, libtorch.Dw), ("transpose", kernels.Tr, libtorch.Tr), ("∂/∂y", kernels.Dy, libtorch.Dy) })
        {
            Assert.AreEqual(b.Length, a.Length, name);
            for (int i = 0; i < a.Length; i++) Assert.AreEqual(b[i], a[i], 1e-4f * (1 + System.Math.Abs(b[i])), $"{name}[{i}]");
        }
    }
}
