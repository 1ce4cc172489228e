using System;
using System.IO;
using System.Linq;
using Microsoft.ML.TargetProp.Inference;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Inference;

[TestClass]
public sealed class ManagedNetworkTests
{
    /// <summary>The managed SIMD forward pass equals TorchSharp's on every Table 3 preset, biases included.</summary>
    [TestMethod]
    [DataRow("mnist-fc")]
    [DataRow("mnist-lc")]
    [DataRow("cifar-fc")]
    [DataRow("cifar-lc")]
    [DataRow("imagenet-lc")]
    [DataRow("mnist-conv")]   // saved untied: the filters replicated at every location
    [DataRow("cifar-conv")]
    public void MatchesTorchSharpOnEveryPreset(string name)
    {
        var preset = NetworkPresets.Get(name);
        var gen = new Generator(17, CPU);
        using var net = new TargetPropNetwork(preset.Network, preset.InputShape, preset.Classes, gen);
        using (no_grad())
            foreach (var layer in net.Layers) layer.Bias.copy_(randn(layer.Bias.shape, generator: gen) * 0.1);
        int n = name == "imagenet-lc" ? 1 : 6;   // 6 rows: the 4-row SIMD kernel and its tail
        using var x = rand(new long[] { n, preset.InputShape.Size }, generator: gen);
        using var expected = net.forward(x).softmax(1);
        var managed = new ManagedNetwork(net.ToModelParameters(AlgorithmKind.Backprop));
        var inputs = x.data<float>().ToArray();
        var actual = new float[n * preset.Classes];
        managed.PredictBatch(inputs, n, actual);
        var reference = expected.data<float>().ToArray();
        double maxDiff = reference.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.IsTrue(maxDiff <= 1e-4, $"{name}: max |torch − managed| = {maxDiff}");
        Assert.IsTrue(reference.Max() - reference.Min() > 1e-3, "outputs must vary, or the comparison proves nothing");
    }

    [TestMethod]
    public void BatchedBlocksEqualSingleExamples()
    {
        var gen = new Generator(23, CPU);
        using var net = new TargetPropNetwork(NetworkSpec.Parse("lc(3x3,5,2) lc(2x2,7) fc(1100) fc(33)"), new ImageShape(2, 9, 11), 4, gen);   // fc(1100) takes the parallel single-row path
        var managed = new ManagedNetwork(net.ToModelParameters(AlgorithmKind.Backprop));
        int n = 2 * ManagedNetwork.BlockRows + 5;
        var inputs = rand(new long[] { n, managed.InputSize }, generator: gen).data<float>().ToArray();
        var batch = new float[n * 4];
        managed.PredictBatch(inputs, n, batch);
        var single = new float[4];
        for (int i = 0; i < n; i++)
        {
            managed.Predict(inputs.AsSpan(i * managed.InputSize, managed.InputSize), single);
            for (int k = 0; k < 4; k++) Assert.AreEqual(single[k], batch[i * 4 + k], $"row {i} class {k}: single and batched scoring must agree exactly");
        }
        Assert.ThrowsExactly<ArgumentException>(() => managed.Predict(new float[3], single));
    }

    /// <summary>
    /// Every kernel path gives the same bits, batched or one example at a time (including the large dense layer that a
    /// single example splits over the cores); a NaN pixel makes its own row's scores NaN and no other row's.
    /// </summary>
    [TestMethod]
    public void EveryKernelPathScoresTheSameBitsAndNaNStaysInItsRow()
    {
        var gen = new Generator(29, CPU);
        using var net = new TargetPropNetwork(NetworkSpec.Parse("lc(3x3,9,2) lc(2x2,33) fc(1100) fc(7)"), new ImageShape(1, 15, 13), 5, gen);   // 33·8·7 × 1100 > 2^20: the parallel single-row path
        var model = net.ToModelParameters(AlgorithmKind.Backprop);
        int n = 2 * ManagedNetwork.BlockRows + 5;
        var inputs = rand(new long[] { n, model.InputShape.Size }, generator: gen).data<float>().ToArray();
        inputs[9 * model.InputShape.Size + 100] = float.NaN;
        float[]? first = null;
        foreach (var path in Enum.GetValues<PanelKernel.Path>())
        {
            var managed = new ManagedNetwork(model, path);
            var batch = new float[n * 5];
            managed.PredictBatch(inputs, n, batch);
            var single = new float[5];
            for (int i = 0; i < n; i++)
            {
                managed.Predict(inputs.AsSpan(i * managed.InputSize, managed.InputSize), single);
                for (int k = 0; k < 5; k++)
                {
                    Assert.AreEqual(single[k], batch[i * 5 + k], $"{path}, row {i} class {k}: single and batched scoring must agree exactly");
                    Assert.AreEqual(i == 9, float.IsNaN(batch[i * 5 + k]), $"{path}, row {i} class {k}: only the row with the NaN pixel is NaN");
                }
            }
            first ??= batch;
            CollectionAssert.AreEqual(first, batch, $"{path} scores other bits than the first path");
        }
    }

