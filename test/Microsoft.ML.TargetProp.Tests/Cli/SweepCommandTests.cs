using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary><c>tpnet sweep</c>: resumable, shardable, Figure 5.</summary>
[TestClass]
public sealed class SweepCommandTests
{
    [TestMethod]
    public void SweepIsResumableShardableAndDrawsFigure5()
    {
        string output = TestSetup.TempFolder();
        string[] common = { "sweep", "--algorithm", "dtp", "--arch", "fc(32) fc(32)", "--configs", "3", "--epochs", "1", "--train-limit", "200", "--test-limit", "100", "--threads", "1", "--output", output };
        var (code, error) = Tpnet.Run(common.Concat(new[] { "--shard", "0/2" }).ToArray());
        Assert.AreEqual(0, code, error);
        string shard0 = Path.Combine(output, "results-shard-0-of-2.csv");
        Assert.AreEqual(1 + 2, File.ReadAllLines(shard0).Length, "configurations 0 and 2 belong to shard 0/2");
        (code, error) = Tpnet.Run(common.Concat(new[] { "--shard", "0/2" }).ToArray());
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(3, File.ReadAllLines(shard0).Length, "a rerun skips finished configurations");
        (code, error) = Tpnet.Run(common.Concat(new[] { "--shard", "1/2" }).ToArray());
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(2, File.ReadAllLines(Path.Combine(output, "results-shard-1-of-2.csv")).Length);
        Tpnet.AssertPng(Path.Combine(output, "histogram.png"));
        foreach (var line in File.ReadAllLines(shard0).Skip(1))
        {
            var f = line.Split(',').Take(15).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.IsTrue(f[1] is >= 1e-5 and <= 3e-4 && f[4] is >= 1e-5 and <= 3e-4, "learning rates inside Table 4");
            Assert.IsTrue(f[2] is 0.99 or 0.999 && f[3] is 1e-4 or 1e-6 or 1e-8, "β2 and ϵ from Table 4's sets");
            Assert.IsTrue(f[7] is >= 0.01 and <= 0.2 && f[8] is >= 0.01 and <= 0.3, "α and σ inside Table 4");
        }


        // A truncated row (a process killed while writing, a bad edit) is a one-line warning naming the file and line;
        // its configuration runs again on a line of its own.
        var rows = File.ReadAllLines(shard0);
        File.WriteAllText(shard0, rows[0] + "\n" + rows[1] + "\n" + rows[2][..12]);
        (code, error) = Tpnet.Run(common.Concat(new[] { "--shard", "0/2" }).ToArray());
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(error, shard0);
        StringAssert.Contains(error, "line 3");
        Assert.AreEqual(1, error.Trim().Split('\n').Length, error);
        var repaired = File.ReadAllLines(shard0);
        Assert.AreEqual(4, repaired.Length, string.Join("\n", repaired));
        StringAssert.StartsWith(repaired[3], "2,");
        Assert.AreEqual(rows[2].Split(',').Length, repaired[3].Split(',').Length);

        string imagenet = TestSetup.TempFolder();
        string[] protocol = { "sweep", "--algorithm", "bp", "--arch", "fc(16)", "--configs", "2", "--epochs", "2", "--select-after", "1", "--train-limit", "200", "--test-limit", "100", "--threads", "1" };
        (code, error) = Tpnet.Run(protocol.Concat(new[] { "--output", imagenet }).ToArray());
        Assert.AreEqual(0, code, error);
        string selected = Path.Combine(imagenet, "selected.csv");
        Assert.AreEqual(2, File.ReadAllLines(selected).Length, "the ImageNet protocol continues the best configuration");
        // Resumable: a rerun with the same settings neither retrains the configurations nor the continued one.
        var continued = File.GetLastWriteTimeUtc(selected);
        (code, string stdout, error) = Tpnet.RunCapturing(null, protocol.Concat(new[] { "--output", imagenet }).ToArray());
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(continued, File.GetLastWriteTimeUtc(selected), "the selected configuration was continued again");
        StringAssert.Contains(stdout, "already continued");

        // The protocol needs one shard: with several it is not applied, and a warning says so.
        (code, error) = Tpnet.Run(protocol.Concat(new[] { "--shard", "1/2", "--output", TestSetup.TempFolder() }).ToArray());
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(error, "--select-after");
        Assert.AreEqual(0, Tpnet.LeftoverTemporaryFiles(output).Length + Tpnet.LeftoverTemporaryFiles(imagenet).Length);
    }

