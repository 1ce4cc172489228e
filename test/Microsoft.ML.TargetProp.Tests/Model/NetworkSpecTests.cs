using System;
using System.Collections.Generic;
using System.Globalization;
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

    /// <summary>Table 5 as printed in the appendix (tab-separated there; "|" and spaces here), one line per row.</summary>
    private static readonly string[] Table5AsPrinted =
    {
        "# MNIST, FULLY-CONNECTED|DTP PARALLEL|DTP ALTERNATING|SDTP PARALLEL|SDTP ALTERNATING|BP ConvNet|FA|DFA",
        "MODEL LR|0.000757 0.000308 0.000402 0.000301 0.000152 0.000168 0.001649",
        "MODEL β_1|0.99 0.99 0.99 0.9 0.9 0.9 0.9",
        "MODEL β_2|0.95 0.99 0.999 0.95 0.999 0.999 0.95",
        "MODEL ϵ|10^{-3} 10^{-4} 10^{-8} 10^{-4} 10^{-8} 10^{-4} 10^{-3}",
        "INVERSE LR|0.000768 0.004593 0.001101 0.009572",
        "INVERSE β_1|0.99 0.99 0.99 0.9",
        "INVERSE β_2|0.999 0.999 0.95 0.95",
        "INVERSE ϵ|10^{-4} 10^{-4} 10^{-6} 10^{-3}",
        "INVERSE α|0.15008 0.231758",
        "INVERSE σ|0.36133 0.220444 0.213995 0.118267",
        "# MNIST, LOCALLY-CONNECTED|DTP PARALLEL|DTP ALTERNATING|SDTP PARALLEL|SDTP ALTERNATING|BP ConvNet|FA|DFA",
        "MODEL LR|0.000905 0.001481 0.000145 0.000651 0.000133 0.000297 0.002462",
        "MODEL β_1|0.9 0.9 0.9 0.9 0.9 0.9 0.9",
        "MODEL β_2|0.99 0.99 0.99 0.99 0.99 0.99 0.99",
        "MODEL ϵ|10^{-4} 10^{-4} 10^{-6} 10^{-4} 10^{-8} 10^{-8} 10^{-6}",
        "INVERSE LR|0.001239 0.000137 0.001652 0.003741",
        "INVERSE β_1|0.9 0.9 0.9 0.9",
        "INVERSE β_2|0.999 0.999 0.999 0.99",
        "INVERSE ϵ|10^{-4} 10^{-6} 10^{-4} 10^{-4}",
        "INVERSE α|0.116131 0.310892",
        "INVERSE σ|0.099236 0.366964 0.061555 0.134739",
        "# CIFAR, FULLY-CONNECTED|DTP PARALLEL|DTP ALTERNATING|SDTP PARALLEL|SDTP ALTERNATING|BP ConvNet|FA|DFA",
        "MODEL LR|0.000012 0.000013 0.000129 0.000041 0.000019 0.000025 0.000050",
        "MODEL β_1|0.9 0.9 0.9 0.9 0.9 0.9 0.9",
        "MODEL β_2|0.999 0.999 0.99 0.99 0.999 0.99 0.99",
        "MODEL ϵ|10^{-8} 10^{-8} 10^{-6} 10^{-4} 10^{-6} 10^{-4} 10^{-8}",
        "INVERSE LR|0.000039 0.000114 0.000011 0.000014",
        "INVERSE β_1|0.9 0.9 0.9 0.9",
        "INVERSE β_2|0.99 0.99 0.99 0.99",
        "INVERSE ϵ|10^{-6} 10^{-4} 10^{-6} 10^{-8}",
        "INVERSE α|0.125693 0.172085",
        "INVERSE σ|0.169783 0.134811 0.273341 0.125678",
        "# CIFAR, LOCALLY-CONNECTED|DTP PARALLEL|DTP ALTERNATING|SDTP PARALLEL|SDTP ALTERNATING|BP ConvNet|FA|DFA",
        "MODEL LR|0.000032 0.000036 0.000020 0.000109 0.000044 0.000022 0.000040",
        "MODEL β_1|0.9 0.9 0.9 0.9 0.9 0.9 0.9",
        "MODEL β_2|0.99 0.99 0.99 0.99 0.999 0.99 0.999",
        "MODEL ϵ|10^{-6} 10^{-8} 10^{-4} 10^{-4} 10^{-6} 10^{-4} 10^{-8}",
        "INVERSE LR|0.000852 0.000389 0.000261 1.1e-05",
        "INVERSE β_1|0.9 0.9 0.9 0.9",
        "INVERSE β_2|0.999 0.999 0.999 0.99",
        "INVERSE ϵ|10^{-4} 10^{-8} 10^{-6} 10^{-8}",
        "INVERSE α|0.189828 0.208141",
        "INVERSE σ|0.146728 0.094869 0.299769 0.023804",
        "# IMAGENET, LOCALLY-CONNECTED|DTP PARALLEL|DTP ALTERNATING|SDTP PARALLEL|BP ConvNet|FA|DFA",
        "MODEL LR|0.000217 0.000101 0.000011 0.000024 0.000049 0.000043",
        "MODEL β_1|0.9 0.9 0.9 0.9 0.9 0.9",
        "MODEL β_2|0.99 0.99 0.999 0.999 0.99 0.99",
        "MODEL ϵ|10^{-6} 10^{-8} 10^{-6} 10^{-8} 10^{-8} 10^{-4}",
        "INVERSE LR|0.000234 0.000064 0.000170",
        "INVERSE β_1|0.9 0.9 0.9",
        "INVERSE β_2|0.999 0.999 0.999",
        "INVERSE ϵ|10^{-6} 10^{-8} 10^{-8}",
        "INVERSE α|0.163359 0.03706",
        "INVERSE σ|0.192835 0.097217 0.168522",
    };

    [TestMethod]
    public void EveryTable5ValueIsThePrintedOne()
    {
        var presets = new Dictionary<string, string>
        {
            ["MNIST, FULLY-CONNECTED"] = "mnist-fc", ["MNIST, LOCALLY-CONNECTED"] = "mnist-lc",
            ["CIFAR, FULLY-CONNECTED"] = "cifar-fc", ["CIFAR, LOCALLY-CONNECTED"] = "cifar-lc",
            ["IMAGENET, LOCALLY-CONNECTED"] = "imagenet-lc",
        };
        var columns = new Dictionary<string, (AlgorithmKind, TrainingSchedule)>
        {
            ["DTP PARALLEL"] = (AlgorithmKind.DifferenceTargetProp, TrainingSchedule.Parallel),
            ["DTP ALTERNATING"] = (AlgorithmKind.DifferenceTargetProp, TrainingSchedule.Alternating),
            ["SDTP PARALLEL"] = (AlgorithmKind.SimplifiedTargetProp, TrainingSchedule.Parallel),
            ["SDTP ALTERNATING"] = (AlgorithmKind.SimplifiedTargetProp, TrainingSchedule.Alternating),
            ["BP ConvNet"] = (AlgorithmKind.Backprop, TrainingSchedule.Parallel),
            ["FA"] = (AlgorithmKind.FeedbackAlignment, TrainingSchedule.Parallel),
            ["DFA"] = (AlgorithmKind.DirectFeedbackAlignment, TrainingSchedule.Parallel),
        };
        static double Number(string text) => text.StartsWith("10^{", StringComparison.Ordinal)
            ? Math.Pow(10, int.Parse(text[4..^1], CultureInfo.InvariantCulture))
            : double.Parse(text, CultureInfo.InvariantCulture);
        string preset = "";
        string[] header = Array.Empty<string>();
        int checkedValues = 0;
        foreach (var line in Table5AsPrinted)
        {
            var parts = line.Split('|');
            if (parts[0].StartsWith("# ", StringComparison.Ordinal))
            {
                preset = presets[parts[0][2..]];
                header = parts[1..];
                continue;
            }
            var values = parts[1].Split(' ');
            for (int c = 0; c < values.Length; c++)
            {
                var (algorithm, schedule) = columns[header[c]];
                foreach (var alg in algorithm == AlgorithmKind.SimplifiedTargetProp ? new[] { algorithm, AlgorithmKind.AugmentedOutputTargetProp } : new[] { algorithm })
                {
                    var h = PaperHyperParameters.Get(preset, alg, schedule);
                    double actual = parts[0] switch
                    {
                        "MODEL LR" => h.Forward.LearningRate, "MODEL β_1" => h.Forward.Beta1,
                        "MODEL β_2" => h.Forward.Beta2, "MODEL ϵ" => h.Forward.Epsilon,
                        "INVERSE LR" => h.Inverse.LearningRate, "INVERSE β_1" => h.Inverse.Beta1,
                        "INVERSE β_2" => h.Inverse.Beta2, "INVERSE ϵ" => h.Inverse.Epsilon,
                        "INVERSE α" => h.Alpha, "INVERSE σ" => h.Sigma,
                        _ => throw new InvalidOperationException(parts[0]),
                    };
                    Assert.AreEqual(Number(values[c]), actual, 1e-12, $"{preset} {header[c]} ({alg}) {parts[0]}");
                    checkedValues++;
                }
            }
        }
        Assert.IsTrue(checkedValues > 300, $"every printed value is checked ({checkedValues})");
    }

    [TestMethod]
    public void BuilderActivationAndModelParameterCountMatchTheSpec()
    {
        var spec = NetworkSpec.Builder().LocallyConnected(3, 4, 2).Dense(16).WithActivation(Activation.Relu).Build();
        Assert.AreEqual(NetworkSpec.Parse("lc(3x3,4,2) fc(16) relu"), spec);
        var shape = new ImageShape(1, 8, 8);
        var sizes = TargetPropModelParameters.ExpectedSizes(spec, shape, 10);
        var layers = sizes.Select(s => new LayerParameters(new float[s.Weight], new float[s.Bias])).ToArray();
        var model = new TargetPropModelParameters(spec, shape, 10, layers, AlgorithmKind.SimplifiedTargetProp);
        Assert.AreEqual(sizes.Sum(s => s.Weight + s.Bias), model.ParameterCount);
        Assert.AreEqual((4L * 4 * 9 * 4) + (4 * 4 * 4) + (64 * 16 + 16) + (16 * 10 + 10), model.ParameterCount);
    }

    [TestMethod]
    [DataRow("mnist-lcc", "did you mean 'mnist-lc'?")]
    [DataRow("cifar_fc-x", "Presets: mnist-fc")]
    [DataRow("Mnist-Conv2", "did you mean 'mnist-conv'?")]
    public void AMisspeltPresetGetsADidYouMean(string text, string expected)
    {
        var e = Assert.ThrowsExactly<FormatException>(() => NetworkSpec.Parse(text));
        StringAssert.Contains(e.Message, $"Unknown architecture preset '{text}'");
        StringAssert.Contains(e.Message, expected);
        Assert.IsFalse(e.Message.Contains("unknown layer"), e.Message);
    }
}
