using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Algorithms;

/// <summary>
/// <see cref="LearningAlgorithm.StepMultiplyAdds"/> against counts written out by hand for Table 3's MNIST-LC network
/// (the cost model behind <c>tpnet bench</c>'s matrix-product rows and the SDTP/BP bound in docs/performance.md).
/// </summary>
[TestClass]
public sealed class StepCostTests
{
    // Nonzeros of each W_l: lc(3x3,32,2) on 1×28×28, lc(3x3,64,2) on 32×14×14, fc(1024) on 64×7×7, the 10-way output.
    private const long Lc1 = 14 * 14 * (1 * 3 * 3) * 32, Lc2 = 7 * 7 * (32 * 3 * 3) * 64, Fc = 64 * 7 * 7 * 1024, Output = 1024 * 10;
    private const long AllLayers = Lc1 + Lc2 + Fc + Output, AboveFirst = Lc2 + Fc + Output;

    private static long Count(AlgorithmDescriptor rule, int auxiliaryUnits = 0, double bpMix = 0)
    {
        var generator = new Generator(0, CPU);
        var preset = NetworkPresets.MnistLc;
        using var network = new TargetPropNetwork(preset.Network, preset.InputShape, preset.Classes, generator);
        using var algorithm = rule.Create(new AlgorithmContext(network, new HyperParameters { AuxiliaryUnits = auxiliaryUnits, BpMix = bpMix, Sigma = 0.1, Alpha = 0.1 }, generator));
        return algorithm.StepMultiplyAdds();
    }

    [TestMethod]
    public void BackpropAndFeedbackAlignmentPayForwardWeightGradientAndOneTransposeAboveTheFirstLayer()
    {
        Assert.AreEqual(2 * AllLayers + AboveFirst, Count(AlgorithmKind.Backprop));
        Assert.AreEqual(2 * AllLayers + AboveFirst, Count(AlgorithmKind.FeedbackAlignment));
        Assert.AreEqual(2 * AllLayers + 10 * (32 * 14 * 14 + 64 * 7 * 7 + 1024), Count(AlgorithmKind.DirectFeedbackAlignment));
    }

    [TestMethod]
    public void SimplifiedTargetPropMultipliesFiveTimesMoreAboveTheFirstLayerAndIsAtLeastTwoPointThreeTimesBackprop()
    {
        // g_l(h_l), g_l(ĥ_l) for the targets; f_l(h_{l-1} + ϵ), g_l(·) and ∂/∂V_l for the inverse loss; V_l is shaped like W_lᵀ.
        long sdtp = Count(AlgorithmKind.SimplifiedTargetProp);
        Assert.AreEqual(2 * AllLayers + 5 * AboveFirst, sdtp);
        Assert.AreEqual(2.321, (double)sdtp / Count(AlgorithmKind.Backprop), 0.001);
        // AO-SDTP's g_L also reads 512 auxiliary units: four products with the wider V_L.
        Assert.AreEqual(sdtp + 4 * 512 * 1024, Count(AlgorithmKind.AugmentedOutputTargetProp, auxiliaryUnits: 512));
        // The hybrid adds W_lᵀ δ where g_bp is mixed in (the penultimate target and the propagated ones).
        Assert.AreEqual(sdtp + AboveFirst, Count(AlgorithmKind.SimplifiedTargetProp, bpMix: 0.5));
        Assert.AreEqual(sdtp + AboveFirst - 2 * AboveFirst, Count(AlgorithmKind.SimplifiedTargetProp, bpMix: 1));
    }

    [TestMethod]
    public void DifferenceTargetPropStepsThroughTheOutputLayerInsteadOfInvertingIt()
    {
        long inverted = Lc2 + Fc;   // DTP's inverses: g_2 and g_3 only
        Assert.AreEqual(2 * AllLayers + Output + 2 * inverted + 3 * inverted, Count(AlgorithmKind.DifferenceTargetProp));
    }

    [TestMethod]
    public void TheLaterRulesPayWhatTheirFeedbackMultiplies()
    {
        // Kolen–Pollack and sign symmetry send δ down through a matrix shaped like W_l, as FA does (B's update is W's, no product).
        Assert.AreEqual(Count(AlgorithmKind.FeedbackAlignment), Count(KolenPollack.Descriptor));
        Assert.AreEqual(Count(AlgorithmKind.FeedbackAlignment), Count(SignSymmetry.Descriptor));
        // DRTP projects the one-hot target where DFA projects the error: the same products.
        Assert.AreEqual(Count(AlgorithmKind.DirectFeedbackAlignment), Count(DirectRandomTargetProjection.Descriptor));
        // FW-DTP: g_L(a_L) and g_L(ĥ_L), then g_l(h_l) and g_l(ĥ_l) below; no inverse loss.
        Assert.AreEqual(2 * AllLayers + 2 * Output + 2 * (Lc2 + Fc), Count(FixedWeightTargetProp.Descriptor));
    }
}
