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
    }

    [TestMethod]
    [DataRow("5.1.0+abcdef", "5.1.0")]
    [DataRow("6.0.0-preview.1", "6.0.0-preview.1")]
    [DataRow("4.0.2", "4.0.2")]
    [DataRow("5.01.0", "5.01.0")]
    public void AnotherReleaseGetsAMessageNamingBothVersions(string loaded, string shown)
    {
        string? problem = MLNetVersion.ProblemWith(loaded);
        Assert.IsNotNull(problem);
        StringAssert.Contains(problem, $"loads Microsoft.ML {shown}.");
        StringAssert.Contains(problem, "built against Microsoft.ML 5.0.x");
        StringAssert.Contains(problem, "Reference Microsoft.ML 5.0.x");
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
