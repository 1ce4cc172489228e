using System;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.ML.TargetProp.MLNetInternals;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Transforms;

/// <summary>The guard in front of every use of ML.NET's internals: another ML.NET release gets a clear message.</summary>
[TestClass]
public sealed class MLNetVersionTests
{
    [TestMethod]
    public void TheLoadedMLNetIsTheExpectedRelease()
    {
        MLNetVersion.EnsureCompatible();
        string loaded = typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.IsNull(MLNetVersion.ProblemWith(loaded), loaded);
        Assert.IsNull(MLNetVersion.ProblemWith("5.0.1+0123456789abcdef"));
        Assert.IsNull(MLNetVersion.ProblemWith("5.0.7"));
        Assert.IsNull(MLNetVersion.ProblemWith("6.0.0+0123456789abcdef"));
        Assert.IsNull(MLNetVersion.ProblemWith("6.0.3"));
    }

    /// <summary>The suite runs against the release the build selected (-p:MLNetVersion): the one loaded here.</summary>
    [TestMethod]
    public void TheSuiteRunsAgainstTheReleaseTheBuildSelected()
    {
        string loaded = typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        string props = System.IO.File.ReadAllText(System.IO.Path.Combine(TestSetup.RepoRoot, "Directory.Build.props"));
        StringAssert.Contains(props, $"<MLNetVersionRange>{MLNetVersion.Range}</MLNetVersionRange>", "the package's declared range and MLNetVersion.Range agree");
        string? selected = Environment.GetEnvironmentVariable("TPNET_EXPECT_MLNET");   // set by .ci/run for each leg
        if (selected is not null) Assert.AreEqual(selected, loaded);
        Assert.IsTrue(MLNetVersion.Supported.Any(s => loaded.StartsWith(s + ".", StringComparison.Ordinal)), loaded);
    }

    [TestMethod]
    [DataRow("5.1.0+abcdef", "5.1.0")]
    [DataRow("7.0.0", "7.0.0")]
    [DataRow("6.1.0", "6.1.0")]
    [DataRow("6.0.0-preview.1", "6.0.0-preview.1")]
    [DataRow("4.0.2", "4.0.2")]
    [DataRow("5.01.0", "5.01.0")]
    public void AnotherReleaseGetsAMessageNamingBothVersions(string loaded, string shown)
    {
        string? problem = MLNetVersion.ProblemWith(loaded);
        Assert.IsNotNull(problem);
        StringAssert.Contains(problem, $"loads Microsoft.ML {shown}.");
        StringAssert.Contains(problem, "supports Microsoft.ML 5.0.x and 6.0.x");
        StringAssert.Contains(problem, "Reference Microsoft.ML 6.0.x");
        Assert.IsFalse(problem.Contains('+'), "the build metadata is left out");
    }

    [TestMethod]
    public void InternalCallsAreInNeverInlinedHelpersSoTheCheckRunsFirst()
    {
        foreach (var (type, name) in new[] { (typeof(ModelPersistence), "SaveCore"), (typeof(ModelPersistence), "LoadCore"), (typeof(ModelPersistence), "Version"), (typeof(HostAccess), "EnvironmentOf"), (typeof(TrainerInfos), "Create") })
        {
            var methods = type.GetMethods(BindingFlags.Static | BindingFlags.NonPublic).Where(m => m.Name == name).ToArray();
            Assert.IsTrue(methods.Length > 0, $"{type.Name}.{name}");
            foreach (var m in methods)
                Assert.IsTrue(m.MethodImplementationFlags.HasFlag(MethodImplAttributes.NoInlining), $"{type.Name}.{name} must be [MethodImpl(NoInlining)]");
        }
    }
}
