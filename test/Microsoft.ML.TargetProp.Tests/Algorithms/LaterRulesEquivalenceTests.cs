using System;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.TargetProp.Tests.Algorithms;

/// <summary>
/// The identities that pin down the four rules of the later literature (Kolen–Pollack, sign symmetry, DRTP, FW-DTP),
/// next to <see cref="AlgorithmEquivalenceTests"/>'s for the paper's six.
/// </summary>
[TestClass]
public sealed class LaterRulesEquivalenceTests
{
    private static (TargetPropNetwork Net, Tensor X, Tensor Y, Generator Gen) Setup() => AlgorithmEquivalenceTests.Setup();

    private static Tensor[] Gradients(TargetPropNetwork net, Func<Tensor> loss) => AlgorithmEquivalenceTests.Gradients(net, () => loss());

    private static double MaxDifference(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    private static void AssertBackprop(TargetPropNetwork net, Tensor x, Tensor y, Func<Tensor> loss, string what)
    {
        var expected = Gradients(net, () => F.cross_entropy(net.forward(x), y));
        var actual = Gradients(net, loss);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = expected[i].abs().max().item<float>();
            Assert.IsTrue(scale > 0, $"{what}: BP gradient {i} is zero; the test would prove nothing");
            Assert.IsTrue(MaxDifference(expected[i], actual[i]) <= 1e-3 * scale, $"{what}: parameter {i} differs from BP");
        }
    }

    /// <summary>Sign symmetry with the magnitudes of W_l instead of a constant: sign(W) ⊙ |W| = W.</summary>
    private sealed class MagnitudeSignSymmetry(TargetPropNetwork network) : SignSymmetry(network)
    {
        public override Tensor Feedback(int layer)
        {
            using var _ = no_grad();
            var w = Network.Layers[layer].Weight;
            using var sign = w.sign();
            using var magnitude = w.abs();
            return sign * magnitude;
        }
    }

    [TestMethod]
    public void SignSymmetryWithTheWeightsMagnitudesIsBackprop()
    {
        var (net, x, y, _) = Setup();
        using var rule = new MagnitudeSignSymmetry(net);
        AssertBackprop(net, x, y, () => rule.ForwardLoss(net.Run(x, layerLocal: true), y), "sign(W)·|W|");
    }

    [TestMethod]
    public void SignSymmetryFeedbackHasTheWeightsSignsAndItsGradientsPointWithBackprops()
    {
        var (net, x, y, _) = Setup();
        using var rule = new SignSymmetry(net, scale: 2);
        using var feedback = rule.Feedback(2);
        var w = net.Layers[2].Weight;
        double s = 2 * Math.Sqrt(2.0 / (net.Layers[2].FanIn + net.Layers[2].InitFanOut));
        Assert.AreEqual(0, MaxDifference(feedback, w.sign() * s), 1e-7);
        var bp = Gradients(net, () => F.cross_entropy(net.forward(x), y));
        var ss = Gradients(net, () => rule.ForwardLoss(net.Run(x, layerLocal: true), y));
        Assert.IsTrue(MaxDifference(bp[0], ss[0]) > 1e-4 * bp[0].abs().max().item<float>(), "uSF is not BP");
        double cosine = (bp[0].flatten() * ss[0].flatten()).sum().item<float>() / (bp[0].norm().item<float>() * ss[0].norm().item<float>());
        Assert.IsTrue(cosine > 0.3, $"sign-concordant feedback must point with BP's gradient in the first layer; cosine {cosine:F3}");
    }

    [TestMethod]
    public void KolenPollackWithFeedbackEqualToWeightsIsBackprop()
    {
        var (net, x, y, gen) = Setup();
        using var rule = new KolenPollack(net, gen);
        using (no_grad())
            for (int i = 1; i < net.Layers.Count; i++) rule.Feedback(i).copy_(net.Layers[i].Weight);
        AssertBackprop(net, x, y, () => rule.ForwardLoss(net.Run(x, layerLocal: true), y), "KP(B = W)");
    }

