using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// libtorch's CPU build links oneMKL statically, and oneMKL picks its kernels by the CPU's vendor string first: on any
/// x86 processor that is not "GenuineIntel" it runs its generic AVX2 code path whatever the CPU supports, so on an
/// AVX-512 AMD EPYC the fp32 matrix products (Linear, bmm, their backward) run at about half the machine's speed
/// (docs/performance.md has the 2048² matmul with and without this). oneMKL caches the vendor check in a
/// variable that its exported <c>mkl_serv_intel_cpu_true</c> reads first; setting that cache before oneMKL's first call
/// makes it choose its kernels by the CPU's feature bits (cpuid) alone, so only instructions the CPU has are run and
/// results stay float32. Applied once per process, only when the function's machine code is the expected
/// "<c>mov eax, [rip+d]; test eax, eax; js</c>" and the cache is still unset; otherwise nothing is changed.
/// Set the environment variable <c>TPNET_MKL_VENDOR_DISPATCH=0</c> to keep oneMKL's own choice.
/// </summary>
internal static class MklCpuDispatch
{
    private static readonly object Gate = new();
    private static State? _state;

    /// <summary>What <see cref="EnsureApplied"/> found or did.</summary>
    public enum State
    {
        /// <summary>The vendor cache was unset and is now "Intel": oneMKL dispatches on the CPU's features.</summary>
        Applied,

        /// <summary>The CPU reports GenuineIntel (or oneMKL already decided it is one): nothing to change.</summary>
        AlreadyIntel,

        /// <summary>Not an x64 Linux process, no libtorch_cpu with oneMKL, or its code is not the expected one.</summary>
        NotApplicable,

        /// <summary>oneMKL had already checked the vendor before this call; left as it was.</summary>
        TooLate,

        /// <summary><c>TPNET_MKL_VENDOR_DISPATCH=0</c> asked to keep oneMKL's own choice.</summary>
        Disabled,
    }

    /// <summary>The environment variable that turns this off ("0").</summary>
    public const string EnvironmentVariable = "TPNET_MKL_VENDOR_DISPATCH";

    /// <summary>Applies the dispatch fix once per process (before libtorch's first matrix product) and returns what happened.</summary>
    public static State EnsureApplied()
    {
        lock (Gate)
        {
            _state ??= Apply();
            return _state.Value;
        }
    }

    /// <summary>A one-line description of <paramref name="state"/> for logs and benchmark notes.</summary>
    public static string Describe(State state) => state switch
    {
        State.Applied => "oneMKL dispatches on CPU features (vendor check set to Intel before its first call)",
        State.AlreadyIntel => "oneMKL sees an Intel CPU (nothing changed)",
        State.TooLate => "oneMKL had already checked the vendor (nothing changed)",
        State.Disabled => $"oneMKL's own vendor dispatch ({EnvironmentVariable}=0)",
        _ => "oneMKL vendor dispatch not applicable here (nothing changed)",
    };

    private static State Apply()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) == "0") return State.Disabled;
        var cache = LocateCache();
        if (cache == IntPtr.Zero) return State.NotApplicable;
        int value = Marshal.ReadInt32(cache);
        if (value > 0) return State.AlreadyIntel;
        if (value == 0) return State.TooLate;
        Marshal.WriteInt32(cache, 1);
        return State.Applied;
    }

    /// <summary>The address of oneMKL's vendor-check cache in this process's libtorch_cpu (loading it), or zero where there is none to find.</summary>
    internal static IntPtr LocateCache()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return IntPtr.Zero;
        var assembly = typeof(global::TorchSharp.torch).Assembly;
        if (!NativeLibrary.TryLoad("torch_cpu", assembly, null, out var library) && !NativeLibrary.TryLoad("libtorch_cpu.so", assembly, null, out library))
            return IntPtr.Zero;
        return NativeLibrary.TryGetExport(library, "mkl_serv_intel_cpu_true", out var function) ? CacheAddress(function) : IntPtr.Zero;
    }

    /// <summary>
    /// The address of the cache the function at <paramref name="function"/> reads, when its first instructions are
    /// <c>8B 05 d32</c> (mov eax, [rip+d32]), <c>85 C0</c> (test eax, eax), <c>78</c> (js); otherwise zero.
    /// </summary>
    internal static IntPtr CacheAddress(IntPtr function)
    {
        Span<byte> code = stackalloc byte[9];
        for (int i = 0; i < code.Length; i++) code[i] = Marshal.ReadByte(function, i);
        return CacheAddress(code, function);
    }

    /// <summary>The decoding of <see cref="CacheAddress(IntPtr)"/> on the bytes <paramref name="code"/> found at <paramref name="function"/>.</summary>
    internal static IntPtr CacheAddress(ReadOnlySpan<byte> code, IntPtr function)
    {
        if (code.Length < 9 || code[0] != 0x8B || code[1] != 0x05 || code[6] != 0x85 || code[7] != 0xC0 || code[8] != 0x78)
            return IntPtr.Zero;
        int displacement = BitConverter.ToInt32(code.Slice(2, 4));
        return function + 6 + displacement;   // rip-relative: the next instruction's address plus d32
    }
}
