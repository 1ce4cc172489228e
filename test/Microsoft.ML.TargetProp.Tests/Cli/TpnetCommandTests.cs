using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary>Every tpnet command: one-line errors for bad arguments.</summary>
[TestClass]
public sealed class TpnetCommandTests
{
    [TestMethod]
    [DataRow(new[] { "train", "--algorithm", "sgd" }, "sgd")]
    [DataRow(new[] { "train", "--arch", "lc(3x3,4" }, "position")]
    [DataRow(new[] { "train", "--epochs", "0" }, "Epochs")]
    [DataRow(new[] { "train", "--epochs", "many" }, "many")]
    [DataRow(new[] { "train", "--dataset", "imagenet" }, "imagenet")]
    [DataRow(new[] { "sweep", "--shard", "3/2" }, "--shard")]
    [DataRow(new[] { "evaluate", "no-such-model.zip" }, "no-such-model.zip")]
    [DataRow(new[] { "frobnicate" }, "frobnicate")]
    [DataRow(new[] { "aux-sweep", "--sizes", "0,-4" }, "-4")]
    [DataRow(new[] { "autoencode", "train", "--algorithms", "bp,sgd" }, "sgd")]
    [DataRow(new[] { "autoencode", "evaluate", "--model", "missing-autoencoder.zip" }, "missing-autoencoder.zip")]
    [DataRow(new[] { "reproduce", "--arch", "imagenet-lc" }, "only for mnist-lc, mnist-fc, cifar-fc, cifar-lc")]
    [DataRow(new[] { "reproduce", "--arch", "mnist-fc", "--only", "sgd" }, "--only 'sgd'")]
    public void BadArgumentsGiveAOneLineErrorAndANonZeroExitCode(string[] args, string expected)
    {
        var (code, error) = Tpnet.Run(args);
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, expected);
        Assert.AreEqual(1, error.Trim().Split('\n').Length, $"one line expected, got: {error}");
    }
}
