using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Networks;

/// <summary>The network f_L ∘ … ∘ f_1 and the activities h_{l-1}, a_l, h_l that a forward pass keeps for the algorithms.</summary>
[TestClass]
public sealed class TargetPropNetworkTests
{
    private static readonly NetworkSpec Spec = NetworkSpec.Parse("lc(3x3,4,2) fc(16)");
    private static readonly ImageShape Input = new(1, 8, 8);

    private static double MaxDiff(Tensor a, Tensor b)
    {
        using var d = (a - b).abs().max();
        return d.item<float>();
    }

    [TestMethod]
    public void RunKeepsEveryLayersActivitiesAndEndsWhereForwardEnds()
    {
        using var scope = NewDisposeScope();   // the loops\' indexing and reductions make temporaries
        var gen = new Generator(7, CPU);
        using var net = new TargetPropNetwork(Spec, Input, 5, gen);
        using var x = rand(new long[] { 4, 64 }, generator: gen);
        var pass = net.Run(x, layerLocal: false);
        using var logits = net.forward(x);

        Assert.AreEqual(net.Layers.Count, pass.Count);
        Assert.AreEqual(3, pass.Count, "two hidden layers and the output layer");
        Assert.AreEqual(4L, pass.BatchSize);
        CollectionAssert.AreEqual(new long[] { 4, 5 }, pass.Output.shape);
        Assert.AreEqual(0, MaxDiff(logits, pass.Output), 1e-6, "Run's h_L equals forward's");
        for (int l = 0; l < pass.Count - 1; l++)
        {
            using var tanh = pass.PreActivations[l].tanh();
            Assert.AreEqual(0, MaxDiff(tanh, pass.Outputs[l]), 1e-6, $"h_{l + 1} = tanh(a_{l + 1})");
            using var next = pass.Inputs[l + 1].flatten(1);
            using var mine = pass.Outputs[l].flatten(1);
            Assert.AreEqual(0, MaxDiff(mine, next), 0, $"layer {l + 2} reads h_{l + 1}");
        }
        Assert.AreEqual(0, MaxDiff(pass.PreActivations[^1], pass.Output), 0, "the output layer is linear");
    }

    [TestMethod]
    public void ALayerLocalPassKeepsEachLossOnItsOwnLayer()
    {
        using var scope = NewDisposeScope();   // the loops\' indexing and reductions make temporaries
        var gen = new Generator(8, CPU);
        using var net = new TargetPropNetwork(Spec, Input, 5, gen);
        using var x = rand(new long[] { 4, 64 }, generator: gen);
        foreach (bool local in new[] { true, false })
        {
            foreach (var p in net.parameters()) p.grad?.zero_();
            var pass = net.Run(x, layerLocal: local);
            using var loss = pass.Outputs[1].square().sum();   // a loss on h_2 only
            loss.backward();
            var first = net.Layers[0].Weight.grad;
            double firstNorm = first is null ? 0 : first.abs().sum().item<float>();
            double secondNorm = net.Layers[1].Weight.grad!.abs().sum().item<float>();
            Assert.IsTrue(secondNorm > 0, $"layerLocal={local}: the loss must reach θ_2");
            if (local) Assert.AreEqual(0, firstNorm, $"a layer-local loss on h_2 reached θ_1 ({firstNorm})");
            else Assert.IsTrue(firstNorm > 0, "through a full pass the loss on h_2 reaches θ_1");
        }
    }

    [TestMethod]
    public void OutputSizesThatCannotBeTrainedAreRefusedWithTheSizeExpected()
    {
        var classifier = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TargetPropNetwork(Spec, Input, 1));
        StringAssert.Contains(classifier.Message, "at least 2 classes");
        var autoencoder = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new TargetPropNetwork(Spec, Input, 10, objective: TaskObjective.Reconstruction));
        StringAssert.Contains(autoencoder.Message, "needs 64 output units");
        using var ok = new TargetPropNetwork(Spec, Input, 64, objective: TaskObjective.Reconstruction);
        Assert.AreEqual(64, ok.OutputSize);
        Assert.AreSame(TaskObjective.Reconstruction, ok.Objective);
    }
}
