using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary><c>tpnet autoencode</c>: Figures 6 and 7, zips, divergence.</summary>
[TestClass]
public sealed class AutoencodeCommandTests
{
    [TestMethod]
    public void AutoencodeTrainsEveryAlgorithmDrawsFigures6And7AndEvaluateReadsTheZips()
    {
        string output = TestSetup.TempFolder();
        var (code, error) = Tpnet.Run("autoencode", "train", "--hidden", "fc(64) fc(16) fc(64)", "--epochs", "2", "--train-limit", "300", "--test-limit", "100",
            "--threads", "1", "--digits", "6", "--output", output);
        Assert.AreEqual(0, code, error);
        Tpnet.AssertPng(Path.Combine(output, "reconstruction_curves.png"));
        Tpnet.AssertPng(Path.Combine(output, "reconstructions.png"));
        var report = File.ReadAllText(Path.Combine(output, "autoencode.md"));
        var testErrors = new System.Collections.Generic.Dictionary<string, double>();
        foreach (var name in new[] { "bp", "fa", "dfa", "dtp", "sdtp", "ao-sdtp" })
        {
            StringAssert.Contains(report, $"| {name} |");
            Assert.IsTrue(File.Exists(Path.Combine(output, name, "autoencoder.zip")), $"{name}: no featurizer zip");
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, name, "metrics.json")));
            Assert.AreEqual(2, json.RootElement.GetProperty("history").GetArrayLength());
            Assert.AreEqual("784-64-16-64-784", json.RootElement.GetProperty("architecture").GetString());
            testErrors[name] = json.RootElement.GetProperty("finalTestError").GetDouble();
            Assert.IsTrue(testErrors[name] is > 0 and < 200, $"{name}: test reconstruction error {testErrors[name]}");
        }

        string evaluated = TestSetup.TempFolder();
        (code, error) = Tpnet.Run("autoencode", "evaluate", "--model", Path.Combine(output, "bp", "autoencoder.zip"), Path.Combine(output, "sdtp", "autoencoder.zip"),
            "--test-limit", "100", "--output", evaluated);
        Assert.AreEqual(0, code, error);
        Tpnet.AssertPng(Path.Combine(evaluated, "reconstructions.png"));
        Tpnet.AssertPng(Path.Combine(evaluated, "reconstruction_curves.png"));

        // The zip the CLI wrote is an ML.NET featurizer: its managed reconstruction error equals the engine's last test error.
        var ml = new MLContext();
        var featurizer = ml.Model.Load(Path.Combine(output, "dtp", "autoencoder.zip"), out _);
        var test = TestData.MnistTest(100);
        var scored = featurizer.Transform(ml.Data.LoadFromEnumerable(MnistRow.From(test)));
        var reconstructions = scored.GetColumn<float[]>(scored.Schema["Reconstruction"]).ToArray();
        double error2 = reconstructions.Select((r, i) => r.Select((v, j) => Math.Pow(v - test.Features[i * 784 + j], 2)).Sum()).Average();
        Assert.AreEqual(testErrors["dtp"], error2, 1e-3 * error2);
    }

    [TestMethod]
    public void AutoencodeGoesOnAfterAnAlgorithmDivergesAndExitsLikeTrainOnDivergence()
    {
        string output = TestSetup.TempFolder();
        // σ = 1e30 makes DTP's inverse loss overflow in epoch 1; BP has no inverses and trains normally.
        var (code, error) = Tpnet.Run("autoencode", "train", "--algorithms", "dtp,bp", "--sigma", "1e30", "--hidden", "fc(32) fc(8) fc(32)", "--epochs", "1",
            "--train-limit", "200", "--test-limit", "50", "--threads", "1", "--output", output);
        Assert.AreEqual(3, code, error);
        StringAssert.Contains(error, "dtp diverged");
        Assert.AreEqual(1, error.Trim().Split('\n').Length, error);
        Assert.IsTrue(File.Exists(Path.Combine(output, "bp", "autoencoder.zip")), "the algorithm after the diverged one still ran");
        Assert.IsFalse(File.Exists(Path.Combine(output, "dtp", "autoencoder.zip")));
        var report = File.ReadAllText(Path.Combine(output, "autoencode.md"));
        StringAssert.Contains(report, "| bp |");
        StringAssert.Contains(report, "Diverged: dtp");
    }
}
