using System;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Model;

[TestClass]
public sealed class NetworkSpecTests
{
    [TestMethod]
    public void ParsesTheCompactFormAndRoundTrips()
    {
        var spec = NetworkSpec.Parse("lc(3x3,32,2), lc(3,64,2) fc1024");
        Assert.AreEqual(NetworkPresets.MnistLc.Network, spec);
        Assert.AreEqual("lc(3x3,32,2) lc(3x3,64,2) fc(1024)", spec.ToString());
        Assert.AreEqual(spec, NetworkSpec.Parse(spec.ToString()));
        Assert.AreEqual(Activation.Relu, NetworkSpec.Parse("fc(10) relu").Activation);
        Assert.AreEqual(spec, NetworkSpec.Builder().LocallyConnected(3, 32, 2).LocallyConnected(3, 64, 2).Dense(1024).Build());
        Assert.AreEqual(NetworkPresets.CifarLc.Network, NetworkSpec.Parse("CIFAR-LC"));
    }

    [TestMethod]
    public void PresetsHaveTable3Shapes()
    {
        CollectionAssert.AreEqual(new[] { "1x28x28", "32x14x14", "64x7x7", "1024x1x1" },
            NetworkPresets.MnistLc.Network.Shapes(NetworkPresets.MnistLc.InputShape).Select(s => s.ToString()).ToArray());
        CollectionAssert.AreEqual(new[] { "3x32x32", "64x16x16", "128x8x8", "256x8x8", "1024x1x1" },
            NetworkPresets.CifarLc.Network.Shapes(NetworkPresets.CifarLc.InputShape).Select(s => s.ToString()).ToArray());
        Assert.AreEqual("384x7x7", NetworkPresets.ImageNetLc.Network.Shapes(NetworkPresets.ImageNetLc.InputShape)[^1].ToString());
        Assert.AreEqual(4, NetworkPresets.MnistFc.Network.HiddenLayers.Count);
        Assert.AreEqual(1000, NetworkPresets.ImageNetLc.Classes);
    }

    [TestMethod]
    [DataRow("lc(3x3,32", "position 10")]
    [DataRow("fc(256) conv(3)", "position 9")]
    [DataRow("fc()", "position 4")]
    [DataRow("lc(3x5,8)", "square")]
    [DataRow("lc(3x3,8,0)", "position 10")]
    [DataRow("", "empty")]
    public void MalformedSpecsSayWhere(string text, string expected)
    {
        var e = Assert.ThrowsExactly<FormatException>(() => NetworkSpec.Parse(text));
        StringAssert.Contains(e.Message, expected);
    }

    [TestMethod]
    public void LayersThatDoNotFitTheInputAreRejected()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => NetworkSpec.Parse("lc(9x9,8)").Shapes(new ImageShape(1, 5, 5)));
        StringAssert.Contains(e.Message, "larger than");
        var flat = Assert.ThrowsExactly<ArgumentException>(() => NetworkSpec.Parse("fc(10) lc(3x3,8)").Shapes(new ImageShape(1, 28, 28)));
        StringAssert.Contains(flat.Message, "image");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => NetworkPresets.Get("mnist-xx")).Message, "mnist-lc");
    }

    [TestMethod]
    public void Table5PresetsAndTheirDeparturesFromTable4()
    {
        var sdtp = PaperHyperParameters.Get("mnist-lc", AlgorithmKind.SimplifiedTargetProp, TrainingSchedule.Parallel);
        Assert.AreEqual(0.000145, sdtp.Forward.LearningRate);
        Assert.AreEqual(0.001652, sdtp.Inverse.LearningRate);
        Assert.AreEqual(0.061555, sdtp.Sigma);
        var dtp = PaperHyperParameters.Get("mnist-fc", AlgorithmKind.DifferenceTargetProp, TrainingSchedule.Alternating);
        Assert.AreEqual(0.231758, dtp.Alpha);
        var notes = PaperHyperParameters.OutsideSearchSpace(dtp, AlgorithmKind.DifferenceTargetProp);
        Assert.IsTrue(notes.Any(n => n.Contains("α = 0.231758")), string.Join("; ", notes));
        Assert.IsTrue(notes.Any(n => n.Contains("model β1 = 0.99")));
        Assert.AreEqual(0, PaperHyperParameters.OutsideSearchSpace(PaperHyperParameters.Get("cifar-lc", AlgorithmKind.Backprop), AlgorithmKind.Backprop).Count);
        Assert.ThrowsExactly<ArgumentException>(() => PaperHyperParameters.Get("imagenet-lc", AlgorithmKind.SimplifiedTargetProp, TrainingSchedule.Alternating));
    }
}
