using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary>Every tpnet command end to end on a tiny MNIST subset, and one-line errors for bad arguments.</summary>
[TestClass]
public sealed class TpnetCommandTests
{
    private const string Arch = "lc(3x3,4,2) fc(32)";

    private static string Tpnet => Path.Combine(AppContext.BaseDirectory.Replace(Path.Combine("test", "Microsoft.ML.TargetProp.Tests"), Path.Combine("src", "Microsoft.ML.TargetProp.Cli")), "tpnet.dll");

    /// <summary>Runs tpnet in its own process (from the repository root) and returns its exit code and stderr.</summary>
    internal static (int Code, string Error) Run(params string[] args) => RunWithEnvironment(null, args);

    private static (int Code, string Error) RunWithEnvironment(string? variable, params string[] args)
    {
        var (code, _, error) = RunCapturing(variable, args);
        return (code, error);
    }

    /// <summary>Runs tpnet and returns its exit code, stdout and stderr.</summary>
    internal static (int Code, string Output, string Error) RunCapturing(string? variable, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(StartInfo(variable, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(300_000), "tpnet hung: " + string.Join(" ", args));
        return (process.ExitCode, stdout.Result, error);
    }

    /// <summary>How tests start tpnet: <c>dotnet tpnet.dll ARGS</c> in the repository root, without $TARGETPROP_DATA.</summary>
    private static System.Diagnostics.ProcessStartInfo StartInfo(string? variable, string[] args, params string[] prefix)
    {
        Assert.IsTrue(File.Exists(Tpnet), $"tpnet not built at {Tpnet}");
        var start = new System.Diagnostics.ProcessStartInfo(prefix.Length > 0 ? prefix[0] : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestSetup.RepoRoot,
        };
        foreach (var p in prefix.Skip(1)) start.ArgumentList.Add(p);
        if (prefix.Length > 0) start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Tpnet);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("TARGETPROP_DATA");
        if (variable is not null) start.Environment[variable] = "1";
        return start;
    }

