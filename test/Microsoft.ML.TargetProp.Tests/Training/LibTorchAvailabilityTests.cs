using System;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Training;

/// <summary>
/// The libtorch check (issue 31): the application's own libtorch counts, and TorchSharp's own load failure comes back
/// as our message with TorchSharp's exception inside. build/package-test.sh runs an app without libtorch beside a fake
/// system libtorch on the loader path.
/// </summary>
[TestClass]
public sealed class LibTorchAvailabilityTests
{
    [TestMethod]
    public void TheTestHostsOwnLibTorchIsFoundAndLoads()
    {
        Assert.IsTrue(LibTorchAvailability.IsInApplication(), "the test project references libtorch-cpu-linux-x64");
        LibTorchAvailability.EnsureLoadable();
    }

    [TestMethod]
    public void TorchSharpsLoadFailureIsRethrownWithTheClearMessageAndTheOriginalInside()
    {
        var trace = new NotSupportedException("This application or script uses TorchSharp but doesn't contain a reference to libtorch-cpu-linux-x64, Version=2.10.0.\n\nTrace from LoadNativeBackend: ...");
        var original = new TypeInitializationException("TorchSharp.torch", trace);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => LibTorchAvailability.Load(() => throw original));
        Assert.AreSame(original, e.InnerException);
        StringAssert.StartsWith(e.Message, LibTorchAvailability.LoadFailedMessage);
        StringAssert.Contains(e.Message, "doesn't contain a reference to libtorch-cpu-linux-x64", "TorchSharp's first line is kept");
        Assert.IsFalse(e.Message.Contains("Trace from LoadNativeBackend"), "the trace stays in the inner exception");
    }

    [TestMethod]
    public void OtherFailuresAreNotMistakenForAMissingLibTorch()
    {
        Assert.ThrowsExactly<ArgumentException>(() => LibTorchAvailability.Load(() => throw new ArgumentException("not a load failure")));
    }
}
