using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>Native memory of CPU tensors for the managed kernels (<see cref="LocalPatchKernels"/>, the fused Adam step).</summary>
internal static unsafe class TensorMemory
{
    /// <summary>True when <paramref name="t"/> is a contiguous float32 CPU tensor, so its elements are one native array.</summary>
    public static bool IsPlainFloat32(Tensor t) => IsCpuFloat32(t) && t.is_contiguous();

    /// <summary>True when <paramref name="t"/> is a float32 CPU tensor (any strides).</summary>
    public static bool IsCpuFloat32(Tensor t) => t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32;

    /// <summary>The address of the first element (storage offset included) of a tensor for which <see cref="IsPlainFloat32"/> holds.</summary>
    public static float* Float32(Tensor t) => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));
}
