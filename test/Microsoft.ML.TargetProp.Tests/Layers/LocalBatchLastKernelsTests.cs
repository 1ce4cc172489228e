using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Layers;

/// <summary>
/// The batch-last LC formulation (activations [H·W, C, N], patches [L, C·k·k, N], issue 32) against the [L, N, C·k·k]
/// kernels and against a float64 libtorch reference, on the preset layers' strides and paddings.
/// </summary>
[TestClass]
public sealed class LocalBatchLastKernelsTests
{
    private static float[] Values(Tensor t) => t.contiguous().flatten().data<float>().ToArray();

    private static T WithoutBatchLast<T>(System.Func<T> body)
    {
        LocalBatchLastKernels.Enabled = false;
        try { return body(); }
        finally { LocalBatchLastKernels.Enabled = true; }
    }

    [TestMethod]
    [DataRow(1, 28, 28, 3, 32, 2, 5)]    // MNIST-LC layer 1: padding (0, 1)
    [DataRow(32, 14, 14, 3, 64, 2, 4)]   // MNIST-LC layer 2: padding (0, 1)
    [DataRow(3, 32, 32, 5, 64, 2, 3)]    // CIFAR-LC layer 1: padding (1, 2)
    [DataRow(64, 16, 16, 5, 128, 2, 2)]  // CIFAR-LC layer 2: padding (1, 2)
    [DataRow(128, 8, 8, 3, 256, 1, 2)]   // CIFAR-LC layer 3: stride 1, padding (1, 1)
    [DataRow(2, 8, 7, 4, 5, 3, 19)]      // even kernel, asymmetric padding, a batch that splits unevenly over threads
    public void TheBatchLastGatherAndScatterAreThePermutedNMajorKernels(int channels, int height, int width, int kernel, int outputs, int stride, int batch)
    {
        var gen = new Generator(31, CPU);
        var g = new LocalGeometry(new LocallyConnectedLayerSpec(kernel, outputs, stride), new ImageShape(channels, height, width));
        using var x = randn(new long[] { batch, channels, height, width }, generator: gen);
        using var xT = LocalBatchLastKernels.ToBatchLast(x);
        using var patchesT = LocalBatchLastKernels.Gather(xT, g);                 // [L, C·k·k, N]
        using var nMajor = LocalPatchKernels.Gather(x, g);                        // [L, N, C·k·k]
        CollectionAssert.AreEqual(Values(nMajor), Values(patchesT.permute(0, 2, 1)), "a gather copies values: bit-identical");

        using var p = randn(nMajor.shape, generator: gen);
        using var pT = p.permute(0, 2, 1).contiguous();
        using var scatteredT = LocalBatchLastKernels.Scatter(pT, g);              // [H·W, C, N]
        using var scattered = LocalBatchLastKernels.FromBatchLast(scatteredT, g.Input);
        CollectionAssert.AreEqual(Values(LocalPatchKernels.Scatter(p, g)), Values(scattered), "the same sums in the same order");

        int threads = get_num_threads();
        try
        {
            set_num_threads(1);
            using var one = LocalBatchLastKernels.Scatter(pT, g);
            CollectionAssert.AreEqual(Values(scatteredT), Values(one), "the result does not depend on the thread count");
        }
        finally { set_num_threads(threads); }
    }

