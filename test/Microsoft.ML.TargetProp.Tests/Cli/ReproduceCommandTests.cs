using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary><c>tpnet reproduce</c> with checkpoints: raising --epochs resumes every cell from its checkpoint.</summary>
[TestClass]
public sealed class ReproduceCommandTests
{
    [TestMethod]
    public void RaisingEpochsResumesACellFromItsCheckpoint()
    {
        string output = TestSetup.TempFolder();
        string[] Args(int epochs) => new[] { "reproduce", "--arch", "mnist-fc", "--only", "bp", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--checkpoint-every", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "-o", output };
        var (code, _, error) = Tpnet.RunCapturing(null, Args(1));
        Assert.AreEqual(0, code, error);
        string cell = Path.Combine(output, "mnist-fc-bp-parallel");
        Assert.IsTrue(File.Exists(Path.Combine(cell, "checkpoint.ckpt")));
        var (again, stdout, againError) = Tpnet.RunCapturing(null, Args(2));
        Assert.AreEqual(0, again, againError);
        StringAssert.Contains(stdout.Replace("\n", " ", StringComparison.Ordinal), "Resumed after epoch 1");
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(cell, "metrics.json")));
        Assert.AreEqual(2, metrics.RootElement.GetProperty("history").GetArrayLength(), "epochs 1 and 2 in the history");
        StringAssert.Contains(metrics.RootElement.GetProperty("command").GetString()!, "--checkpoint-every 1");
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "results.md")), "| mnist-fc | bp |");
    }

    [TestMethod]
    public void APresetsFolderGivesEachCellItsSearchedValuesAndTable5TheRest()
    {
        string presets = TestSetup.TempFolder();
        File.WriteAllText(Path.Combine(presets, "mnist-fc-fa-parallel.json"), """
            { "format": "tpnet-hyperparameters/1", "architecture": "mnist-fc", "algorithm": "fa", "schedule": "parallel", "dataset": "mnist",
              "hyperParameters": { "forward": { "learningRate": 0.00025, "beta1": 0.9, "beta2": 0.99, "epsilon": 1e-6 } } }
            """);
        string output = TestSetup.TempFolder();
        var (code, _, error) = Tpnet.RunCapturing(null, "reproduce", "--arch", "mnist-fc", "--only", "bp,fa", "--epochs", "1", "--hparams", presets,
            "--train-limit", "200", "--test-limit", "100", "--threads", "1", "-o", output);
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(error, "no searched preset for bp parallel");
        using var fa = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "mnist-fc-fa-parallel", "metrics.json")));
        Assert.AreEqual(2.5e-4, fa.RootElement.GetProperty("hyperParameters").GetProperty("Forward").GetProperty("LearningRate").GetDouble(), 1e-15);
        StringAssert.Contains(fa.RootElement.GetProperty("command").GetString()!, "--hparams " + Path.Combine(presets, "mnist-fc-fa-parallel.json"));
        using var bp = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "mnist-fc-bp-parallel", "metrics.json")));
        Assert.IsFalse(bp.RootElement.GetProperty("command").GetString()!.Contains("--hparams", StringComparison.Ordinal), "a cell without a preset runs with Table 5");

        // A file that is not a preset is refused with its name.
        File.WriteAllText(Path.Combine(presets, "mnist-fc-bp-parallel.json"), "{\"format\": \"something-else\"}");
        (code, _, error) = Tpnet.RunCapturing(null, "reproduce", "--arch", "mnist-fc", "--only", "bp", "--epochs", "1", "--hparams", presets,
            "--train-limit", "200", "--test-limit", "100", "--threads", "1", "-o", TestSetup.TempFolder());
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "mnist-fc-bp-parallel.json");
        StringAssert.Contains(error, "tpnet-hyperparameters/1");
    }

    [TestMethod]
    public void OnlySelectsASingleCellByAlgorithmAndSchedule()
    {
        string output = TestSetup.TempFolder();
        var (code, _, error) = Tpnet.RunCapturing(null, "reproduce", "--arch", "mnist-fc", "--only", "dtp-alternating", "--epochs", "1",
            "--train-limit", "200", "--test-limit", "100", "--threads", "1", "-o", output);
        Assert.AreEqual(0, code, error);
        Assert.IsTrue(File.Exists(Path.Combine(output, "mnist-fc-dtp-alternating", "metrics.json")));
        Assert.IsFalse(Directory.Exists(Path.Combine(output, "mnist-fc-dtp-parallel")), "the other schedule is not run");

        // A rule of the later literature has no Table 1 cell: it runs in parallel, its paper column "–".
        (code, _, error) = Tpnet.RunCapturing(null, "reproduce", "--arch", "mnist-fc", "--only", "sign", "--epochs", "1",
            "--train-limit", "200", "--test-limit", "100", "--threads", "1", "-o", output);
        Assert.AreEqual(0, code, error);
        Assert.IsTrue(File.Exists(Path.Combine(output, "mnist-fc-sign-parallel", "metrics.json")));
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "results.md")), "| mnist-fc | sign | parallel | – |");

        (code, _, error) = Tpnet.RunCapturing(null, "reproduce", "--arch", "mnist-fc", "--only", "dtp-sideways", "--epochs", "1", "-o", output);
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "--only 'dtp-sideways'");
        StringAssert.Contains(error, "dtp-alternating");
    }

    [TestMethod]
    public void SeedsRunEveryCellOncePerSeedAndReportTheMeanAndStandardDeviation()
    {
        string output = TestSetup.TempFolder();
        var (code, _, error) = Tpnet.RunCapturing(null, "reproduce", "--arch", "mnist-fc", "--only", "bp", "--epochs", "1", "--seeds", "0,1",
            "--train-limit", "300", "--test-limit", "100", "--threads", "1", "-o", output);
        Assert.AreEqual(0, code, error);
        var errors = new double[2];
        for (int i = 0; i < 2; i++)
        {
            string folder = Path.Combine(output, i == 0 ? "mnist-fc-bp-parallel" : "mnist-fc-bp-parallel-seed1");
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
            Assert.AreEqual(i, metrics.RootElement.GetProperty("Seed").GetInt32());
            errors[i] = 100 * (1 - metrics.RootElement.GetProperty("testAccuracy").GetDouble());
        }
        Assert.AreNotEqual(errors[0], errors[1], "two seeds, two different runs");
        double mean = (errors[0] + errors[1]) / 2, sd = Math.Abs(errors[0] - errors[1]) / Math.Sqrt(2);
        string report = File.ReadAllText(Path.Combine(output, "results.md"));
        StringAssert.Contains(report, "| mnist-fc | bp | parallel | 1 | 1.48 |", "a run over several seeds names each row's seed");
        StringAssert.Contains(report, "Over seeds");
        StringAssert.Contains(report, FormattableString.Invariant($"| mnist-fc | bp | parallel | 0,1 | 1.48 | {mean:F2} ± {sd:F2} |"));

        (code, _, error) = Tpnet.RunCapturing(null, "reproduce", "--arch", "mnist-fc", "--only", "bp", "--seed", "1", "--seeds", "0,1", "-o", output);
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "--seed and --seeds");
        (code, _, error) = Tpnet.RunCapturing(null, "reproduce", "--arch", "mnist-fc", "--only", "bp", "--seeds", "0,x", "-o", output);
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "--seeds: 'x'");
    }

    [TestMethod]
    public void ScalabilityReadsTheRunsAndWritesEachGapToBackpropBesideThePapers()
    {
        string a = TestSetup.TempFolder(), b = TestSetup.TempFolder(), output = TestSetup.TempFolder();
        static void Run(string folder, string arch, string algorithm, int seed, params double[] accuracies)
        {
            string cell = Path.Combine(folder, $"{arch}-{algorithm}-parallel-{seed}");
            Directory.CreateDirectory(cell);
            var history = accuracies.Select((acc, i) => new { Epoch = i + 1, ValidationAccuracy = acc, Partial = false });
            File.WriteAllText(Path.Combine(cell, "metrics.json"), JsonSerializer.Serialize(new
            {
                command = $"tpnet train --dataset mnist --algorithm {algorithm} --arch \"{arch}\" --schedule parallel --epochs {accuracies.Length} --seed {seed}",
                history,
            }));
        }
        Run(a, "mnist-fc", "bp", 0, 0.97, 0.985);
        Run(a, "mnist-fc", "sdtp", 0, 0.96, 0.975);
        Run(a, "mnist-fc", "sdtp", 1, 0.10);          // another seed: not in the table
        Run(a, "cifar-lc", "bp", 0, 0.50);
        Run(b, "cifar-lc", "bp", 0, 0.55, 0.60, 0.58); // a later folder's run replaces the earlier one
        Run(b, "cifar-lc", "sdtp", 0, 0.40, 0.45);
        var (code, stdout, error) = Tpnet.RunCapturing(null, "reproduce", "--scalability", $"{a},{b}", "-o", output);
        Assert.AreEqual(0, code, error);
        string md = File.ReadAllText(Path.Combine(output, "scalability.md"));
        StringAssert.Contains(md, "| bp | parallel | 1.50 (2) / 1.48 | 0.00 / 0.00 | – | – | – | – | 40.00 (3) / 32.41 | 0.00 / 0.00 |");
        // SDTP: 2.50 − 1.50 = +1.00 on MNIST-FC (paper 3.52 − 1.48); 55.00 − 40.00 = +15.00 on CIFAR-LC (paper 46.63 − 32.41).
        StringAssert.Contains(md, "| sdtp | parallel | 2.50 (2) / 3.52 | +1.00 / +2.04 | – | – | – | – | 55.00 (2) / 46.63 | +15.00 / +14.22 |");
        Assert.IsTrue(new FileInfo(Path.Combine(output, "scalability.png")).Length > 1000);
        StringAssert.Contains(stdout, "| sdtp | parallel |");
        (code, _, error) = Tpnet.RunCapturing(null, "reproduce", "--scalability", Path.Combine(a, "missing"), "-o", output);
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "is not a folder");
    }
}
