using System;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// A workaround for TorchSharp 0.107: some tensor wrappers created inside a training step escape dispose scopes
/// (measured: about 7 MB per step of an LC layer's forward under no_grad) and hold native memory until their finalizers
/// run, so without intervention RSS grew by ~500 MB per 10,000 examples. A young-generation collection every few
/// batches runs those finalizers; it costs well under a millisecond here.
/// </summary>
/// <remarks>Targets TorchSharp 0.107: listed with the other workarounds in docs/architecture.md, "TorchSharp 0.107 workarounds".</remarks>
internal static class NativeMemoryReclaim
{
    /// <summary>Batches between two collections.</summary>
    public const int EveryBatches = 8;

    /// <summary>Collects generation 1 and runs pending finalizers.</summary>
    public static void Now()
    {
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
    }
}
