using System.Diagnostics;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Packaging;

[TestClass]
public sealed class PackageTests
{
    /// <summary>
    /// build/package-test.sh: packs both packages into a local feed, builds a training app and a scoring app that
    /// reference them as packages (outside this repository), trains SDTP, saves a zip, and scores it in the app that
    /// references only the scoring package (no libtorch there); the GLIBCXX fix must come through buildTransitive.
    /// </summary>
    [TestMethod]
    public void PackagesWorkInThrowawayAppsFromALocalFeed()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestSetup.RepoRoot };
        start.ArgumentList.Add(Path.Combine(TestSetup.RepoRoot, "build", "package-test.sh"));
        start.ArgumentList.Add(TestSetup.TempFolder());
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(900_000), "the package test hung");
        Assert.AreEqual(0, process.ExitCode, output + stderr.Result);
        StringAssert.Contains(output, "package test: OK");
    }
}