    [TestMethod]
    public void KolenPollackShrinksTheDistanceBetweenFeedbackAndWeightsByOneMinusLrTimesDecayEveryStep()
    {
        var data = TestData.MnistTrain(64);
        const double lr = 1e-3, decay = 50;
        var options = new TrainingOptions
        {
            Algorithm = KolenPollack.Descriptor, Epochs = 1, BatchSize = 16, Seed = 5, Diagnostics = false,
            HyperParameters = new HyperParameters { Forward = new AdamSettings(lr), Settings = RuleSettings.Empty.With(KolenPollack.WeightDecay.Name, decay) },
        };
        using var trainer = new NetworkTrainer(NetworkSpec.Parse("lc(3x3,8,2) fc(32)"), data.Shape, 10, options);
        var rule = (KolenPollack)trainer.Algorithm;
        int layers = trainer.Network.Layers.Count;
        double[] Distances() => Enumerable.Range(1, layers - 1).Select(i => (double)(trainer.Network.Layers[i].Weight - rule.Feedback(i)).norm().item<float>()).ToArray();
        var before = Distances();
        var weightsBefore = trainer.Network.Layers[1].Weight.clone();
        trainer.Fit(data);
        var after = Distances();
        double factor = Math.Pow(1 - lr * decay, (data.Count + 15) / 16);   // one step per batch
        for (int i = 0; i < before.Length; i++)
            Assert.AreEqual(before[i] * factor, after[i], 1e-4 * before[i], $"layer {i + 1}: ‖W − B‖ {before[i]} → {after[i]}, expected ×{factor:F4}");
        Assert.IsTrue(MaxDifference(weightsBefore, trainer.Network.Layers[1].Weight) > 1e-4, "W must have trained");
        Assert.AreEqual(3, trainer.ParameterGroups.Count);
        Assert.IsFalse(trainer.TrainsInverses);
    }

    [TestMethod]
    public void DirectRandomTargetProjectionSendsNoErrorToTheHiddenLayers()
    {
        var (net, x, y, gen) = Setup();
        using var rule = new DirectRandomTargetProjection(net, gen);
        var first = Gradients(net, () => rule.ForwardLoss(net.Run(x, layerLocal: true), y));
        // Another output layer changes the output error e but not the hidden layers' updates.
        using (no_grad()) net.Layers[^1].Weight.mul_(3.0);
        var second = Gradients(net, () => rule.ForwardLoss(net.Run(x, layerLocal: true), y));
        for (int i = 0; i < first.Length - 2; i++) Assert.AreEqual(0, MaxDifference(first[i], second[i]), 1e-7, $"hidden parameter {i}");
        Assert.IsTrue(MaxDifference(first[^2], second[^2]) > 1e-6, "the output layer does learn from e");
        // The last hidden layer's weight gradient is (y* B) ⊙ σ′(a) times its input: not divided by the batch.
        var pass = net.Run(x, layerLocal: true);
        int last = net.Layers.Count - 2;
        var delta = F.one_hot(y, 5).to_type(ScalarType.Float32).mm(rule.Projection(last)) * (1 - pass.Outputs[last].square());
        var expected = delta.t().mm(pass.Inputs[last].flatten(1));
        Assert.AreEqual(0, MaxDifference(expected, second[2 * last]), 1e-4 * expected.abs().max().item<float>());
    }

    [TestMethod]
    public void FixedWeightTargetPropStepsTheOutputAndNeverTrainsItsInverses()
    {
        var (net, x, y, gen) = Setup();
        using var rule = new FixedWeightTargetProp(net, alpha: 0.3, gen);
        var pass = net.Run(x, layerLocal: true);
        var targets = rule.Targets(pass, y);
        var g = rule.Inverse(net.Layers.Count - 1)!;
        using var e = F.softmax(pass.Output, 1) - F.one_hot(y, 5).to_type(ScalarType.Float32);
        var expected = pass.Outputs[^2] - g.forward(pass.Output) + g.forward(pass.Output - 0.3 * e);   // ĥ_{L-1} = h − g(a) + g(a − αe)
        Assert.AreEqual(0, MaxDifference(expected, targets[^1]), 1e-5);
        Assert.IsNull(rule.InverseLoss(pass, gen));
        Assert.IsFalse(rule.ParameterGroups(new HyperParameters()).Any(p => p.Phase == TrainingPhase.Inverse));

        var data = TestData.MnistTrain(32);
        using var trainer = new NetworkTrainer(NetworkSpec.Parse("fc(32) fc(16)"), data.Shape, 10, new TrainingOptions
        {
            Algorithm = FixedWeightTargetProp.Descriptor, Epochs = 1, BatchSize = 16, Diagnostics = false,
            HyperParameters = new HyperParameters { Forward = new AdamSettings(1e-3), Alpha = 0.1 },
        });
        var inverses = trainer.Algorithm.InverseParameters.Select(p => p.clone()).ToArray();
        var weights = trainer.Network.Layers[0].Weight.clone();
        trainer.Fit(data);
        foreach (var (before, now) in inverses.Zip(trainer.Algorithm.InverseParameters)) Assert.AreEqual(0, MaxDifference(before, now));
        Assert.IsTrue(MaxDifference(weights, trainer.Network.Layers[0].Weight) > 1e-5, "the forward weights train");
    }
}
