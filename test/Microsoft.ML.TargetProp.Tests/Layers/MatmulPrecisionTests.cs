using System;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Layers;

[TestClass]
public sealed class MatmulPrecisionTests
{
    private static readonly ImageShape Image = new(2, 9, 9);

    /// <summary>A layer's output and weight gradient in <paramref name="precision"/>, for the same input and upstream gradient.</summary>
    private static (float[] Output, float[] Gradient, ScalarType OutputType, ScalarType GradientType) Run(
        Func<Generator, nn.Module<Tensor, Tensor>> create, Func<nn.Module<Tensor, Tensor>, Parameter> weightOf,
        Action<nn.Module<Tensor, Tensor>, MatmulPrecision> setPrecision, long[] inputShape, MatmulPrecision precision)
    {
        using var scope = NewDisposeScope();
        var module = create(new Generator(5, CPU));
        setPrecision(module, precision);
        var gen = new Generator(9, CPU);
        var x = randn(inputShape, generator: gen);
        var y = module.forward(x);
        var upstream = randn(y.shape, generator: gen);
        using var loss = (y * upstream).sum();
        loss.backward();
        var w = weightOf(module);
        return (y.detach().flatten().data<float>().ToArray(), w.grad!.flatten().data<float>().ToArray(), y.dtype, w.grad!.dtype);
    }

