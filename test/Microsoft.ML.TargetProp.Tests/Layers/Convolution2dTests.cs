using System;
using System.Linq;
using Microsoft.ML.TargetProp.Inference;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Layers;

/// <summary>Issue 16: the BP ConvNet baseline's layer — a convolution with the LC geometry — against a naive loop, its transpose, and its untied saved form.</summary>
[TestClass]
public sealed class Convolution2dTests
{
    [TestMethod]
    [DataRow(3, 4, 2, 2, 7, 6)]   // asymmetric SAME padding at stride 2
    [DataRow(3, 4, 1, 3, 8, 8)]
    [DataRow(3, 3, 1, 1, 5, 5)]
    [DataRow(5, 2, 2, 3, 8, 8)]
    public void MatchesANaiveLoopOverLocationsAndTaps(int k, int channels, int stride, int inChannels, int h, int w)
    {
        var spec = new LocallyConnectedLayerSpec(k, channels, stride, SharedWeights: true);
        var shape = new ImageShape(inChannels, h, w);
        using var layer = new Convolution2d(spec, shape, Activation.Tanh, new Generator(1, CPU), WeightInitialization.TorchDefault);
        using var x = randn(new long[] { 2, shape.Size }, generator: new Generator(2, CPU));
        using var y = layer.Linear(x);
        var output = spec.OutputShape(shape);
        var (padTop, _) = spec.Padding(h);
        var (padLeft, _) = spec.Padding(w);
        var xs = x.data<float>().ToArray();
        var ws = layer.Weight.data<float>().ToArray();   // [O, C, k, k]
        var bs = layer.Bias.data<float>().ToArray();
        var ys = y.reshape(2, output.Size).data<float>().ToArray();
        for (int n = 0; n < 2; n++)
        for (int o = 0; o < channels; o++)
        for (int oy = 0; oy < output.Height; oy++)
        for (int ox = 0; ox < output.Width; ox++)
        {
            double sum = bs[o];
            for (int c = 0; c < inChannels; c++)
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy * stride - padTop + ky, ix = ox * stride - padLeft + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                sum += ws[((o * inChannels + c) * k + ky) * k + kx] * xs[n * shape.Size + (c * h + iy) * w + ix];
            }
            Assert.AreEqual(sum, ys[n * output.Size + (o * output.Height + oy) * output.Width + ox], 1e-4, $"n {n}, o {o}, ({oy}, {ox})");
        }
    }

    [TestMethod]
    [DataRow(3, 4, 2, 2, 7, 6)]
    [DataRow(3, 4, 1, 3, 8, 8)]   // a shape where libtorch 2.10's CPU conv2d backward gave wrong input gradients here
    public void TransposeLinearAndBackpropAreTheAdjointOfTheLinearMap(int k, int channels, int stride, int inChannels, int h, int w)
    {
        var spec = new LocallyConnectedLayerSpec(k, channels, stride, SharedWeights: true);
        var shape = new ImageShape(inChannels, h, w);
        using var layer = new Convolution2d(spec, shape, Activation.Tanh, new Generator(3, CPU), WeightInitialization.TorchDefault);
        using var x = randn(new long[] { 3, shape.Size }, generator: new Generator(4, CPU));
        var output = spec.OutputShape(shape);
        using var y = randn(new long[] { 3, output.Channels, output.Height, output.Width }, generator: new Generator(5, CPU));
        using var bias = layer.Bias.detach().reshape(output.Channels, 1, 1);
        using var ax = layer.Linear(x) - bias;
        using var aty = layer.TransposeLinear(y, layer.Weight);
        double left = (ax * y).sum().item<float>(), right = (x.reshape(aty.shape) * aty).sum().item<float>();
        Assert.AreEqual(left, right, 1e-4 * Math.Abs(left) + 1e-4, "⟨Ax, y⟩ = ⟨x, Aᵀy⟩");
        using var xg = x.detach().clone().requires_grad_(true);
        using (var z = layer.Linear(xg))
        using (var f = (z * y).sum())
            f.backward();
        Assert.IsTrue((xg.grad!.reshape(aty.shape) - aty).abs().max().item<float>() < 1e-4, "backprop through the layer is Aᵀy");
        using var untied = layer.UntiedWeight(layer.Weight.detach());
        using var lc = layer.Geometry.ApplyTranspose(y, untied);
        Assert.IsTrue((lc - aty).abs().max().item<float>() < 1e-4, "equal to the locally-connected transpose with the filters replicated");
    }

    [TestMethod]
    public void AConvNetIsSavedAsTheEquivalentLocallyConnectedNetworkAndScoresTheSame()
    {
        var data = TestData.MnistTrain(3);
        var options = new TrainingOptions
        {
            Algorithm = AlgorithmKind.Backprop, Epochs = 1, BatchSize = 10, Seed = 4,
            HyperParameters = new HyperParameters { Forward = new AdamSettings(1e-3) },
        };
        using var trainer = new NetworkTrainer(NetworkSpec.Parse("conv(3x3,4,2) conv(3x3,6,2) fc(16)"), data.Shape, 10, options);
        Assert.IsInstanceOfType<Convolution2d>(trainer.Network.Layers[0]);
        trainer.Fit(data);
        var model = trainer.ToModelParameters(AlgorithmKind.Backprop);
        Assert.AreEqual("lc(3x3,4,2) lc(3x3,6,2) fc(16)", model.Network.ToString(), "saved untied");
        var expected = trainer.PredictOutputs(data);
        var managed = new ManagedNetwork(model);
        var p = new float[10];
        for (int i = 0; i < data.Count; i += 3)
        {
            managed.Predict(data.Features.AsSpan(i * 784, 784), p);
            for (int c = 0; c < 10; c++) Assert.AreEqual(expected[i * 10 + c], p[c], 2e-5, $"example {i}, class {c}");
        }
    }

    [TestMethod]
    public void TargetPropagationOnAConvolutionIsAClearError()
    {
        var data = TestData.MnistTrain(1);
        var options = new TrainingOptions { Algorithm = AlgorithmKind.SimplifiedTargetProp, Epochs = 1 };
        var e = Assert.ThrowsExactly<NotSupportedException>(() => new NetworkTrainer(NetworkSpec.Parse("lc(3x3,4,2) conv(3x3,6,2) fc(16)"), data.Shape, 10, options));
        StringAssert.Contains(e.Message, "conv(3x3,6,2)");
        StringAssert.Contains(e.Message, "BP");
        Assert.AreEqual("conv(5x5,64,2)", NetworkSpec.Parse("conv(5x5,64,2)").ToString());
    }
}
