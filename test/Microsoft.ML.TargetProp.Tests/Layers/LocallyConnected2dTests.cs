using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Layers;

[TestClass]
public sealed class LocallyConnected2dTests
{
    [TestMethod]
    [DataRow(3, 1, 28, 1, 1)]   // stride 1 keeps H: one row of zeros on each side
    [DataRow(3, 2, 28, 0, 1)]   // 28 → 14: the odd padding goes after, as TensorFlow's "SAME" (the paper's code)
    [DataRow(3, 2, 7, 1, 1)]    // 7 → 4
    [DataRow(5, 2, 9, 2, 2)]    // 9 → 5
    [DataRow(2, 1, 6, 0, 1)]
    [DataRow(3, 2, 14, 0, 1)]   // MNIST-LC's second layer: 14 → 7
    public void PaddingIsSamePadding(int kernel, int stride, int length, int before, int after)
    {
        var spec = new LocallyConnectedLayerSpec(kernel, 1, stride);
        Assert.AreEqual((before, after), spec.Padding(length));
        Assert.AreEqual((length + stride - 1) / stride, (length + before + after - kernel) / stride + 1, "the padded length gives ceil(H/stride) outputs");
    }

    [TestMethod]
    [DataRow(3, 1, 7, 7)]
    [DataRow(3, 2, 7, 8)]
    [DataRow(5, 2, 9, 9)]
    [DataRow(2, 1, 6, 5)]
    public void ForwardEqualsNaiveLoopInFloat64(int kernel, int stride, int height, int width)
    {
        var gen = new Generator(7, CPU);
        var spec = new LocallyConnectedLayerSpec(kernel, 3, stride);
        var inputShape = new ImageShape(2, height, width);
        using var layer = new LocallyConnected2d(spec, inputShape, Activation.Tanh, gen);
        layer.to(ScalarType.Float64);
        using (no_grad()) layer.Bias.copy_(randn(layer.Bias.shape, dtype: float64, generator: gen));
        using var x = randn(new long[] { 2, 2, height, width }, dtype: float64, generator: gen);
        using var y = layer.Linear(x);

        var output = spec.OutputShape(inputShape);
        Assert.AreEqual((height + stride - 1) / stride, output.Height, "output height must be ceil(H/stride)");
        CollectionAssert.AreEqual(new long[] { 2, 3, output.Height, output.Width }, y.shape);

        var (padTop, _) = spec.Padding(height);
        var (padLeft, _) = spec.Padding(width);
        var xs = x.data<double>().ToArray();
        var ws = layer.Weight.data<double>().ToArray();
        var bs = layer.Bias.data<double>().ToArray();
        var ys = y.data<double>().ToArray();
        int c = 2, o = 3, k = kernel, patch = c * k * k;
        for (int n = 0; n < 2; n++)
        for (int oc = 0; oc < o; oc++)
        for (int i = 0; i < output.Height; i++)
        for (int j = 0; j < output.Width; j++)
        {
            int loc = i * output.Width + j;
            double sum = bs[(oc * output.Height + i) * output.Width + j];
            for (int ic = 0; ic < c; ic++)
            for (int ki = 0; ki < k; ki++)
            for (int kj = 0; kj < k; kj++)
            {
                int r = i * stride + ki - padTop, q = j * stride + kj - padLeft;
                if (r < 0 || r >= height || q < 0 || q >= width) continue;
                double xv = xs[((n * c + ic) * height + r) * width + q];
                double wv = ws[(loc * patch + (ic * k + ki) * k + kj) * o + oc];
                sum += xv * wv;
            }
            double actual = ys[((n * o + oc) * output.Height + i) * output.Width + j];
            Assert.AreEqual(sum, actual, 1e-10, $"n={n} o={oc} i={i} j={j}");
        }
    }

