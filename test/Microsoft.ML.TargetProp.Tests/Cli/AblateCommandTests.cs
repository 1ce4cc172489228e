using System;
using System.IO;
using System.Linq;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary><c>tpnet ablate</c>: one run per switched choice and seed, a resumable report.</summary>
[TestClass]
public sealed class AblateCommandTests
{
    [TestMethod]
    public void AblateRunsEachSwitchedChoiceOnceAndSkipsFinishedRunsOnRerun()
    {
        string output = TestSetup.TempFolder();
        string[] args = { "ablate", "--arch", "fc(8)", "--epochs", "1", "--seeds", "0", "--factors", "standardize,init", "--train-limit", "200", "--test-limit", "100", "--threads", "1", "-o", output };
        var (code, stdout, error) = Tpnet.RunCapturing(null, args);
        Assert.AreEqual(0, code, error);
        string report = File.ReadAllText(Path.Combine(output, "ablation.md"));
        foreach (var variant in new[] { "| baseline |", "| standardize=off |", "| init=glorot |", "| init=torch |" })
            StringAssert.Contains(report, variant);
        Assert.IsFalse(report.Contains("| init=glorot-stride |", StringComparison.Ordinal), "the baseline's own value is not a variant");
        Assert.AreEqual(4, Directory.GetDirectories(output).Length, "one folder per run");
        var (again, rerun, rerunError) = Tpnet.RunCapturing(null, args);
        Assert.AreEqual(0, again, rerunError);
        Assert.IsFalse(rerun.Contains("train loss", StringComparison.Ordinal), "a rerun trains nothing: " + rerun);
        Assert.IsTrue(stdout.Contains("train loss", StringComparison.Ordinal), "the first run trained");
        Assert.AreEqual(report, File.ReadAllText(Path.Combine(output, "ablation.md")), "a rerun reports the same runs");
    }

    [TestMethod]
    public void UnknownFactorsAndFlagValuesAreOneLineErrors()
    {
        var (code, error) = Tpnet.Run("ablate", "--factors", "standardise");
        Assert.AreEqual(2, code);
        StringAssert.Contains(error, "'standardise'");
        var (trainCode, trainError) = Tpnet.Run("train", "--init", "xavier", "--epochs", "1");
        Assert.AreEqual(2, trainCode);
        StringAssert.Contains(trainError, "--init");
        StringAssert.Contains(trainError, "glorot-stride");
    }
}
