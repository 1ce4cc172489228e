using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.TargetProp.Tests.Algorithms;

/// <summary>Identities that hold only when the math of each algorithm is right (sections 5.1 and 5.6).</summary>
[TestClass]
public sealed class AlgorithmEquivalenceTests
{
    private static readonly NetworkSpec Small = NetworkSpec.Parse("lc(3x3,4,2) lc(3x3,6) fc(16) fc(12)");
    private static readonly ImageShape Input = new(1, 8, 8);

    internal static (TargetPropNetwork Net, Tensor X, Tensor Y, Generator Gen) Setup(int seed = 1)
    {
        var gen = new Generator((ulong)seed, CPU);
        var net = new TargetPropNetwork(Small, Input, 5, gen);
        var x = rand(new long[] { 7, 64 }, generator: gen);
        var y = randint(0, 5, new long[] { 7 }, generator: gen);
        return (net, x, y, gen);
    }

    internal static Tensor[] Gradients(TargetPropNetwork net, System.Func<Tensor> loss)
    {
        foreach (var p in net.parameters()) p.grad?.zero_();
        loss().backward();
        var grads = net.ForwardParameters.Select(p => p.grad!.clone()).ToArray();
        foreach (var p in net.parameters()) p.grad?.zero_();
        return grads;
    }

    private static Tensor[] BackpropGradients(TargetPropNetwork net, Tensor x, Tensor y) =>
        Gradients(net, () => F.cross_entropy(net.forward(x), y));

