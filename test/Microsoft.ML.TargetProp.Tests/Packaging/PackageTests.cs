using System.Diagnostics;
using System.IO;
using System.Reflection;
using Microsoft.ML.TargetProp.MLNetInternals;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Packaging;

[TestClass]
public sealed class PackageTests
{
    /// <summary>
    /// What the throwaway apps ask for: nothing (a new user's `dotnet add package Microsoft.ML`, the newest release)
    /// when this run is on the newest supported ML.NET, else this run's release (the 5.0 leg pins 5.0.1).
    /// </summary>
    private static string NewUserMLNetVersion()
    {
        string loaded = typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        return loaded.StartsWith(MLNetVersion.Supported[^1] + ".", System.StringComparison.Ordinal) ? "latest" : loaded;
    }

    /// <summary>
    /// build/package-test.sh: packs both packages into a local feed, builds a training app and a scoring app that
    /// reference them as packages (outside this repository) as a new user adds them, trains the README's image pipeline,
    /// saves a zip, scores it in the app that references only the scoring package (no libtorch there) and through ONNX
    /// Runtime; the GLIBCXX fix must come through buildTransitive; an app without libtorch gets the clear error even
    /// with a (fake) system libtorch on the loader path.
    /// </summary>
    [TestMethod]
    public void PackagesWorkInThrowawayAppsFromALocalFeed()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestSetup.RepoRoot };
        start.ArgumentList.Add(Path.Combine(TestSetup.RepoRoot, "build", "package-test.sh"));
        start.ArgumentList.Add(TestSetup.TempFolder());
        start.ArgumentList.Add(NewUserMLNetVersion());
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(900_000), "the package test hung");
        Assert.AreEqual(0, process.ExitCode, output + stderr.Result);
        StringAssert.Contains(output, "package test: OK");
    }
}