    [TestMethod]
    [DataRow(1, 3, 2, 28, 28)]   // MNIST-LC layer 1 (im2col by default)
    [DataRow(32, 3, 2, 14, 14)]  // MNIST-LC layer 2 (strided view by default)
    [DataRow(3, 5, 2, 9, 8)]     // asymmetric padding
    [DataRow(2, 2, 1, 6, 5)]     // even kernel: the padding goes after
    [DataRow(4, 1, 2, 8, 8)]     // 1×1 kernel with stride: no padding, the last row unused
    public void BothPatchGathersGiveTheSameValuesAndGradients(int channels, int kernel, int stride, int height, int width)
    {
        var gen = new Generator(13, CPU);
        var spec = new LocallyConnectedLayerSpec(kernel, 5, stride);
        var shape = new ImageShape(channels, height, width);
        var unfold = new LocalGeometry(spec, shape) { Gather = LocalGeometry.PatchGather.Unfold };
        var strided = new LocalGeometry(spec, shape) { Gather = LocalGeometry.PatchGather.StridedView };
        Assert.AreEqual(channels > 1 ? LocalGeometry.PatchGather.StridedView : LocalGeometry.PatchGather.Unfold, new LocalGeometry(spec, shape).Gather);
        using var a = randn(unfold.WeightShape, generator: gen);
        using var x0 = randn(new long[] { 3, channels, height, width }, generator: gen);
        using var dy = randn(new long[] { 3, 5, unfold.Output.Height, unfold.Output.Width }, generator: gen);
        (float[] Y, float[] GradA, float[] GradX) Run(LocalGeometry geometry)
        {
            using var w = a.clone().requires_grad_(true);
            using var x = x0.clone().requires_grad_(true);
            using var y = geometry.Apply(x, w);
            y.backward(new[] { dy });
            return (y.data<float>().ToArray(), w.grad!.data<float>().ToArray(), x.grad!.data<float>().ToArray());
        }
        var (y1, ga1, gx1) = Run(unfold);
        var (y2, ga2, gx2) = Run(strided);
        CollectionAssert.AreEqual(y1, y2, "the same patches go through the same bmm");
        CollectionAssert.AreEqual(ga1, ga2, "∂/∂A: the same patches times the same output gradient");
        Assert.AreEqual(gx1.Length, gx2.Length);
        for (int i = 0; i < gx1.Length; i++)
            Assert.AreEqual(gx1[i], gx2[i], 1e-5f, $"∂/∂x[{i}]: fold and unfold_backward may sum overlapping windows in another order");
    }

    [TestMethod]
    [DataRow(3, 1)]
    [DataRow(3, 2)]
    [DataRow(4, 3)]
    public void TransposeIsTheAdjoint(int kernel, int stride)
    {
        var gen = new Generator(11, CPU);
        var geometry = new LocalGeometry(new LocallyConnectedLayerSpec(kernel, 4, stride), new ImageShape(3, 9, 10));
        using var a = randn(geometry.WeightShape, dtype: float64, generator: gen);
        using var x = randn(new long[] { 2, 3, 9, 10 }, dtype: float64, generator: gen);
        using var y = randn(new long[] { 2, 4, geometry.Output.Height, geometry.Output.Width }, dtype: float64, generator: gen);
        using var ax = geometry.Apply(x, a);
        using var aty = geometry.ApplyTranspose(y, a);
        double lhs = (ax * y).sum().item<double>();
        double rhs = (x * aty).sum().item<double>();
        Assert.AreEqual(lhs, rhs, 1e-9 * Math.Abs(lhs) + 1e-9, "<Ax, y> must equal <x, Aᵀy>");
    }

    [TestMethod]
    public void FoldTransposeEqualsTheGradientTrickOfSection54()
    {
        var gen = new Generator(3, CPU);
        var geometry = new LocalGeometry(new LocallyConnectedLayerSpec(3, 5, 2), new ImageShape(2, 8, 8));
        using var v = randn(geometry.WeightShape, generator: gen);
        using var y = randn(new long[] { 3, 5, 4, 4 }, generator: gen);
        using var dummy = zeros(new long[] { 3, 2, 8, 8 }, requires_grad: true);
        using var z = geometry.Apply(dummy, v);                     // z = A x with a dummy x
        var grads = autograd.grad(new[] { z }, new[] { dummy }, new[] { y });   // (dz/dx)ᵀ y
        using var viaFold = geometry.ApplyTranspose(y, v);
        Assert.IsTrue(grads[0].allclose(viaFold, rtol: 1e-5, atol: 1e-6), "the fold-based transpose must equal (dz/dx)ᵀ y");
    }

    [TestMethod]
    public void InverseMapsOutputShapeBackToInputShape()
    {
        var spec = new LocallyConnectedLayerSpec(3, 8, 2);
        using var layer = new LocallyConnected2d(spec, new ImageShape(4, 14, 14), Activation.Tanh);
        using var inverse = layer.CreateInverse(Activation.Tanh, null);
        using var h = layer.forward(randn(5, 4, 14, 14));
        using var back = inverse.forward(h);
        CollectionAssert.AreEqual(new long[] { 5, 4, 14, 14 }, back.shape);
        Assert.IsTrue(back.abs().max().item<float>() <= 1f, "tanh inverse output must lie in [-1, 1]");
    }

    [TestMethod]
    public void GlorotInitialisationHasTheRightScale()
    {
        var gen = new Generator(5, CPU);
        var layer = new LocallyConnected2d(new LocallyConnectedLayerSpec(3, 32, 2), new ImageShape(1, 28, 28), Activation.Tanh, gen);
        double bound = Math.Sqrt(6.0 / (layer.FanIn + layer.FanOut));
        double max = layer.Weight.abs().max().item<float>();
        Assert.IsTrue(max <= bound && max > 0.9 * bound, $"max |W| = {max}, Glorot bound {bound}");
        Assert.AreEqual(0f, layer.Bias.abs().sum().item<float>());
    }
}