    private static void AssertSameGradients(Tensor[] expected, Tensor[] actual, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = (expected[i] - actual[i]).abs().max().item<float>();
            double scale = expected[i].abs().max().item<float>();
            Assert.IsTrue(scale > 0, $"{what}: BP gradient {i} is zero; the test would prove nothing");
            Assert.IsTrue(diff <= 1e-5 && diff <= 1e-3 * scale, $"{what}: parameter {i} differs from BP by {diff} (scale {scale})");
        }
    }

    [TestMethod]
    public void FeedbackAlignmentWithFeedbackEqualToWeightsIsBackprop()
    {
        var (net, x, y, gen) = Setup();
        using var fa = new FeedbackAlignment(net, gen);
        using (no_grad())
            for (int i = 1; i < net.Layers.Count; i++) fa.Feedback(i).copy_(net.Layers[i].Weight);
        var expected = BackpropGradients(net, x, y);
        var actual = Gradients(net, () => fa.ForwardLoss(net.Run(x, layerLocal: true), y));
        AssertSameGradients(expected, actual, "FA(B = W)");
    }

    [TestMethod]
    public void DirectFeedbackAlignmentWithTheOutputWeightsAsFeedbackIsBackpropForThePenultimateLayer()
    {
        // e projected by B_{L-1} = W_L is exactly BP's δ_{L-1}; the lower layers keep their random projections.
        var (net, x, y, gen) = Setup();
        using var dfa = new DirectFeedbackAlignment(net, gen);
        int last = net.Layers.Count - 1;
        Assert.IsTrue(last >= 2, "the setup needs a layer below the penultimate one");
        using (no_grad()) dfa.Feedback(last - 1).copy_(net.Layers[last].Weight);
        var expected = BackpropGradients(net, x, y);
        var actual = Gradients(net, () => dfa.ForwardLoss(net.Run(x, layerLocal: true), y));
        AssertSameGradients(expected[^4..], actual[^4..], "DFA(B_{L-1} = W_L): penultimate and output layers");
        double diff = (expected[0] - actual[0]).abs().max().item<float>();
        Assert.IsTrue(diff > 1e-4, "the first layer's random projection must not be BP's");
    }

    [TestMethod]
    public void FeedbackAlignmentWithRandomFeedbackIsNotBackprop()
    {
        var (net, x, y, gen) = Setup();
        using var fa = new FeedbackAlignment(net, gen);
        var expected = BackpropGradients(net, x, y);
        var actual = Gradients(net, () => fa.ForwardLoss(net.Run(x, layerLocal: true), y));
        double diff = (expected[0] - actual[0]).abs().max().item<float>();
        Assert.IsTrue(diff > 1e-4, "random feedback must change the first layer's update");
        AssertSameGradients(expected[^2..], actual[^2..], "FA output layer");
    }

    [TestMethod]
    public void DifferenceTargetPropWithBackpropInverseIsBackprop()
    {
        var (net, x, y, gen) = Setup();
        using var dtp = new DifferenceTargetProp(net, alpha: 1.0, sigma: 0.1, gen, bpMix: 1.0);
        var expected = BackpropGradients(net, x, y);
        var actual = Gradients(net, () => dtp.ForwardLoss(net.Run(x, layerLocal: true), y));
        AssertSameGradients(expected, actual, "DTP(α = 1, g = g_bp)");
    }

    [TestMethod]
    public void SimplifiedTargetPropWithBackpropInverseIsBackprop()
    {
        var (net, x, y, gen) = Setup();
        using var sdtp = new SimplifiedTargetProp(net, sigma: 0.1, gen, bpMix: 1.0);
        var expected = BackpropGradients(net, x, y);
        var actual = Gradients(net, () => sdtp.ForwardLoss(net.Run(x, layerLocal: true), y));
        AssertSameGradients(expected, actual, "SDTP(g = g_bp)");
    }

    [TestMethod]
    public void AugmentedOutputTargetPropWithBackpropInverseIsBackprop()
    {
        var (net, x, y, gen) = Setup();
        using var ao = new AugmentedOutputTargetProp(net, auxiliaryUnits: 9, sigma: 0.1, gen, bpMix: 1.0);
        var expected = BackpropGradients(net, x, y);
        var actual = Gradients(net, () => ao.ForwardLoss(net.Run(x, layerLocal: true), y));
        AssertSameGradients(expected, actual, "AO-SDTP(g = g_bp)");
    }

    [TestMethod]
    public void PureTargetPropIsNotBackprop()
    {
        var (net, x, y, gen) = Setup();
        using var sdtp = new SimplifiedTargetProp(net, sigma: 0.1, gen);
        var expected = BackpropGradients(net, x, y);
        var actual = Gradients(net, () => sdtp.ForwardLoss(net.Run(x, layerLocal: true), y));
        Assert.IsTrue((expected[0] - actual[0]).abs().max().item<float>() > 1e-5, "untrained inverses must not reproduce BP");
    }

    [TestMethod]
    public void HybridMixesTheTwoCorrectionsLinearly()
    {
        var (net, x, y, gen) = Setup();
        var pass = net.Run(x, layerLocal: true);
        using var tp = new SimplifiedTargetProp(net, 0.1, new Generator(9, CPU), bpMix: 0);
        using var bp = new SimplifiedTargetProp(net, 0.1, new Generator(9, CPU), bpMix: 1);
        using var half = new SimplifiedTargetProp(net, 0.1, new Generator(9, CPU), bpMix: 0.5);
        var ttp = tp.Targets(pass, y);
        var tbp = bp.Targets(pass, y);
        var thalf = half.Targets(pass, y);
        int last = ttp.Length - 1;
        Assert.IsTrue(thalf[last].allclose((ttp[last] + tbp[last]) / 2, rtol: 1e-4, atol: 1e-6), "penultimate target must be the average");
        Assert.IsTrue(last >= 1, "the setup network needs a lower layer to propagate to");
        for (int j = 1; j <= last; j++)
        {
            // The same upper target pushed through each layer: the a = ½ correction is the mean of a = 0 and a = 1.
            var target = ttp[j];
            var lowTp = tp.PropagateTarget(j, pass, target);
            var lowBp = bp.PropagateTarget(j, pass, target);
            var lowHalf = half.PropagateTarget(j, pass, target);
            Assert.IsFalse(lowTp.allclose(lowBp, rtol: 1e-3, atol: 1e-5), $"layer {j}: g_tp and g_bp corrections must differ for the test to mean anything");
            Assert.IsTrue(lowHalf.allclose((lowTp + lowBp) / 2, rtol: 1e-4, atol: 1e-6), $"layer {j}: the hybrid target must be the average");
        }
    }

    [TestMethod]
    public void DifferenceCorrectionReturnsTheActivityWhenTheTargetIsTheActivity()
    {
        var (net, x, _, gen) = Setup();
        using var sdtp = new SimplifiedTargetProp(net, sigma: 0.1, gen);
        using var dtp = new DifferenceTargetProp(net, 0.1, 0.1, gen);
        var pass = net.Run(x, layerLocal: true);
        for (int layer = 1; layer < net.Layers.Count - 1; layer++)
        {
            using var target = pass.Outputs[layer].clone();
            Assert.IsTrue(sdtp.PropagateTarget(layer, pass, target).eq(pass.Outputs[layer - 1]).all().item<bool>(), $"SDTP layer {layer}: ĥ_l+1 = h_l+1 must give ĥ_l = h_l exactly");
            Assert.IsTrue(dtp.PropagateTarget(layer, pass, target).eq(pass.Outputs[layer - 1]).all().item<bool>(), $"DTP layer {layer}: ĥ_l+1 = h_l+1 must give ĥ_l = h_l exactly");
        }
    }

    [TestMethod]
    public void DenoisingInverseLossIsSection51()
    {
        var (net, x, _, _) = Setup();
        using var sdtp = new SimplifiedTargetProp(net, sigma: 0.2, new Generator(1, CPU));
        var pass = net.Run(x, layerLocal: true);
        using var actual = sdtp.InverseLoss(pass, new Generator(42, CPU))!;

        var noise = new Generator(42, CPU);
        double expected = 0;
        for (int i = 1; i < net.Layers.Count; i++)
        {
            var h = pass.Inputs[i];
            var corrupted = h + randn(h.shape, generator: noise) * 0.2;
            var f = net.Layers[i].forward(corrupted);
            if (i == net.Layers.Count - 1) f = f.softmax(1);
            var r = sdtp.Inverse(i)!.forward(f);
            expected += 0.5 * (h - r).square().sum().item<float>() / h.shape[0];   // ‖h − g(f(h + ε))‖²
        }
        Assert.AreEqual(expected, actual.item<float>(), 1e-4 * expected);
    }

    [TestMethod]
    public void NoisePreservingInverseLossIsSection51()
    {
        var (net, x, _, _) = Setup();
        using var dtp = new DifferenceTargetProp(net, alpha: 0.1, sigma: 0.2, new Generator(1, CPU));
        var pass = net.Run(x, layerLocal: true);
        using var actual = dtp.InverseLoss(pass, new Generator(42, CPU))!;

        var noise = new Generator(42, CPU);
        double expected = 0;
        for (int i = 1; i < net.Layers.Count - 1; i++)        // DTP has no inverse of the output layer
        {
            Assert.IsNotNull(dtp.Inverse(i));
            var h = pass.Inputs[i];
            var corrupted = h + randn(h.shape, generator: noise) * 0.2;
            var r = dtp.Inverse(i)!.forward(net.Layers[i].forward(corrupted));
            expected += 0.5 * (corrupted - r).square().sum().item<float>() / h.shape[0];   // ‖h̃ − g(f(h̃))‖²
        }
        Assert.IsNull(dtp.Inverse(net.Layers.Count - 1));
        Assert.AreEqual(expected, actual.item<float>(), 1e-4 * expected);
    }

    [TestMethod]
    public void InverseTrainingReducesReconstructionError()
    {
        var data = TestData.MnistTrain(20);
        var gen = new Generator(2, CPU);
        var net = new TargetPropNetwork(NetworkSpec.Parse("lc(3x3,8,2) fc(64)"), data.Shape, 10, gen);
        using var sdtp = new SimplifiedTargetProp(net, sigma: 0.05, gen);
        using var x = tensor(data.Features, new long[] { data.Count, data.Shape.Size });
        var pass = net.Run(x, layerLocal: true);
        double before = sdtp.ReconstructionErrors(pass).Where(e => e.HasValue).Sum(e => e!.Value);
        using var opt = optim.Adam(sdtp.InverseParameters, 3e-3);
        for (int step = 0; step < 150; step++)
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            sdtp.InverseLoss(pass, gen)!.backward();
            opt.step();
        }
        double after = sdtp.ReconstructionErrors(pass).Where(e => e.HasValue).Sum(e => e!.Value);
        Assert.IsTrue(after < 0.5 * before, $"reconstruction error went from {before} to {after}");
    }
}