    /// <summary>Hidden locally-connected layers, stored channels-last inside the pass, come out of Activations in the model's (C, H, W) order.</summary>
    [TestMethod]
    public void HiddenLocallyConnectedActivationsAreInTheModelsOrder()
    {
        var gen = new Generator(31, CPU);
        var input = new ImageShape(2, 9, 7);
        using var net = new TargetPropNetwork(NetworkSpec.Parse("lc(3x3,6,2) lc(2x2,5) fc(8)"), input, 3, gen);
        var model = net.ToModelParameters(AlgorithmKind.Backprop);
        var managed = new ManagedNetwork(model);
        int n = ManagedNetwork.BlockRows + 3;
        var x = rand(new long[] { n, input.Size }, generator: gen).data<float>().ToArray();
        var specs = model.Network.HiddenLayers.OfType<LocallyConnectedLayerSpec>().ToArray();
        var shapes = model.LayerInputShapes;
        var first = LocallyConnectedInferenceTests.Naive(model.Layers[0], specs[0], shapes[0], x, n).Select(v => (float)Math.Tanh(v)).ToArray();
        var second = LocallyConnectedInferenceTests.Naive(model.Layers[1], specs[1], shapes[1], first, n).Select(v => (float)Math.Tanh(v)).ToArray();
        var captured = new float[n * shapes[1].Size];
        var outputs = new float[n * shapes[2].Size];
        managed.ActivationsBatch(x, n, 1, outputs, 0, captured);
        for (int i = 0; i < first.Length; i++) Assert.AreEqual(first[i], captured[i], 1e-5f, $"layer 0, value {i}");
        for (int i = 0; i < second.Length; i++) Assert.AreEqual(second[i], outputs[i], 1e-5f, $"layer 1, value {i}");
        var single = new float[shapes[1].Size];
        managed.Activations(x.AsSpan(0, input.Size), 0, single);
        CollectionAssert.AreEqual(captured[..single.Length], single, "one example, layer 0");
    }

    [TestMethod]
    public void ModelParametersRoundTripAndRejectDamage()
    {
        var gen = new Generator(1, CPU);
        using var net = new TargetPropNetwork(NetworkSpec.Parse("lc(3x3,4,2) fc(16)"), new ImageShape(1, 8, 8), 3, gen);
        var history = new[] { new EpochMetrics { Epoch = 1, TrainLoss = 0.5, AlignmentAngles = new double?[] { 12.5, null } } };
        var model = net.ToModelParameters(AlgorithmKind.SimplifiedTargetProp, new HyperParameters { Sigma = 0.2 }, history);
        using var stream = new MemoryStream();
        model.Save(stream);
        var bytes = stream.ToArray();
        var loaded = TargetPropModelParameters.Load(bytes);
        Assert.AreEqual(model.Network, loaded.Network);
        Assert.AreEqual(AlgorithmKind.SimplifiedTargetProp, loaded.Algorithm);
        Assert.AreEqual(0.2, loaded.HyperParameters.Sigma);
        Assert.AreEqual(12.5, loaded.History[0].AlignmentAngles[0]);
        for (int i = 0; i < model.Layers.Count; i++)
            CollectionAssert.AreEqual(model.Layers[i].Weight, loaded.Layers[i].Weight);

        Assert.ThrowsExactly<InvalidDataException>(() => TargetPropModelParameters.Load(bytes[..(bytes.Length / 2)]));
        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x10;
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => TargetPropModelParameters.Load(flipped)).Message, "checksum");
        var newer = (byte[])bytes.Clone();
        newer[8] = 99;
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => TargetPropModelParameters.Load(newer)).Message, "format 99");
        Assert.ThrowsExactly<InvalidDataException>(() => TargetPropModelParameters.Load(new byte[] { 1, 2, 3 }));
    }

    /// <summary>
    /// A model saved by an algorithm this package does not know (a newer package's, with settings this one has no field
    /// for) loads as <see cref="AlgorithmKind.Unknown"/>, keeps its name through a re-save, and scores exactly like the
    /// same weights saved by a known algorithm: scoring never reads the algorithm.
    /// </summary>
    [TestMethod]
    public void AModelOfAnUnknownAlgorithmLoadsAndScoresTheSame()
    {
        var gen = new Generator(3, CPU);
        using var net = new TargetPropNetwork(NetworkSpec.Parse("lc(3x3,4,2) fc(16)"), new ImageShape(1, 8, 8), 3, gen);
        var known = net.ToModelParameters(AlgorithmKind.SimplifiedTargetProp);
        var future = known.WithAlgorithmName("HebbianTargetProp");
        Assert.AreEqual(AlgorithmKind.Unknown, future.Algorithm);

        static byte[] Bytes(TargetPropModelParameters m) { using var s = new MemoryStream(); m.Save(s); return s.ToArray(); }
        var loaded = TargetPropModelParameters.Load(Bytes(future));
        Assert.AreEqual(AlgorithmKind.Unknown, loaded.Algorithm);
        Assert.AreEqual("HebbianTargetProp", loaded.AlgorithmName);
        Assert.AreEqual("HebbianTargetProp", TargetPropModelParameters.Load(Bytes(loaded)).AlgorithmName, "a re-save keeps the name");
        Assert.AreEqual("SimplifiedTargetProp", TargetPropModelParameters.Load(Bytes(known)).AlgorithmName);
        Assert.AreEqual(AlgorithmKind.SimplifiedTargetProp, known.WithAlgorithmName("SimplifiedTargetProp").Algorithm);
        Assert.AreEqual(AlgorithmKind.Unknown, known.WithAlgorithmName("3").Algorithm, "a number is not a name");

        var x = Enumerable.Range(0, 2 * 64).Select(i => (float)Math.Sin(i)).ToArray();
        var expected = new float[6];
        var actual = new float[6];
        new ManagedNetwork(known).PredictBatch(x, 2, expected);
        new ManagedNetwork(loaded).PredictBatch(x, 2, actual);
        CollectionAssert.AreEqual(expected, actual);
    }
}
