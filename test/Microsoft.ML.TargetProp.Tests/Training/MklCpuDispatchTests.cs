using System;
using System.Runtime.InteropServices;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Training;

/// <summary>The oneMKL vendor-dispatch fix decodes only the expected code, and finds it in the libtorch we ship.</summary>
[TestClass]
public sealed class MklCpuDispatchTests
{
    private static readonly IntPtr Function = new(0x10_0000);

    [TestMethod]
    public void TheCacheIsTheRipRelativeOperandOfTheFirstLoad()
    {
        byte[] code = { 0x8B, 0x05, 0x1A, 0x67, 0x98, 0x09, 0x85, 0xC0, 0x78 };   // mov eax, [rip+0x0998671A]; test eax, eax; js
        Assert.AreEqual(Function + 6 + 0x0998671A, MklCpuDispatch.CacheAddress(code, Function));
        byte[] backwards = { 0x8B, 0x05, 0xF0, 0xFF, 0xFF, 0xFF, 0x85, 0xC0, 0x78 };   // d32 = −16
        Assert.AreEqual(Function + 6 - 16, MklCpuDispatch.CacheAddress(backwards, Function));
    }

    [TestMethod]
    [DataRow(new byte[] { 0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3, 0x90, 0x90, 0x90 })]   // mov eax, 1; ret (already patched elsewhere)
    [DataRow(new byte[] { 0x8B, 0x05, 0x1A, 0x67, 0x98, 0x09, 0x85, 0xC0, 0x79 })]   // jns instead of js
    [DataRow(new byte[] { 0x8B, 0x05, 0x1A, 0x67, 0x98, 0x09, 0x85, 0xC0 })]         // too short to tell
    public void UnexpectedCodeIsLeftAlone(byte[] code)
    {
        Assert.AreEqual(IntPtr.Zero, MklCpuDispatch.CacheAddress(code, Function));
    }

    [TestMethod]
    public void TheShippedLibtorchHasTheExpectedCodeAndOneMklNowSeesItsFeatures()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            Assert.Inconclusive("oneMKL's vendor dispatch is only adjusted in x64 Linux processes.");
        var cache = MklCpuDispatch.LocateCache();
        Assert.AreNotEqual(IntPtr.Zero, cache,
            "mkl_serv_intel_cpu_true in libtorch_cpu.so no longer starts with mov eax, [rip+d32]; test eax, eax; js: after a libtorch upgrade, " +
            "re-read it (objdump -d) and update MklCpuDispatch, or training runs at oneMKL's generic AVX2 speed on AMD CPUs.");
        var state = MklCpuDispatch.EnsureApplied();   // TestSetup applied it before the first tensor
        if (state == MklCpuDispatch.State.Disabled) Assert.Inconclusive($"{MklCpuDispatch.EnvironmentVariable}=0 in this process.");
        Assert.IsTrue(state is MklCpuDispatch.State.Applied or MklCpuDispatch.State.AlreadyIntel, $"state {state}: {MklCpuDispatch.Describe(state)}");
        Assert.AreEqual(1, Marshal.ReadInt32(cache), "oneMKL's vendor cache should say Intel once the fix is applied.");
    }
}