    private static double RelativeError(float[] a, float[] b)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Length; i++) { diff += (a[i] - b[i]) * (double)(a[i] - b[i]); norm += b[i] * (double)b[i]; }
        return Math.Sqrt(diff / norm);
    }

    private static void AssertBFloat16IsARoundingOfFloat32(Func<Generator, nn.Module<Tensor, Tensor>> create, Func<nn.Module<Tensor, Tensor>, Parameter> weightOf,
        Action<nn.Module<Tensor, Tensor>, MatmulPrecision> setPrecision, long[] inputShape)
    {
        var fp32 = Run(create, weightOf, setPrecision, inputShape, MatmulPrecision.Float32);
        var bf16 = Run(create, weightOf, setPrecision, inputShape, MatmulPrecision.BFloat16);
        Assert.AreEqual(ScalarType.Float32, bf16.OutputType, "a bfloat16 product is returned as float32");
        Assert.AreEqual(ScalarType.Float32, bf16.GradientType, "the weights' gradients stay float32");
        // bfloat16 keeps 8 bits of mantissa (relative rounding 2⁻⁹ ≈ 0.2 %); sums of rounded products stay within a few per cent.
        double output = RelativeError(bf16.Output, fp32.Output), gradient = RelativeError(bf16.Gradient, fp32.Gradient);
        Assert.IsTrue(output is > 1e-5 and < 0.03, $"output relative error {output}: zero means bfloat16 was not used, large means it was used wrongly");
        Assert.IsTrue(gradient is > 1e-5 and < 0.03, $"weight gradient relative error {gradient}");
    }

    [TestMethod]
    public void DenseAndItsInverseInBFloat16AreARoundingOfFloat32()
    {
        AssertBFloat16IsARoundingOfFloat32(g => new Dense(ImageShape.Flat(50), 40, Activation.Tanh, g), m => ((Dense)m).Weight,
            (m, p) => ((Dense)m).Precision = p, new long[] { 16, 50 });
        AssertBFloat16IsARoundingOfFloat32(g => new DenseInverse(40, ImageShape.Flat(50), Activation.Tanh, g), m => ((DenseInverse)m).Weight,
            (m, p) => ((DenseInverse)m).Precision = p, new long[] { 16, 40 });
    }

    [TestMethod]
    [DataRow(1)]   // one input channel: the im2col gather
    [DataRow(2)]   // the strided-view gather
    public void LocallyConnectedLayersAndTheirInverseInBFloat16AreARoundingOfFloat32(int channels)
    {
        var shape = new ImageShape(channels, 9, 9);
        var spec = new LocallyConnectedLayerSpec(3, 4, 2);
        AssertBFloat16IsARoundingOfFloat32(g => new LocallyConnected2d(spec, shape, Activation.Tanh, g), m => ((LocallyConnected2d)m).Weight,
            (m, p) => ((LocallyConnected2d)m).Precision = p, new long[] { 8, channels, 9, 9 });
        var geometry = new LocalGeometry(spec, shape);
        AssertBFloat16IsARoundingOfFloat32(g => new LocallyConnectedTranspose2d(geometry, Activation.Tanh, g), m => ((LocallyConnectedTranspose2d)m).Weight,
            (m, p) => ((LocallyConnectedTranspose2d)m).Precision = p, new long[] { 8, 4, 5, 5 });
    }

    [TestMethod]
    public void AConvolutionInBFloat16IsARoundingOfFloat32()
    {
        var spec = new LocallyConnectedLayerSpec(3, 4, 1) { SharedWeights = true };
        AssertBFloat16IsARoundingOfFloat32(g => new Convolution2d(spec, Image, Activation.Tanh, g), m => ((Convolution2d)m).Weight,
            (m, p) => ((Convolution2d)m).Precision = p, new long[] { 8, 2, 9, 9 });
    }

    [TestMethod]
    public void TheTrainerGivesThePrecisionToEveryLayerAndInverseAndEvaluatesInFloat32()
    {
        var data = TestData.MnistTrain(3);
        var spec = NetworkSpec.Parse("lc(3x3,4,2) fc(32)");
        TrainingOptions Options(MatmulPrecision p) => new()
        {
            Algorithm = AlgorithmKind.SimplifiedTargetProp,
            Epochs = 2,
            BatchSize = 10,
            Seed = 4,
            Diagnostics = false,
            MatmulPrecision = p,
            HyperParameters = new HyperParameters { Forward = new AdamSettings(1e-3), Inverse = new AdamSettings(1e-3) },
        };
        using var bf16 = new NetworkTrainer(spec, data.Shape, 10, Options(MatmulPrecision.BFloat16));
        using var fp32 = new NetworkTrainer(spec, data.Shape, 10, Options(MatmulPrecision.Float32));
        Assert.IsTrue(bf16.Network.Layers.All(l => l.Precision == MatmulPrecision.BFloat16));
        var tp = (TargetPropagation)bf16.Algorithm;
        Assert.IsTrue(Enumerable.Range(1, bf16.Network.Layers.Count - 1).All(i => tp.Inverse(i)!.Precision == MatmulPrecision.BFloat16), "every inverse g_l takes its layer's precision");

        // Same seed, same initial weights: evaluation before training is float32 in both.
        Assert.AreEqual(fp32.Evaluate(data).Loss, bf16.Evaluate(data).Loss, 0.0, "evaluation measures the float32 network whatever the training precision");
        Assert.AreEqual(MatmulPrecision.BFloat16, bf16.Network.Precision, "evaluation restores the training precision");

        var a = bf16.Fit(data);
        var b = fp32.Fit(data);
        Assert.AreNotEqual(b.History[^1].TrainLoss, a.History[^1].TrainLoss, "bfloat16 training must not silently run in float32");
        Assert.AreEqual(b.History[^1].TrainLoss, a.History[^1].TrainLoss, 0.05 * b.History[^1].TrainLoss, "two epochs in bfloat16 follow the float32 run closely");
        Assert.IsTrue(bf16.Network.ForwardParameters.All(p => p.dtype == ScalarType.Float32), "θ stays float32");
    }

    [TestMethod]
    public void AnUndefinedPrecisionIsRefusedByName()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrainingOptions { MatmulPrecision = (MatmulPrecision)7 }.Validate());
        StringAssert.Contains(e.Message, "MatmulPrecision");
        using var layer = new Dense(ImageShape.Flat(3), 2, Activation.Tanh);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => layer.Precision = (MatmulPrecision)7);
    }
}
