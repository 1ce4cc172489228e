using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary><c>tpnet bench</c>: its JSON and markdown.</summary>
[TestClass]
public sealed class BenchCommandTests
{
    [TestMethod]
    public void BenchMeasuresStepsScoringAndMemoryAndWritesJsonAndMarkdown()
    {
        string output = TestSetup.TempFolder();
        var (code, error) = Tpnet.Run("bench", "--arch", "mnist-fc", "--threads", "1", "--repeats", "1", "--warmup", "0", "--algorithms", "bp,sdtp,kp,fw-dtp",
            "--scoring-images", "64", "--memory-epochs", "2", "--memory-examples", "200", "--malloc", "default", "--output", output);
        Assert.AreEqual(0, code, error);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "bench.json")));
        var rows = json.RootElement.GetProperty("Rows").EnumerateArray()
            .Select(r => (Measure: r.GetProperty("Measure").GetString()!, Value: r.GetProperty("Value").GetDouble(), Ratio: r.GetProperty("Ratio")))
            .ToList();
        foreach (var measure in new[] { "matmul 2048² (GFLOP/s)", "forward only (samples/s)", "bp step (samples/s)", "sdtp step (samples/s)", "kp step (samples/s)", "fw-dtp step (samples/s)",
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
}
