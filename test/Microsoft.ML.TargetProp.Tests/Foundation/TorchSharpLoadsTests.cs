using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Foundation;

[TestClass]
public sealed class TorchSharpLoadsTests
{
    /// <summary>Fails with "doesn't contain a reference to libtorch-cpu-linux-x64" when the GLIBCXX_3.4.32 patch in build/ is not applied.</summary>
    [TestMethod]
    public void NativeLibraryLoadsAndRunsABackwardPass()
    {
        using var x = tensor(new float[] { 1, 2, 3 }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        CollectionAssert.AreEqual(new float[] { 2, 4, 6 }, x.grad!.data<float>().ToArray());
    }
}
