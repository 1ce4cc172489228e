using System;
using System.IO;
using System.Linq;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// Turns "this application has no usable libtorch" into one clear error. Two steps: the application's own native
/// folders (what the .NET host probes first, from its deps.json) must hold a libtorch, else TorchSharp 0.107 would
/// shadow-copy about 500 MB of libtorch from the NuGet cache into <c>bin/…/cpu/</c> (a copy that never gets the
/// GLIBCXX fix) and fail anyway; then TorchSharp's own first load runs, and its failure (a
/// <see cref="TypeInitializationException"/> carrying its loader trace) is rethrown with the same message and the original
/// as inner exception. A libtorch elsewhere on the system loader path (Debian's libtorch1.13) counts for neither.
/// </summary>
public static class LibTorchAvailability
{
    private static bool _checked;

    /// <summary>The message of the error thrown when no libtorch can be loaded.</summary>
    public static string MissingMessage { get; } =
        "Microsoft.ML.TargetProp.TorchSharp trains on libtorch, and this application references no libtorch package. Add one: " +
        "'dotnet add package libtorch-cpu-linux-x64 --version 2.10.0' for CPU (libtorch-cpu-win-x64 / libtorch-cpu-osx-arm64 on other systems), " +
        "or 'dotnet add package TorchSharp-cuda-linux --version 0.107.0' (TorchSharp-cuda-windows) for an NVIDIA GPU. " +
        "Scoring a saved model needs only Microsoft.ML.TargetProp and no libtorch.";

    /// <summary>The message when a libtorch is there but TorchSharp cannot load it (the inner exception says why).</summary>
    public static string LoadFailedMessage { get; } =
        "TorchSharp could not load the application's libtorch (TorchSharp 0.107 needs libtorch 2.10: libtorch-cpu-linux-x64 --version 2.10.0, " +
        "or TorchSharp-cuda-linux --version 0.107.0). The inner exception holds TorchSharp's loader trace.";

    /// <summary>Throws <see cref="InvalidOperationException"/> when libtorch is missing or fails to load; checks once per process.</summary>
    public static void EnsureLoadable()
    {
        if (_checked) return;
        if (!IsInApplication())
            throw new InvalidOperationException(MissingMessage);
        Load(() => global::TorchSharp.torch.get_num_threads());
        _checked = true;
    }

    /// <summary>Runs TorchSharp's first use <paramref name="firstUse"/>; its native-load failures become <see cref="LoadFailedMessage"/> with the original inside.</summary>
    internal static void Load(Func<int> firstUse)
    {
        try
        {
            firstUse();
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new InvalidOperationException(LoadFailedMessage + " First line: " + FirstLine(e.GetBaseException().Message), e);
        }
    }

    /// <summary>True when a native libtorch lies in the application's own native folders: its base folder, <c>runtimes/</c> below it, and the host's NATIVE_DLL_SEARCH_DIRECTORIES.</summary>
    public static bool IsInApplication()
    {
        string[] names = { "libtorch.so", "torch.dll", "libtorch.dylib" };
        var folders = (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(AppContext.BaseDirectory)
            .Append(Path.GetDirectoryName(typeof(global::TorchSharp.torch).Assembly.Location) ?? "")
            .Where(Directory.Exists);
        foreach (var folder in folders)
        {
            if (names.Any(n => File.Exists(Path.Combine(folder, n)))) return true;
            string runtimes = Path.Combine(folder, "runtimes");
            if (Directory.Exists(runtimes) && names.Any(n => Directory.EnumerateFiles(runtimes, n, SearchOption.AllDirectories).Any())) return true;
        }
        return false;
    }

    private static string FirstLine(string message) =>
        message.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? message;
}
