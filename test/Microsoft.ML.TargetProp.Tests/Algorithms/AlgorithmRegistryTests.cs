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
    public void EveryAlgorithmKindHasOneDescriptorWithUniqueNames()
    {
        CollectionAssert.AreEquivalent(Enum.GetValues<AlgorithmKind>().Where(k => k != AlgorithmKind.Unknown).ToArray(), AlgorithmRegistry.All.Select(d => d.Kind).ToArray());
        // Unknown names a model file's algorithm this package does not know; it is never a training algorithm.
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TorchSharp.Training.TrainingOptions { Algorithm = AlgorithmKind.Unknown }.Validate()).Message, "unknown algorithm Unknown");
        Assert.AreEqual(AlgorithmRegistry.All.Count, AlgorithmRegistry.ShortNames.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.AreEqual(AlgorithmRegistry.All.Count, AlgorithmRegistry.All.Select(d => d.DisplayName).Distinct().Count());
        Assert.AreEqual("bp, fa, dfa, dtp, sdtp or ao-sdtp", AlgorithmRegistry.ShortNameList());
        Assert.AreEqual("BP, FA, DFA, DTP, SDTP or AO-SDTP", AlgorithmRegistry.DisplayNameList());
        Assert.AreSame(SimplifiedTargetProp.Descriptor, AlgorithmRegistry.Find("SDTP"));
        Assert.IsNull(AlgorithmRegistry.Find("sgd"));
    }

    [TestMethod]
    public void Table5ColumnOfEachDescriptorIsTheOneItsKindReads()
    {
        foreach (var d in AlgorithmRegistry.All)
            foreach (var schedule in new[] { TrainingSchedule.Parallel, TrainingSchedule.Alternating })
            {
                if (!d.HasInverses && schedule == TrainingSchedule.Alternating) continue;
                foreach (var reading in Enum.GetValues<Table5Reading>())
                    Assert.AreEqual(PaperHyperParameters.Read("mnist-fc", d.Kind, schedule, reading), d.Table5("mnist-fc", schedule, reading), $"{d.ShortName} {schedule} {reading}");
            }
    }

    [TestMethod]
    public void EachDescriptorCreatesItsAlgorithmWithTheHyperParameters()
    {
        var p = new HyperParameters { Alpha = 0.07, Sigma = 0.23, AuxiliaryUnits = 5, BpMix = 0.25 };
        foreach (var d in AlgorithmRegistry.All)
        {
            var gen = new Generator(3, CPU);
            using var net = new TargetPropNetwork(NetworkSpec.Parse("fc(8) fc(6)"), new ImageShape(1, 1, 10), 4, gen);
            using var algorithm = AlgorithmFactory.Create(d.Kind, net, p, gen);
            Assert.AreEqual(d.Kind, algorithm.Kind, d.ShortName);
            Assert.AreEqual(d.HasInverses, algorithm.HasInverses, d.ShortName);
            Assert.AreEqual(d.Kind != AlgorithmKind.Backprop, algorithm.IsLayerLocal, d.ShortName);
            if (algorithm is TargetPropagation tp)
            {
                Assert.AreEqual(0.23, tp.Sigma, d.ShortName);
                Assert.AreEqual(0.25, tp.BpMix, d.ShortName);
            }
            if (algorithm is DifferenceTargetProp dtp) Assert.AreEqual(0.07, dtp.Alpha);
            if (algorithm is AugmentedOutputTargetProp ao) Assert.AreEqual(5, ao.AuxiliaryUnits);
        }
    }
}