    [TestMethod]
    [DataRow(1, 28, 28, 3, 32, 2, false)]   // MNIST-LC layer 1 (its input is the data: ∂W only)
    [DataRow(1, 28, 28, 3, 32, 2, true)]
    [DataRow(32, 14, 14, 3, 64, 2, true)]   // MNIST-LC layer 2
    [DataRow(3, 32, 32, 5, 64, 2, false)]   // CIFAR-LC layer 1
    [DataRow(16, 16, 16, 5, 8, 2, true)]    // CIFAR-LC layer 2's geometry, fewer channels
    [DataRow(8, 8, 8, 3, 16, 1, true)]      // CIFAR-LC layer 3's geometry
    [DataRow(2, 8, 7, 4, 5, 3, true)]
    public void ForwardBackwardAndTransposeMatchAFloat64Reference(int channels, int height, int width, int kernel, int outputs, int stride, bool trackInput)
    {
        // y = W x + b through the layer (and an inverse's V h through ApplyTranspose), with every gradient autograd asks
        // for, against the same maps in float64 (libtorch's unfold / fold path).
        var gen = new Generator(17, CPU);
        var shape = new ImageShape(channels, height, width);
        using var layer = new LocallyConnected2d(new LocallyConnectedLayerSpec(kernel, outputs, stride), shape, Activation.Tanh, gen);
        var g = layer.Geometry;
        const int n = 5;
        using var x0 = randn(new long[] { n, channels, height, width }, generator: gen);
        using var y0 = randn(new long[] { n, outputs, g.Output.Height, g.Output.Width }, generator: gen);
        using var up = randn(y0.shape, generator: gen);
        using var down = randn(x0.shape, generator: gen);
        using var v0 = randn(g.WeightShape, generator: gen);

        (Tensor Out, Tensor? Dx, Tensor Dw, Tensor Tr, Tensor Dy, Tensor Dv) Run(ScalarType dtype)
        {
            using var scope = NewDisposeScope();
            using var w = layer.Weight.detach().to(dtype).clone().requires_grad_(true);
            using var b = layer.Bias.detach().to(dtype);
            using var x = x0.to(dtype).clone().requires_grad_(trackInput);
            using var y = y0.to(dtype).clone().requires_grad_(true);
            using var v = v0.to(dtype).clone().requires_grad_(true);
            // Through a nonlinearity and a second use, as in a network: the gradient reaching the layer is not the plain upstream tensor.
            using var forward = g.Apply(x, w).add(b).tanh();
            using var transpose = g.ApplyTranspose(y, v).tanh();
            using (var loss = (forward * up.to(dtype)).sum() + (transpose * down.to(dtype)).sum()) loss.backward();
            return (forward.detach().to(float64).MoveToOuterDisposeScope(), x.grad?.to(float64).MoveToOuterDisposeScope(),
                w.grad!.to(float64).MoveToOuterDisposeScope(), transpose.detach().to(float64).MoveToOuterDisposeScope(),
                y.grad!.to(float64).MoveToOuterDisposeScope(), v.grad!.to(float64).MoveToOuterDisposeScope());
        }

        Assert.IsTrue(LocalBatchLastKernels.Applies(x0));
        var fast = Run(float32);
        var reference = WithoutBatchLast(() => Run(float64));
        Assert.AreEqual(trackInput, fast.Dx is not null);
        foreach (var (name, a, r) in new[] { ("y", fast.Out, reference.Out), ("∂/∂x", fast.Dx, reference.Dx), ("∂/∂W", fast.Dw, reference.Dw),
            ("Vᵀ-map", fast.Tr, reference.Tr), ("∂/∂h", fast.Dy, reference.Dy), ("∂/∂V", fast.Dv, reference.Dv) })
        {
            if (r is null) continue;
            CollectionAssert.AreEqual(r.shape, a!.shape, name);
            double scale = r.abs().max().item<double>() + 1e-12, error = (a - r).abs().max().item<double>();
            Assert.IsTrue(error <= 1e-5 * scale * System.Math.Sqrt(g.PatchSize), $"{name}: max |error| {error:E2} against max |value| {scale:E2}");
        }
    }

    [TestMethod]
    public void BatchLastActivationsFlowIntoTheNextLayerWithoutACopyAndGiveTheSameValues()
    {
        // h_1 comes out batch-last; the next LC layer reads it as stored, and the network's result equals the N-major path's.
        var gen = new Generator(23, CPU);
        using var first = new LocallyConnected2d(new LocallyConnectedLayerSpec(3, 8, 2), new ImageShape(1, 12, 12), Activation.Tanh, gen);
        using var second = new LocallyConnected2d(new LocallyConnectedLayerSpec(3, 6, 2), first.OutputShape, Activation.Tanh, gen);
        using var x = randn(new long[] { 7, 1, 12, 12 }, generator: gen);
        using var h1 = first.forward(x);
        Assert.AreEqual(1L, h1.stride(0), "h_1 is stored batch-last");
        using (var located = h1.permute(2, 3, 1, 0)) Assert.IsTrue(located.is_contiguous(), "so the next layer's ToBatchLast is a view: it reads h_1 where it is");
        using var h2 = second.forward(h1);
        using var reference = WithoutBatchLast(() => second.forward(first.forward(x)));
        Assert.IsTrue(h2.allclose(reference, rtol: 1e-5, atol: 1e-6));
    }
}
