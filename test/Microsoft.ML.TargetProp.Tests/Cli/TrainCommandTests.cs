using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary><c>tpnet train</c> (and evaluate/predict on its model): outputs, checkpoints, signals, progress, image folders, errors.</summary>
[TestClass]
public sealed class TrainCommandTests
{
    [TestMethod]
    public void TrainWritesModelMetricsAndLearningCurve_EvaluateAndPredictUseTheModel()
    {
        string output = TestSetup.TempFolder();
        string model = Tpnet.Train(output, "--algorithm", "sdtp", "--lr", "0.002");
        Assert.IsTrue(File.Exists(model));
        double trainedAccuracy;
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))))
        {
            double accuracy = trainedAccuracy = json.RootElement.GetProperty("testAccuracy").GetDouble();
            Assert.IsTrue(accuracy > 0.1 && accuracy <= 1, $"test accuracy {accuracy}");
            Assert.AreEqual(1, json.RootElement.GetProperty("history").GetArrayLength());
            StringAssert.Contains(json.RootElement.GetProperty("command").GetString(), "--algorithm sdtp");
        }
        Tpnet.AssertPng(Path.Combine(output, "learning_curve.png"));

        var (code, error) = Tpnet.Run("evaluate", model, "--test-limit", "200", "--output", output);
        Assert.AreEqual(0, code, error);
        Tpnet.AssertPng(Path.Combine(output, "confusion_matrix.png"));
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "evaluation.json"))))
        {
            Assert.AreEqual(200, json.RootElement.GetProperty("examples").GetInt32());
            Assert.AreEqual(trainedAccuracy, json.RootElement.GetProperty("microAccuracy").GetDouble(), 1e-9, "ML.NET's evaluation of the zip must agree with the engine's");
            Assert.AreEqual(200, json.RootElement.GetProperty("confusionMatrix").EnumerateArray().Sum(r => r.EnumerateArray().Sum(c => c.GetDouble())));
            Assert.AreEqual(10, json.RootElement.GetProperty("confusionMatrix").GetArrayLength());
        }

        string pngs = ImageFolderPipelineTests.WriteMnistPngs(1, train: false);
        var images = Directory.GetFiles(pngs, "*.png", SearchOption.AllDirectories).Take(3).ToArray();
        (code, error) = Tpnet.Run(new[] { "predict", model }.Concat(images).ToArray());
        Assert.AreEqual(0, code, error);

        (code, error) = Tpnet.Run("predict", model, Path.Combine(output, "missing.png"));
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "missing.png");
    }

    [TestMethod]
    public void AProcessKilledWhileSavingACheckpointLeavesThePreviousOneAndResumeFinishesTheRun()
    {
        string output = TestSetup.TempFolder();
        string[] train = { "train", "--arch", "fc(32)", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--checkpoint-every", "1", "--output", output };
        var (code, error) = Tpnet.Run(train.Concat(new[] { "--epochs", "1" }).ToArray());
        Assert.AreEqual(0, code, error);
        string checkpoint = Path.Combine(output, "checkpoint.ckpt");
        var before = File.ReadAllBytes(checkpoint);

        (code, _) = Tpnet.RunWithEnvironment(Microsoft.ML.TargetProp.TorchSharp.Training.NetworkTrainer.CrashBeforeRenameVariable, train.Concat(new[] { "--epochs", "2", "--resume" }).ToArray());
        Assert.AreNotEqual(0, code, "the simulated crash must kill the process");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(checkpoint), "the previous checkpoint must be intact");

        (code, error) = Tpnet.Run(train.Concat(new[] { "--epochs", "2", "--resume" }).ToArray());
        Assert.AreEqual(0, code, error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.AreEqual(2, json.RootElement.GetProperty("history").GetArrayLength(), "the resumed run continues at epoch 2");
        CollectionAssert.AreNotEqual(before, File.ReadAllBytes(checkpoint));
    }

    [TestMethod]
    public void CtrlCStopsTrainingAfterTheCurrentBatchAndStillWritesTheModelAndMetrics()
    {
        string output = TestSetup.TempFolder();
        // env --default-signal=INT: a process started from a background job inherits SIGINT as ignored, and .NET then
        // keeps ignoring it; an interactive terminal's Ctrl+C reaches tpnet with the default disposition, as here.
        var start = Tpnet.StartInfo(null, new[] { "train", "--arch", "mnist-fc", "--algorithm", "bp", "--epochs", "10000", "--train-limit", "500", "--test-limit", "100",
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
        Tpnet.AssertPng(Path.Combine(output, "learning_curve.png"));
        Assert.AreEqual(0, Tpnet.LeftoverTemporaryFiles(output).Length, string.Join(", ", Tpnet.LeftoverTemporaryFiles(output)));
    }

    [TestMethod]
    public void OnATerminalTrainShowsABatchLevelProgressBarAndEachEpochRowOnce()
    {
        if (!File.Exists("/usr/bin/script")) Assert.Inconclusive("util-linux 'script' (a pseudo-terminal) is not installed");
        string output = TestSetup.TempFolder();
        // Batch size 1: an epoch of 2,000 steps lasts well over Spectre's 100 ms refresh, so the bar is drawn inside epoch 1
        // (with larger batches this tiny network finished an epoch between two refreshes).
        string command = $"dotnet {Tpnet.Dll} train --arch fc(32) --epochs 2 --batch-size 1 --train-limit 2000 --test-limit 100 --threads 1 --output {output}";
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

    /// <summary>Issue 31: piped to a file, a long epoch still prints periodic progress lines (batches, samples/s, time left).</summary>
    [TestMethod]
    public void WithoutATerminalTrainPrintsPeriodicProgressLinesInsideAnEpoch()
    {
        string output = TestSetup.TempFolder();
        var start = Tpnet.StartInfo(null, new[] { "train", "--arch", "fc(32)", "--epochs", "1", "--batch-size", "1", "--train-limit", "1500", "--test-limit", "100", "--threads", "1", "--output", output });
        start.Environment["TPNET_PROGRESS_SECONDS"] = "0.2";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(300_000), "tpnet hung");
        Assert.AreEqual(0, process.ExitCode, error);
        var lines = stdout.Result.Split('\n');
        var progress = lines.Where(l => l.StartsWith("# epoch 1/1: ", StringComparison.Ordinal)).ToArray();
        Assert.IsTrue(progress.Length >= 1, "no progress line inside the epoch:\n" + stdout.Result);
        StringAssert.Matches(progress[0], new System.Text.RegularExpressions.Regex(@"^# epoch 1/1: [0-9]+/1500 batches \([0-9]+ %\), [0-9,]+ samples/s, [0-9]+ s left in the epoch"));
        Assert.AreEqual(1, lines.Count(l => l.StartsWith("1\t", StringComparison.Ordinal)), "the epoch's row is printed once");
    }

    [TestMethod]
    public void AFailedWriteNamesTheFileAndLeavesNoTemporaryFile()
    {
        string output = TestSetup.TempFolder();
        Directory.CreateDirectory(Path.Combine(output, "metrics.json"));   // the rename over it must fail
        var (code, error) = Tpnet.Run("train", "--arch", "fc(16)", "--epochs", "1", "--train-limit", "200", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "metrics.json");
        Assert.AreEqual(1, error.Trim().Split('\n').Length, error);
        Assert.AreEqual(0, Tpnet.LeftoverTemporaryFiles(output).Length, string.Join(", ", Tpnet.LeftoverTemporaryFiles(output)));
        Assert.IsTrue(File.Exists(Path.Combine(output, "model.zip")), "files written before the failure stay");
    }

    [TestMethod]
    public void TrainsOnAnImageFolder()
    {
        string images = ImageFolderPipelineTests.WriteMnistPngs(20);
        string output = TestSetup.TempFolder();
        string dataDir = TestSetup.TempFolder();
        var (code, error) = Tpnet.Run("train", "--dataset", images, "--image-size", "1x28x28", "--arch", Tpnet.Arch, "--epochs", "1", "--threads", "1", "--lr", "0.002",
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
        (code, error) = Tpnet.Run("predict", Path.Combine(output, "model.zip"), png);
        Assert.AreEqual(0, code, error);
        // evaluate decodes the folder at the model's 1x28x28 (not 3 channels at the images' size) and scores the same test split.
        string evaluated = TestSetup.TempFolder();
        (code, error) = Tpnet.Run("evaluate", Path.Combine(output, "model.zip"), "--dataset", images, "--output", evaluated);
        Assert.AreEqual(0, code, error);
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(evaluated, "evaluation.json"))))
        {
            Assert.AreEqual(40, json.RootElement.GetProperty("examples").GetInt32());
            Assert.AreEqual(testAccuracy, json.RootElement.GetProperty("microAccuracy").GetDouble(), 1e-9);
        }
        Tpnet.AssertPng(Path.Combine(evaluated, "confusion_matrix.png"));
        (code, error) = Tpnet.Run("train", "--dataset", images, "--image-size", "2x28x28");
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
            var (code, error) = Tpnet.Run(new[] { "train", "--dataset", images, "--arch", "fc(16)", "--epochs", "1", "--threads", "1", "--output", TestSetup.TempFolder() }.Concat(size).ToArray());
            Assert.AreEqual(2, code, error);
            StringAssert.Contains(error, corrupt);
            Assert.AreEqual(1, error.Trim().Split('\n').Length, $"one line expected, got: {error}");
        }
    }

    [TestMethod]
    public void ARulesOwnSettingIsAFlagRecordedInTheCommandAndRejectedForAnotherRule()
    {
        string output = TestSetup.TempFolder();
        Tpnet.Train(output, "--algorithm", "kp", "--weight-decay", "2.5");
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))))
        {
            StringAssert.Contains(json.RootElement.GetProperty("command").GetString(), "--algorithm kp");
            StringAssert.Contains(json.RootElement.GetProperty("command").GetString(), "--weight-decay 2.5");
        }
        var (code, error) = Tpnet.Run("train", "--algorithm", "bp", "--weight-decay", "2", "--arch", Tpnet.Arch, "--epochs", "1", "--train-limit", "50", "--output", TestSetup.TempFolder());
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "--weight-decay is a setting of -a kp, not of --algorithm bp");
        (code, error) = Tpnet.Run("train", "--algorithm", "kp", "--weight-decay", "-1", "--arch", Tpnet.Arch, "--epochs", "1", "--train-limit", "50", "--output", TestSetup.TempFolder());
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "--weight-decay must be in [0, 1000]; got -1");
    }

    [TestMethod]
    public void PrecisionBf16IsRecordedInTheCommandAndMetricsAndAnUnknownOneIsNamed()
    {
        string output = TestSetup.TempFolder();
        Tpnet.Train(output, "--algorithm", "bp", "--precision", "bf16");
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json"))))
        {
            StringAssert.Contains(json.RootElement.GetProperty("command").GetString(), "--precision bf16");
            Assert.AreEqual("BFloat16", json.RootElement.GetProperty("reproduction").GetProperty("matmulPrecision").GetString());
        }
        var (code, error) = Tpnet.Run("train", "--arch", Tpnet.Arch, "--epochs", "1", "--train-limit", "50", "--precision", "fp16", "--output", TestSetup.TempFolder());
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "--precision");
        StringAssert.Contains(error, "bf16");
    }

    [TestMethod]
    public void MissingDatasetListsFilesAndSources()
    {
        var (code, error) = Tpnet.Run("train", "--dataset", "cifar10", "--data-dir", TestSetup.TempFolder());
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "data_batch_1.bin");
        StringAssert.Contains(error, "cifar-10-binary.tar.gz");
        StringAssert.Contains(error, "tpnet data fetch cifar10");
    }
}