    /// <summary>Temporary files tpnet's atomic writes left behind (none expected).</summary>
    private static string[] LeftoverTemporaryFiles(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f).Contains(".tmp", StringComparison.Ordinal)).ToArray();

    private static void AssertPng(string path)
    {
        Assert.IsTrue(File.Exists(path), $"{path} missing");
        var head = File.ReadAllBytes(path)[..8];
        CollectionAssert.AreEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, head, $"{path} is not a PNG");
    }

    internal static string Train(string output, params string[] extra)
    {
        var (code, stdout, error) = RunCapturing(null, new[] { "train", "--arch", Arch, "--epochs", "1", "--train-limit", "300", "--test-limit", "200", "--threads", "1", "--output", output }.Concat(extra).ToArray());
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(1, stdout.Split('\n').Count(l => l.StartsWith("1\t", StringComparison.Ordinal)), "each epoch's row is printed once: " + stdout);
        return Path.Combine(output, "model.zip");
    }

    [TestMethod]
    public void TrainWritesModelMetricsAndLearningCurve_EvaluateAndPredictUseTheModel()
    {
        string output = TestSetup.TempFolder();
        string model = Train(output, "--algorithm", "sdtp", "--lr", "0.002");
        Assert.IsTrue(File.Exists(model));
        double trainedAccuracy;
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))))
        {
            double accuracy = trainedAccuracy = json.RootElement.GetProperty("testAccuracy").GetDouble();
            Assert.IsTrue(accuracy > 0.1 && accuracy <= 1, $"test accuracy {accuracy}");
            Assert.AreEqual(1, json.RootElement.GetProperty("history").GetArrayLength());
            StringAssert.Contains(json.RootElement.GetProperty("command").GetString(), "--algorithm sdtp");
        }
        AssertPng(Path.Combine(output, "learning_curve.png"));

        var (code, error) = Run("evaluate", model, "--test-limit", "200", "--output", output);
        Assert.AreEqual(0, code, error);
        AssertPng(Path.Combine(output, "confusion_matrix.png"));
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "evaluation.json"))))
        {
            Assert.AreEqual(200, json.RootElement.GetProperty("examples").GetInt32());
            Assert.AreEqual(trainedAccuracy, json.RootElement.GetProperty("microAccuracy").GetDouble(), 1e-9, "ML.NET's evaluation of the zip must agree with the engine's");
            Assert.AreEqual(200, json.RootElement.GetProperty("confusionMatrix").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetDouble())));
            Assert.AreEqual(10, json.RootElement.GetProperty("confusionMatrix").GetArrayLength());
        }

        string pngs = ImageFolderPipelineTests.WriteMnistPngs(1, train: false);
        var images = Directory.GetFiles(pngs, "*.png", SearchOption.AllDirectories).Take(3).ToArray();
        (code, error) = Run(new[] { "predict", model }.Concat(images).ToArray());
        Assert.AreEqual(0, code, error);

        (code, error) = Run("predict", model, Path.Combine(output, "missing.png"));
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "missing.png");
    }

    [TestMethod]
    public void AProcessKilledWhileSavingACheckpointLeavesThePreviousOneAndResumeFinishesTheRun()
    {
        string output = TestSetup.TempFolder();
        string[] train = { "train", "--arch", "fc(32)", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--checkpoint-every", "1", "--output", output };
        var (code, error) = Run(train.Concat(new[] { "--epochs", "1" }).ToArray());
        Assert.AreEqual(0, code, error);
        string checkpoint = Path.Combine(output, "checkpoint.ckpt");
        var before = File.ReadAllBytes(checkpoint);

        (code, _) = RunWithEnvironment(Microsoft.ML.TargetProp.TorchSharp.Training.NetworkTrainer.CrashBeforeRenameVariable, train.Concat(new[] { "--epochs", "2", "--resume" }).ToArray());
        Assert.AreNotEqual(0, code, "the simulated crash must kill the process");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(checkpoint), "the previous checkpoint must be intact");

        (code, error) = Run(train.Concat(new[] { "--epochs", "2", "--resume" }).ToArray());
        Assert.AreEqual(0, code, error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.AreEqual(2, json.RootElement.GetProperty("history").GetArrayLength(), "the resumed run continues at epoch 2");
        CollectionAssert.AreNotEqual(before, File.ReadAllBytes(checkpoint));
    }

    [TestMethod]
    public void BenchMeasuresStepsScoringAndMemoryAndWritesJsonAndMarkdown()
    {
        string output = TestSetup.TempFolder();
        var (code, error) = Run("bench", "--arch", "mnist-fc", "--threads", "1", "--repeats", "1", "--warmup", "0", "--algorithms", "bp,sdtp",
            "--scoring-images", "64", "--memory-epochs", "2", "--memory-examples", "200", "--malloc", "default", "--output", output);
        Assert.AreEqual(0, code, error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "bench.json")));
        var rows = json.RootElement.GetProperty("Rows").EnumerateArray()
            .Select(r => (Measure: r.GetProperty("Measure").GetString()!, Value: r.GetProperty("Value").GetDouble(), Ratio: r.GetProperty("Ratio")))
            .ToList();
        foreach (var measure in new[] { "matmul 2048² (GFLOP/s)", "forward only (samples/s)", "bp step (samples/s)", "sdtp step (samples/s)",
                     "managed scoring via Transform (images/s)", "PredictionEngine single image (ms)", "RSS after epoch 2 (MiB)" })
        {
            var row = rows.SingleOrDefault(r => r.Measure == measure);
            Assert.IsNotNull(row.Measure, $"bench.json lacks '{measure}': {string.Join("; ", rows.Select(r => r.Measure))}");
            Assert.IsTrue(row.Value > 0 && double.IsFinite(row.Value), $"{measure} = {row.Value}");
        }
        Assert.IsTrue(rows.Any(r => r.Measure.StartsWith("peak RSS of SDTP epoch 1 on 200 MNIST examples", StringComparison.Ordinal)));
        Assert.IsTrue(rows.Single(r => r.Measure == "sdtp step (samples/s)").Ratio.GetDouble() > 1, "an SDTP step costs more than a BP step");
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "bench.md")), "| architecture | threads | measure | value | ratio |");
    }

    [TestMethod]
    public void CtrlCStopsTrainingAfterTheCurrentBatchAndStillWritesTheModelAndMetrics()
    {
        string output = TestSetup.TempFolder();
        // env --default-signal=INT: a process started from a background job inherits SIGINT as ignored, and .NET then
        // keeps ignoring it; an interactive terminal's Ctrl+C reaches tpnet with the default disposition, as here.
        var start = StartInfo(null, new[] { "train", "--arch", "mnist-fc", "--algorithm", "bp", "--epochs", "10000", "--train-limit", "500", "--test-limit", "100",
            "--threads", "1", "--output", output }, "env", "--default-signal=INT");
        using var process = System.Diagnostics.Process.Start(start)!;
        var started = new System.Threading.ManualResetEventSlim();
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lines.Enqueue(e.Data);
            if (e.Data.StartsWith("1\t", StringComparison.Ordinal)) started.Set();   // the first epoch's row
        };
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            Assert.IsTrue(started.Wait(120_000), "training did not start: " + string.Join("\n", lines));
            using (var kill = System.Diagnostics.Process.Start("kill", new[] { "-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) })!)
                kill.WaitForExit();
            Assert.IsTrue(process.WaitForExit(60_000), "tpnet did not stop after SIGINT");
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
        process.WaitForExit();
        string error = stderr.Result;
        Assert.AreEqual(130, process.ExitCode, error);
        StringAssert.Contains(error, "Ctrl+C");
        Assert.IsTrue(lines.Any(l => l.Contains("Interrupted", StringComparison.Ordinal)), string.Join("\n", lines));
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))))
        {
            Assert.IsTrue(json.RootElement.GetProperty("cancelled").GetBoolean(), "metrics.json must say the run was cancelled");
            int epochs = json.RootElement.GetProperty("history").GetArrayLength();
            Assert.IsTrue(epochs is >= 1 and < 10000, $"{epochs} epochs recorded");
        }
        var model = new MLContext().Model.Load(Path.Combine(output, "model.zip"), out _);
        Assert.IsInstanceOfType<Microsoft.ML.TargetProp.Transforms.TargetPropTransformer>(model);
        AssertPng(Path.Combine(output, "learning_curve.png"));
        Assert.AreEqual(0, LeftoverTemporaryFiles(output).Length, string.Join(", ", LeftoverTemporaryFiles(output)));
    }

    [TestMethod]
    public void OnATerminalTrainShowsABatchLevelProgressBarAndEachEpochRowOnce()
    {
        if (!File.Exists("/usr/bin/script")) Assert.Inconclusive("util-linux 'script' (a pseudo-terminal) is not installed");
        string output = TestSetup.TempFolder();
        // Batch size 1: an epoch of 2,000 steps lasts well over Spectre's 100 ms refresh, so the bar is drawn inside epoch 1
        // (with larger batches this tiny network finished an epoch between two refreshes).
        string command = $"dotnet {Tpnet} train --arch fc(32) --epochs 2 --batch-size 1 --train-limit 2000 --test-limit 100 --threads 1 --output {output}";
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = TestSetup.RepoRoot };
        foreach (var a in new[] { "-qfec", command.Replace("(", "\\(", StringComparison.Ordinal).Replace(")", "\\)", StringComparison.Ordinal), "/dev/null" }) start.ArgumentList.Add(a);
        start.Environment.Remove("TARGETPROP_DATA");
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(300_000), "tpnet hung");
        Assert.AreEqual(0, process.ExitCode, error + stdout.Result);
        string screen = System.Text.RegularExpressions.Regex.Replace(stdout.Result, "\u001b\\[[0-9;?]*[A-Za-z]", "");
        var lines = screen.Split('\r', '\n').Select(l => l.Trim()).ToArray();
        foreach (var epoch in new[] { "1", "2" })
            Assert.AreEqual(1, lines.Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, $"^{epoch} +[0-9.]+ +[0-9.]+ %")), $"epoch {epoch}'s row must appear once:\n{screen}");
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))))
            foreach (var epoch in json.RootElement.GetProperty("history").EnumerateArray())
            {
                string loss = epoch.GetProperty("TrainLoss").GetDouble().ToString("F4", System.Globalization.CultureInfo.InvariantCulture);
                Assert.AreEqual(1, System.Text.RegularExpressions.Regex.Matches(screen, System.Text.RegularExpressions.Regex.Escape(loss)).Count, $"train loss {loss} must be printed once (no table repeated at the end):\n{screen}");
            }
        StringAssert.Contains(screen, "epoch 1/2", "the progress bar names the epoch in progress");
        Assert.IsTrue(lines.Any(l => l.StartsWith("epoch 1/2", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(l, @"\b[1-9][0-9]?%")),
            "the progress bar advances within epoch 1 (per minibatch):\n" + screen);
    }

    [TestMethod]
    public void AFailedWriteNamesTheFileAndLeavesNoTemporaryFile()
    {
        string output = TestSetup.TempFolder();
        Directory.CreateDirectory(Path.Combine(output, "metrics.json"));   // the rename over it must fail
        var (code, error) = Run("train", "--arch", "fc(16)", "--epochs", "1", "--train-limit", "200", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "metrics.json");
        Assert.AreEqual(1, error.Trim().Split('\n').Length, error);
        Assert.AreEqual(0, LeftoverTemporaryFiles(output).Length, string.Join(", ", LeftoverTemporaryFiles(output)));
        Assert.IsTrue(File.Exists(Path.Combine(output, "model.zip")), "files written before the failure stay");
    }

    [TestMethod]
    public void TrainsOnAnImageFolder()
    {
        string images = ImageFolderPipelineTests.WriteMnistPngs(20);
        string output = TestSetup.TempFolder();
        string dataDir = TestSetup.TempFolder();
        var (code, error) = Run("train", "--dataset", images, "--image-size", "1x28x28", "--arch", Arch, "--epochs", "1", "--threads", "1", "--lr", "0.002",
            "--validation-fraction", "0.25", "--early-stopping", "4", "--data-dir", dataDir, "--output", output);
        Assert.AreEqual(0, code, error);
        double testAccuracy;
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))))
        {
            testAccuracy = json.RootElement.GetProperty("testAccuracy").GetDouble();
            Assert.IsTrue(testAccuracy > 0, "the 20 % held-out images were scored");
            // metrics.json's command reproduces the run: every option that changes it is there.
            string command = json.RootElement.GetProperty("command").GetString()!;
            foreach (var expected in new[] { "--image-size 1x28x28", "--validation-fraction 0.25", "--early-stopping 4", $"--data-dir {dataDir}", $"--dataset {images}", "--lr 0.002" })
                StringAssert.Contains(command, expected);
            Assert.IsFalse(command.Contains("--device", StringComparison.Ordinal), "defaults are left out: " + command);
        }
        var png = Directory.GetFiles(images, "*.png", SearchOption.AllDirectories)[0];
        (code, error) = Run("predict", Path.Combine(output, "model.zip"), png);
        Assert.AreEqual(0, code, error);
        // evaluate decodes the folder at the model's 1x28x28 (not 3 channels at the images' size) and scores the same test split.
        string evaluated = TestSetup.TempFolder();
        (code, error) = Run("evaluate", Path.Combine(output, "model.zip"), "--dataset", images, "--output", evaluated);
        Assert.AreEqual(0, code, error);
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(evaluated, "evaluation.json"))))
        {
            Assert.AreEqual(40, json.RootElement.GetProperty("examples").GetInt32());
            Assert.AreEqual(testAccuracy, json.RootElement.GetProperty("microAccuracy").GetDouble(), 1e-9);
        }
        AssertPng(Path.Combine(evaluated, "confusion_matrix.png"));
        (code, error) = Run("train", "--dataset", images, "--image-size", "2x28x28");
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "--image-size");
    }

    [TestMethod]
    public void ACorruptImageFileIsNamedInAOneLineError()
    {
        string images = ImageFolderPipelineTests.WriteMnistPngs(2);
        string corrupt = Path.Combine(images, "three", "x.png");
        File.WriteAllBytes(corrupt, Enumerable.Range(0, 500).Select(i => (byte)(i * 37 + 11)).ToArray());
        foreach (var size in new[] { new[] { "--image-size", "1x28x28" }, Array.Empty<string>() })
        {
            var (code, error) = Run(new[] { "train", "--dataset", images, "--arch", "fc(16)", "--epochs", "1", "--threads", "1", "--output", TestSetup.TempFolder() }.Concat(size).ToArray());
            Assert.AreEqual(2, code, error);
            StringAssert.Contains(error, corrupt);
            Assert.AreEqual(1, error.Trim().Split('\n').Length, $"one line expected, got: {error}");
        }
    }

    [TestMethod]
    public void SweepIsResumableShardableAndDrawsFigure5()
    {
        string output = TestSetup.TempFolder();
        string[] common = { "sweep", "--algorithm", "dtp", "--arch", "fc(32) fc(32)", "--configs", "3", "--epochs", "1", "--train-limit", "200", "--test-limit", "100", "--threads", "1", "--output", output };
        var (code, error) = Run(common.Concat(new[] { "--shard", "0/2" }).ToArray());
        Assert.AreEqual(0, code, error);
        string shard0 = Path.Combine(output, "results-shard-0-of-2.csv");
        Assert.AreEqual(1 + 2, File.ReadAllLines(shard0).Length, "configurations 0 and 2 belong to shard 0/2");
        (code, error) = Run(common.Concat(new[] { "--shard", "0/2" }).ToArray());
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(3, File.ReadAllLines(shard0).Length, "a rerun skips finished configurations");
        (code, error) = Run(common.Concat(new[] { "--shard", "1/2" }).ToArray());
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(2, File.ReadAllLines(Path.Combine(output, "results-shard-1-of-2.csv")).Length);
        AssertPng(Path.Combine(output, "histogram.png"));
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
        (code, error) = Run(common.Concat(new[] { "--shard", "0/2" }).ToArray());
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
        (code, error) = Run(protocol.Concat(new[] { "--output", imagenet }).ToArray());
        Assert.AreEqual(0, code, error);
        string selected = Path.Combine(imagenet, "selected.csv");
        Assert.AreEqual(2, File.ReadAllLines(selected).Length, "the ImageNet protocol continues the best configuration");
        // Resumable: a rerun with the same settings neither retrains the configurations nor the continued one.
        var continued = File.GetLastWriteTimeUtc(selected);
        (code, string stdout, error) = RunCapturing(null, protocol.Concat(new[] { "--output", imagenet }).ToArray());
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(continued, File.GetLastWriteTimeUtc(selected), "the selected configuration was continued again");
        StringAssert.Contains(stdout, "already continued");

        // The protocol needs one shard: with several it is not applied, and a warning says so.
        (code, error) = Run(protocol.Concat(new[] { "--shard", "1/2", "--output", TestSetup.TempFolder() }).ToArray());
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(error, "--select-after");
        Assert.AreEqual(0, LeftoverTemporaryFiles(output).Length + LeftoverTemporaryFiles(imagenet).Length);
    }

    [TestMethod]
    public void AutoencodeTrainsEveryAlgorithmDrawsFigures6And7AndEvaluateReadsTheZips()
    {
        string output = TestSetup.TempFolder();
        var (code, error) = Run("autoencode", "train", "--hidden", "fc(64) fc(16) fc(64)", "--epochs", "2", "--train-limit", "300", "--test-limit", "100",
            "--threads", "1", "--digits", "6", "--output", output);
        Assert.AreEqual(0, code, error);
        AssertPng(Path.Combine(output, "reconstruction_curves.png"));
        AssertPng(Path.Combine(output, "reconstructions.png"));
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
        (code, error) = Run("autoencode", "evaluate", "--model", Path.Combine(output, "bp", "autoencoder.zip"), Path.Combine(output, "sdtp", "autoencoder.zip"),
            "--test-limit", "100", "--output", evaluated);
        Assert.AreEqual(0, code, error);
        AssertPng(Path.Combine(evaluated, "reconstructions.png"));
        AssertPng(Path.Combine(evaluated, "reconstruction_curves.png"));

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
        var (code, error) = Run("autoencode", "train", "--algorithms", "dtp,bp", "--sigma", "1e30", "--hidden", "fc(32) fc(8) fc(32)", "--epochs", "1",
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

    [TestMethod]
    public void AuxSweepTrainsEachSizeAndDrawsFigure4()
    {
        string output = TestSetup.TempFolder();
        var (code, error) = Run("aux-sweep", "--sizes", "0,32", "--arch", "fc(32)", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(0, code, error);
        AssertPng(Path.Combine(output, "aux-sweep.png"));
        var lines = File.ReadAllLines(Path.Combine(output, "aux-sweep.csv"));
        Assert.AreEqual(3, lines.Length);
        StringAssert.StartsWith(lines[1], "0,");
        StringAssert.StartsWith(lines[2], "32,");
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "aux-sweep.md")), "--aux 32");
        Assert.IsTrue(File.Exists(Path.Combine(output, "aux-32", "model.zip")));

        // Resumable: sizes already in the CSV are not retrained, new ones are added in order.
        var written = File.GetLastWriteTimeUtc(Path.Combine(output, "aux-32", "model.zip"));
        (code, error) = Run("aux-sweep", "--sizes", "32,0,8", "--arch", "fc(32)", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(Path.Combine(output, "aux-32", "model.zip")), "k = 32 was retrained");
        var resumed = File.ReadAllLines(Path.Combine(output, "aux-sweep.csv"));
        CollectionAssert.AreEqual(new[] { "0,", "8,", "32," }, resumed.Skip(1).Select(l => l[..(l.IndexOf(',') + 1)]).ToArray());
        Assert.AreEqual(lines[2], resumed[3], "k = 32's row is kept as it was");

        // A row cut short by Ctrl+C (cancelled = 1) is trained again; rows from other settings are not skipped.
        var header = resumed[0].Split(',');
        int cancelledColumn = Array.IndexOf(header, "cancelled");
        Assert.IsTrue(cancelledColumn > 0 && header.Contains("settings"), resumed[0]);
        var interrupted = resumed[1].Split(',');
        Assert.AreEqual("0", interrupted[cancelledColumn]);
        interrupted[cancelledColumn] = "1";
        File.WriteAllLines(Path.Combine(output, "aux-sweep.csv"), new[] { resumed[0], string.Join(",", interrupted), resumed[2], resumed[3] });
        var zero = File.GetLastWriteTimeUtc(Path.Combine(output, "aux-0", "model.zip"));
        (code, error) = Run("aux-sweep", "--sizes", "32,0,8", "--arch", "fc(32)", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(0, code, error);
        Assert.AreNotEqual(zero, File.GetLastWriteTimeUtc(Path.Combine(output, "aux-0", "model.zip")), "the interrupted k = 0 was not retrained");
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(Path.Combine(output, "aux-32", "model.zip")), "k = 32 was retrained");
        Assert.AreEqual("0", File.ReadAllLines(Path.Combine(output, "aux-sweep.csv"))[1].Split(',')[cancelledColumn]);

        (code, error) = Run("aux-sweep", "--sizes", "32", "--arch", "fc(32)", "--epochs", "1", "--seed", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(0, code, error);
        Assert.AreNotEqual(written, File.GetLastWriteTimeUtc(Path.Combine(output, "aux-32", "model.zip")), "k = 32 from --seed 0 was reused for --seed 1");
        Assert.AreEqual(0, LeftoverTemporaryFiles(output).Length);
    }

    [TestMethod]
    public void ReproduceAndDataFetchFromALocalFolder()
    {
        string output = TestSetup.TempFolder();
        var (code, error) = Run("reproduce", "--arch", "mnist-fc", "--only", "bp", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(0, code, error);
        var report = File.ReadAllText(Path.Combine(output, "results.md"));
        StringAssert.Contains(report, "| mnist-fc | bp | parallel | 1.48 |");
        AssertPng(Path.Combine(output, "learning_curves.png"));
        // A rerun with the same command resumes: the finished cell is not retrained and the report is the same.
        var trained = File.GetLastWriteTimeUtc(Path.Combine(output, "mnist-fc-bp-parallel", "model.zip"));
        (code, string stdout, error) = RunCapturing(null, "reproduce", "--arch", "mnist-fc", "--only", "bp", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(trained, File.GetLastWriteTimeUtc(Path.Combine(output, "mnist-fc-bp-parallel", "model.zip")), "the finished cell was retrained");
        Assert.AreEqual(report, File.ReadAllText(Path.Combine(output, "results.md")));
        // The console lists the exact command of every row, also of cells resumed from an earlier run.
        var commandLine = stdout.Split('\n').SingleOrDefault(l => l.Contains("-- train --dataset mnist --algorithm bp --arch \"mnist-fc\"", StringComparison.Ordinal));
        Assert.IsNotNull(commandLine, stdout);
        StringAssert.Contains(commandLine, "--train-limit 300 --test-limit 100 (finished earlier, not rerun)");

        // Another dataset than MNIST: a warning that the paper's numbers are MNIST's.
        string folder = TestSetup.TempFolder();
        foreach (var f in Directory.GetFiles(TestSetup.MnistFolder)) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        (code, error) = Run("reproduce", "--arch", "mnist-fc", "--only", "bp", "--dataset", folder, "--epochs", "1", "--train-limit", "100", "--test-limit", "50", "--threads", "1", "--output", TestSetup.TempFolder());
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(error, "MNIST's");

        string data = TestSetup.TempFolder();
        (code, error) = Run("data", "fetch", "mnist", "--from", TestSetup.MnistFolder, "--data-dir", data);
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(4, Directory.GetFiles(Path.Combine(data, "mnist")).Length);

        string bad = TestSetup.TempFolder();
        foreach (var f in Directory.GetFiles(TestSetup.MnistFolder)) File.Copy(f, Path.Combine(bad, Path.GetFileName(f)));
        File.WriteAllBytes(Path.Combine(bad, "t10k-labels-idx1-ubyte.gz"), new byte[] { 1, 2, 3 });
        (code, error) = Run("data", "fetch", "mnist", "--from", bad, "--data-dir", TestSetup.TempFolder());
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "md5");
    }

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
        var (code, error) = Run(args);
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, expected);
        Assert.AreEqual(1, error.Trim().Split('\n').Length, $"one line expected, got: {error}");
    }

    [TestMethod]
    public void MissingDatasetListsFilesAndSources()
    {
        var (code, error) = Run("train", "--dataset", "cifar10", "--data-dir", TestSetup.TempFolder());
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "data_batch_1.bin");
        StringAssert.Contains(error, "cifar-10-binary.tar.gz");
        StringAssert.Contains(error, "tpnet data fetch cifar10");
    }
}
