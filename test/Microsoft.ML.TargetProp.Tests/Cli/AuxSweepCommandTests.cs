using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary><c>tpnet aux-sweep</c>: Figure 4.</summary>
[TestClass]
public sealed class AuxSweepCommandTests
{
    [TestMethod]
    public void AuxSweepTrainsEachSizeAndDrawsFigure4()
    {
        string output = TestSetup.TempFolder();
        var (code, error) = Tpnet.Run("aux-sweep", "--sizes", "0,32", "--arch", "fc(32)", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(0, code, error);
        Tpnet.AssertPng(Path.Combine(output, "aux-sweep.png"));
        var lines = File.ReadAllLines(Path.Combine(output, "aux-sweep.csv"));
        Assert.AreEqual(3, lines.Length);
        StringAssert.StartsWith(lines[1], "0,");
        StringAssert.StartsWith(lines[2], "32,");
        StringAssert.Contains(File.ReadAllText(Path.Combine(output, "aux-sweep.md")), "--aux 32");
        Assert.IsTrue(File.Exists(Path.Combine(output, "aux-32", "model.zip")));

        // Resumable: sizes already in the CSV are not retrained, new ones are added in order.
        var written = File.GetLastWriteTimeUtc(Path.Combine(output, "aux-32", "model.zip"));
        (code, error) = Tpnet.Run("aux-sweep", "--sizes", "32,0,8", "--arch", "fc(32)", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
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
        (code, error) = Tpnet.Run("aux-sweep", "--sizes", "32,0,8", "--arch", "fc(32)", "--epochs", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(0, code, error);
        Assert.AreNotEqual(zero, File.GetLastWriteTimeUtc(Path.Combine(output, "aux-0", "model.zip")), "the interrupted k = 0 was not retrained");
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(Path.Combine(output, "aux-32", "model.zip")), "k = 32 was retrained");
        Assert.AreEqual("0", File.ReadAllLines(Path.Combine(output, "aux-sweep.csv"))[1].Split(',')[cancelledColumn]);

        (code, error) = Tpnet.Run("aux-sweep", "--sizes", "32", "--arch", "fc(32)", "--epochs", "1", "--seed", "1", "--train-limit", "300", "--test-limit", "100", "--threads", "1", "--output", output);
        Assert.AreEqual(0, code, error);
        Assert.AreNotEqual(written, File.GetLastWriteTimeUtc(Path.Combine(output, "aux-32", "model.zip")), "k = 32 from --seed 0 was reused for --seed 1");
        Assert.AreEqual(0, Tpnet.LeftoverTemporaryFiles(output).Length);
    }
}
