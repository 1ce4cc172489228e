using System;
using System.IO;
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
}
