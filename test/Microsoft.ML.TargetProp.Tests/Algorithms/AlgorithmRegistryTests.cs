using System;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Algorithms;

/// <summary>The registry lists every algorithm once, and each descriptor creates and configures what it names.</summary>
[TestClass]
public sealed class AlgorithmRegistryTests
{
    [TestMethod]
    public void EveryRuleHasOneDescriptorWithUniqueNamesAndThePapersSixKeepTheirKind()
    {
        foreach (var kind in Enum.GetValues<AlgorithmKind>().Where(k => k != AlgorithmKind.Unknown))
            Assert.AreEqual(kind, AlgorithmRegistry.Get(kind).Kind);
        // Unknown names a model file's algorithm this package does not know; it is never a training algorithm.
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TorchSharp.Training.TrainingOptions { Algorithm = AlgorithmKind.Unknown }).Message, "Unknown algorithm");
        Assert.AreEqual(AlgorithmRegistry.All.Count, AlgorithmRegistry.All.Select(d => d.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.AreEqual(AlgorithmRegistry.All.Count, AlgorithmRegistry.ShortNames.Concat(AlgorithmRegistry.All.Select(d => d.Name)).Distinct(StringComparer.OrdinalIgnoreCase).Count() / 2);
        Assert.AreEqual(AlgorithmRegistry.All.Count, AlgorithmRegistry.All.Select(d => d.DisplayName).Distinct().Count());
        StringAssert.StartsWith(AlgorithmRegistry.ShortNameList(), "bp, fa, dfa, dtp, sdtp, ao-sdtp, ");
        Assert.AreSame(SimplifiedTargetProp.Descriptor, AlgorithmRegistry.Find("SDTP"));
        Assert.AreSame(KolenPollack.Descriptor, AlgorithmRegistry.Find("KolenPollack"));
        Assert.IsNull(AlgorithmRegistry.Find("sgd"));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => AlgorithmRegistry.Get("sgd")).Message, "kp");
        foreach (var d in AlgorithmRegistry.All)
        {
            Assert.IsFalse(string.IsNullOrWhiteSpace(d.Summary), d.Name);
            foreach (var s in d.Settings)
            {
                s.Validate(s.Default, s.Name);
                Assert.IsTrue(s.Flag.StartsWith("--", StringComparison.Ordinal) && s.Flag == s.Flag.ToLowerInvariant(), s.Flag);
            }
        }
    }

    [TestMethod]
    public void Table5ColumnOfEachDescriptorIsTheOneItsKindReads()
    {
        foreach (var d in AlgorithmRegistry.All.Where(d => d.Table5Column is not null))
            foreach (var schedule in new[] { TrainingSchedule.Parallel, TrainingSchedule.Alternating })
            {
                if (!d.HasInverses && schedule == TrainingSchedule.Alternating) continue;
                foreach (var reading in Enum.GetValues<Table5Reading>())
                    Assert.AreEqual(PaperHyperParameters.Read("mnist-fc", d.Table5Column!.Value, schedule, reading), d.Table5("mnist-fc", schedule, reading), $"{d.ShortName} {schedule} {reading}");
            }
    }

    [TestMethod]
    public void ARuleWithoutATable5ColumnStartsUntunedAndSaysSoWhenAskedForTable5()
    {
        var rule = Backprop.Descriptor with { Name = "BackpropCopy", ShortName = "bp-copy", DisplayName = "BP copy", Table5Column = null };
        Assert.AreEqual(AlgorithmDescriptor.Untuned, rule.Defaults("mnist-fc"));
        Assert.IsFalse(rule.HasTable5("mnist-fc"));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => rule.Table5("mnist-fc")).Message, "BP copy has no Table 5 column");
        Assert.AreEqual(AlgorithmKind.Unknown, rule.Kind);
    }

    [TestMethod]
    public void EachDescriptorCreatesItsAlgorithmWithTheHyperParameters()
    {
        var p = new HyperParameters { Alpha = 0.07, Sigma = 0.23, AuxiliaryUnits = 5, BpMix = 0.25 };
        foreach (var d in AlgorithmRegistry.All)
        {
            var gen = new Generator(3, CPU);
            using var net = new TargetPropNetwork(NetworkSpec.Parse("fc(8) fc(6)"), new ImageShape(1, 1, 10), 4, gen);
            using var algorithm = d.Create(new AlgorithmContext(net, p, gen, LocalLossScale.Mean, RelativeSigma: true));
            Assert.AreSame(d, algorithm.Rule, d.ShortName);
            Assert.AreEqual(d.HasInverses, algorithm.ParameterGroups(p).Any(g => g.Phase == TrainingPhase.Inverse), d.ShortName);
            Assert.AreEqual(d.Kind != AlgorithmKind.Backprop, algorithm.IsLayerLocal, d.ShortName);
            Assert.AreEqual(LocalLossScale.Mean, algorithm.LocalLoss, d.ShortName);
            if (algorithm is TargetPropagation tp && d.HasInverses)
            {
                Assert.AreEqual(0.23, tp.Sigma, d.ShortName);
                Assert.AreEqual(0.25, tp.BpMix, d.ShortName);
                Assert.IsTrue(tp.RelativeSigma, d.ShortName);
            }
            if (algorithm is DifferenceTargetProp dtp) Assert.AreEqual(0.07, dtp.Alpha);
            if (algorithm is FixedWeightTargetProp fw) Assert.AreEqual(0.07, fw.Alpha);
            if (algorithm is AugmentedOutputTargetProp ao) Assert.AreEqual(5, ao.AuxiliaryUnits);
            // θ is trained by every rule, each of its tensors exactly once.
            var forward = algorithm.ParameterGroups(p).Where(g => g.Phase == TrainingPhase.Forward).SelectMany(g => g.Parameters).ToList();
            foreach (var theta in net.ForwardParameters) Assert.AreEqual(1, forward.Count(q => ReferenceEquals(q, theta)), d.ShortName);
        }
    }

    [TestMethod]
    public void ASettingOutsideItsRangeOrUnknownToTheRuleIsRejectedByName()
    {
        var bad = new TorchSharp.Training.TrainingOptions { Algorithm = KolenPollack.Descriptor, HyperParameters = new HyperParameters { Settings = RuleSettings.Empty.With("WeightDecay", -1) } };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(bad.Validate).Message, "HyperParameters.Settings.WeightDecay must be in [0, 1000]; got -1");
        var unknown = bad with { Algorithm = AlgorithmKind.Backprop };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(unknown.Validate).Message, "BP has no setting 'WeightDecay'.");
        var other = bad with { HyperParameters = new HyperParameters { Settings = RuleSettings.Empty.With("Scale", 2) } };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(other.Validate).Message, "its settings are WeightDecay");
        Assert.AreEqual("--weight-decay", KolenPollack.WeightDecay.Flag);
    }
}
