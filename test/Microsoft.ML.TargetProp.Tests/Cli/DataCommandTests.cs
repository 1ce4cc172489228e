using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary><c>tpnet data fetch</c> and <c>tpnet reproduce</c> from a local folder.</summary>
[TestClass]
public sealed class DataCommandTests
{
    [TestMethod]
    public void ReproduceAndDataFetchFromALocalFolder()
    {
        string output = TestSetup.TempFolder();
        var (code, error) = Tpnet.Run("reproduce", "--arch", "mnist-fc", "--only", "bp", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(0, code, error);
        var report = File.ReadAllText(Path.Combine(output, "results.md"));
        StringAssert.Contains(report, "| mnist-fc | bp | parallel | 1.48 |");
        Tpnet.AssertPng(Path.Combine(output, "learning_curves.png"));
        // A rerun with the same command resumes: the finished cell is not retrained and the report is the same.
        var trained = File.GetLastWriteTimeUtc(Path.Combine(output, "mnist-fc-bp-parallel", "model.zip"));
        (code, string stdout, error) = Tpnet.RunCapturing(null, "reproduce", "--arch", "mnist-fc", "--only", "bp", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
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
        (code, error) = Tpnet.Run("reproduce", "--arch", "mnist-fc", "--only", "bp", "--dataset", folder, "--epochs", "1", "--train-limit", "100", "--test-limit", "50", "--threads", "1", "--output", TestSetup.TempFolder());
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(error, "MNIST's");

        string data = TestSetup.TempFolder();
        (code, error) = Tpnet.Run("data", "fetch", "mnist", "--from", TestSetup.MnistFolder, "--data-dir", data);
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(4, Directory.GetFiles(Path.Combine(data, "mnist")).Length);

        string bad = TestSetup.TempFolder();
        foreach (var f in Directory.GetFiles(TestSetup.MnistFolder)) File.Copy(f, Path.Combine(bad, Path.GetFileName(f)));
        File.WriteAllBytes(Path.Combine(bad, "t10k-labels-idx1-ubyte.gz"), new byte[] { 1, 2, 3 });
        (code, error) = Tpnet.Run("data", "fetch", "mnist", "--from", bad, "--data-dir", TestSetup.TempFolder());
        Assert.AreNotEqual(0, code);
        StringAssert.Contains(error, "md5");
    }
}
