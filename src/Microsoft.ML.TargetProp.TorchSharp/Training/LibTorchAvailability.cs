using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// Checks, before the first TorchSharp call, that the application carries a native libtorch. Without one, TorchSharp
/// 0.107 prints its loader trace, copies about 500 MB of libtorch from the NuGet cache into <c>bin/…/cpu/</c> (a copy
/// that never gets the GLIBCXX fix) and fails anyway; this check fails first, with the package to add.
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

    /// <summary>Throws <see cref="InvalidOperationException"/> with <see cref="MissingMessage"/> when libtorch cannot be found; checks once per process.</summary>
    public static void EnsureLoadable()
    {
        if (_checked) return;
        if (!IsLoadable())
            throw new InvalidOperationException(MissingMessage);
        _checked = true;
    }

    /// <summary>True when the native libtorch (libtorch.so / torch.dll / libtorch.dylib) resolves for TorchSharp's assembly or lies next to the app.</summary>
    public static bool IsLoadable()
    {
        if (NativeLibrary.TryLoad("torch", typeof(global::TorchSharp.torch).Assembly, null, out _)) return true;
        string[] names = { "libtorch.so", "torch.dll", "libtorch.dylib" };
        string root = AppContext.BaseDirectory;
        foreach (var name in names)
        {
            if (File.Exists(Path.Combine(root, name))) return true;
            string runtimes = Path.Combine(root, "runtimes");
            if (Directory.Exists(runtimes) && Directory.GetFiles(runtimes, name, SearchOption.AllDirectories).Length > 0) return true;
        }
        return false;
    }
}
