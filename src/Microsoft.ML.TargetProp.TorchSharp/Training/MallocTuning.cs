using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// glibc malloc settings for libtorch's CPU allocations. By default glibc serves large blocks with mmap and returns
/// them to the OS on free, so every training step page-faults its big buffers again; pinning M_MMAP_THRESHOLD and
/// M_TRIM_THRESHOLD keeps them in the heap. glibc caps M_MMAP_THRESHOLD at 32 MiB, so blocks above it (CIFAR-LC's
/// patches, 41–52 MB a layer) are still mmapped and faulted in at every step unless mmap is turned off altogether
/// (M_MMAP_MAX = 0, <c>heapOnly</c>; the CIFAR-LC step times with and without it are in docs/performance.md). Equivalent to the environment variables MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ and
/// MALLOC_MMAP_MAX_. Also reads the process's resident memory.
/// </summary>
/// <remarks>Targets libtorch 2.10 under TorchSharp 0.107 on glibc: listed with the other workarounds in docs/architecture.md, "TorchSharp 0.107 workarounds".</remarks>
internal static class MallocTuning
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;
    private const int M_MMAP_MAX = -4;

    /// <summary>The largest M_MMAP_THRESHOLD glibc accepts on 64-bit (32 MiB).</summary>
    public const int MaxMmapThreshold = 32 << 20;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int param, int value);

    private static int _applied;

    /// <summary>Applies <see cref="Apply"/> once per process; later calls do nothing.</summary>
    public static void EnsureApplied()
    {
        if (Interlocked.Exchange(ref _applied, 1) == 0) Apply();
    }

    /// <summary>
    /// Pins the thresholds and, when <paramref name="heapOnly"/>, stops glibc from serving any block with mmap (glibc
    /// only); returns false where mallopt is unavailable or refuses.
    /// </summary>
    public static bool Apply(int mmapThreshold = MaxMmapThreshold, int trimThreshold = int.MaxValue, bool heapOnly = true)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            bool pinned = Mallopt(M_MMAP_THRESHOLD, mmapThreshold) == 1 & Mallopt(M_TRIM_THRESHOLD, trimThreshold) == 1;
            return heapOnly ? pinned & Mallopt(M_MMAP_MAX, 0) == 1 : pinned;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>(current, peak) resident set size in bytes from /proc/self/status; (0, 0) where unavailable.</summary>
    public static (long Rss, long PeakRss) ResidentMemory()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return (0, 0);
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kilobytes(line);
        }
        return (rss, peak);
    }

    /// <summary>Resets the peak RSS counter (Linux: writes 5 to /proc/self/clear_refs); false where unsupported.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(':')[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
}