    [TestMethod]
    public void SuccessiveHalvingKeepsTheBestAndWritesAPresetThatTrainReads()
    {
        string output = TestSetup.TempFolder();
        string[] args = { "sweep", "--algorithm", "dtp", "--arch", "fc(16)", "--configs", "4", "--epochs", "3", "--select-after", "1,2", "--keep", "2,1",
            "--train-limit", "200", "--test-limit", "100", "--threads", "1", "--output", output };
        var (code, error) = Tpnet.Run(args);
        Assert.AreEqual(0, code, error);
        double[] Accuracies(string file) => File.ReadAllLines(Path.Combine(output, file)).Skip(1)
            .Select(l => double.Parse(l.Split(',')[10], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        int[] Indices(string file) => File.ReadAllLines(Path.Combine(output, file)).Skip(1).Select(l => int.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.AreEqual(4, Accuracies("results-shard-0-of-1.csv").Length);
        var first = File.ReadAllLines(Path.Combine(output, "results-shard-0-of-1.csv")).Skip(1).Select(l => l.Split(','))
            .OrderByDescending(f => double.Parse(f[10], System.Globalization.CultureInfo.InvariantCulture)).ThenBy(f => int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture))
            .Take(2).Select(f => int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        CollectionAssert.AreEquivalent(first, Indices("rung-1.csv"), "the two best of the first rung continue");
        Assert.IsTrue(File.ReadAllLines(Path.Combine(output, "rung-1.csv")).Skip(1).All(l => l.Split(',')[9] == "2"), "rung 1 runs to 2 epochs");
        var selected = File.ReadAllLines(Path.Combine(output, "selected.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.AreEqual(1, selected.Length, "only the best of rung 1 continues to --epochs");
        Assert.AreEqual("3", selected[0][9]);
        // The winner's learning curve over all three epochs survives the sweep (the others' stop where they were dropped).
        using (var history = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, $"config-{selected[0][0]}-history.json"))))
            Assert.AreEqual(3, history.RootElement.GetProperty("history").GetArrayLength());

        // best.json is the selected configuration, readable by train, and refused for another algorithm.
        using var preset = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "best.json")));
        var root = preset.RootElement;
        Assert.AreEqual("tpnet-hyperparameters/1", root.GetProperty("format").GetString());
        Assert.AreEqual("dtp", root.GetProperty("algorithm").GetString());
        Assert.AreEqual(int.Parse(selected[0][0], System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("search").GetProperty("configuration").GetInt32());
        double sigma = root.GetProperty("hyperParameters").GetProperty("sigma").GetDouble();
        Assert.AreEqual(double.Parse(selected[0][1], System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("hyperParameters").GetProperty("forward").GetProperty("learningRate").GetDouble(), 1e-12);
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, root.GetProperty("search").GetProperty("rungs").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.IsTrue(File.ReadAllText(Path.Combine(output, "summary.md")).Contains("| 2 (3) |", StringComparison.Ordinal));
        string trained = TestSetup.TempFolder();
        (code, error) = Tpnet.Run("train", "--algorithm", "dtp", "--arch", "fc(16)", "--hparams", Path.Combine(output, "best.json"), "--epochs", "1",
            "--train-limit", "200", "--test-limit", "100", "--threads", "1", "--output", trained);
        Assert.AreEqual(0, code, error);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(trained, "metrics.json"))))
            Assert.AreEqual(sigma, metrics.RootElement.GetProperty("hyperParameters").GetProperty("Sigma").GetDouble(), 1e-12);
        (code, error) = Tpnet.Run("train", "--algorithm", "sdtp", "--arch", "fc(16)", "--hparams", Path.Combine(output, "best.json"), "--epochs", "1",
            "--train-limit", "200", "--test-limit", "100", "--threads", "1", "--output", TestSetup.TempFolder());
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "searched for --algorithm dtp, not sdtp");

        // A rerun trains nothing again.
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(output, "selected.csv"));
        var (again, stdout, againError) = Tpnet.RunCapturing(null, args);
        Assert.AreEqual(0, again, againError);
        Assert.AreEqual(stamp, File.GetLastWriteTimeUtc(Path.Combine(output, "selected.csv")));
        StringAssert.Contains(stdout, "already continued to 3 epochs");
        Assert.AreEqual(0, Tpnet.LeftoverTemporaryFiles(output).Length);
    }

    [TestMethod]
    public void EveryCommittedPresetTrainsItsCell()
    {
        var presets = Directory.GetFiles(Path.Combine(TestSetup.RepoRoot, "presets"), "*.json");
        Assert.IsTrue(presets.Length > 0, "presets/ holds the searched Table 1 presets");
        foreach (var file in presets)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var root = json.RootElement;
            string name = $"{root.GetProperty("architecture").GetString()}-{root.GetProperty("algorithm").GetString()}-{root.GetProperty("schedule").GetString()}.json";
            Assert.AreEqual(name, Path.GetFileName(file), "reproduce --hparams presets finds a cell's preset by this name");
            var (code, error) = Tpnet.Run("train", "--algorithm", root.GetProperty("algorithm").GetString()!, "--schedule", root.GetProperty("schedule").GetString()!,
                "--arch", root.GetProperty("architecture").GetString()!, "--hparams", file, "--epochs", "1", "--train-limit", "200", "--test-limit", "100", "--threads", "1",
                "--output", TestSetup.TempFolder());
            Assert.AreEqual(0, code, $"{file}: {error}");
        }
    }

    [TestMethod]
    public void RungOptionsAreCheckedWithTheirNames()
    {
        string Error(params string[] extra)
        {
            var (code, error) = Tpnet.Run(new[] { "sweep", "--arch", "fc(16)", "--configs", "8", "--epochs", "10", "--train-limit", "100", "--test-limit", "100", "--output", TestSetup.TempFolder() }.Concat(extra).ToArray());
            Assert.AreNotEqual(0, code, string.Join(" ", extra));
            return error;
        }
        StringAssert.Contains(Error("--select-after", "3,2"), "--select-after must be increasing epochs in [1, --epochs − 1 = 9]");
        StringAssert.Contains(Error("--select-after", "10"), "--select-after must be increasing");
        StringAssert.Contains(Error("--select-after", "2,5", "--keep", "4"), "--keep needs one count per --select-after rung (2)");
        StringAssert.Contains(Error("--select-after", "2,5", "--keep", "2,4"), "do not increase");
        StringAssert.Contains(Error("--select-after", "2", "--keep", "9"), "--keep 9 exceeds --configs 8");
        StringAssert.Contains(Error("--keep", "2"), "--keep needs --select-after");
    }
}
