using System;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>Turns the user's <c>Device</c> string into a torch device, with a clear error when CUDA is asked for and absent.</summary>
internal static class TorchDevices
{
    /// <summary>Resolves "cpu", "cuda" or "cuda:N" (first checking that a native libtorch is there, <see cref="LibTorchAvailability"/>, and letting oneMKL use the CPU's full instruction set, <see cref="MklCpuDispatch"/>).</summary>
    public static Device Resolve(string? device)
    {
        LibTorchAvailability.EnsureLoadable();
        MklCpuDispatch.EnsureApplied();
        string name = string.IsNullOrWhiteSpace(device) ? "cpu" : device.Trim().ToLowerInvariant();
        if (name == "cpu") return CPU;
        if (name == "cuda" || name.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new InvalidOperationException(
                    $"Device '{device}' was requested but CUDA is not available in this process. Reference TorchSharp-cuda-linux (or TorchSharp-cuda-windows) " +
                    "instead of libtorch-cpu-linux-x64 in your application and run on a machine with an NVIDIA driver, or set Device = \"cpu\".");
            return new Device(name);
        }
        throw new ArgumentException($"Unknown Device '{device}'; expected \"cpu\", \"cuda\" or \"cuda:N\".", nameof(device));
    }
}
