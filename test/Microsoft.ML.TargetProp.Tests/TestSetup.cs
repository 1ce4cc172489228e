using System;
using System.IO;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;

[assembly: DoNotParallelize]

namespace Microsoft.ML.TargetProp.Tests;

/// <summary>Process-wide test settings and shared test data.</summary>
[TestClass]
public static class TestSetup
{
    /// <summary>On a 2-core machine two libtorch threads under contention ran 5–20× slower, so tests use one.</summary>
    [AssemblyInitialize]
    public static void Initialize(TestContext _)
    {
        Microsoft.ML.TargetProp.TorchSharp.Training.MklCpuDispatch.EnsureApplied();   // as trainers do, before the first tensor
        torch.set_num_threads(1);
    }

    /// <summary>The repository root (the folder holding Microsoft.ML.TargetProp.sln).</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.TargetProp.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The committed official MNIST files.</summary>
    public static string MnistFolder => Path.Combine(RepoRoot, "data", "mnist");

    /// <summary>This run's folder for temporary files: one per test process, deleted when the run ends.</summary>
    public static string RunFolder { get; } = Path.Combine(Path.GetTempPath(), "targetprop-tests", $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");

    /// <summary>A fresh temporary folder for one test, inside <see cref="RunFolder"/>.</summary>
    public static string TempFolder()
    {
        string path = Path.Combine(RunFolder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Deletes <see cref="RunFolder"/> (and the shared parent when no other run uses it): tests leave no temp files.</summary>
    [AssemblyCleanup]
    public static void Cleanup()
    {
        try
        {
            if (Directory.Exists(RunFolder)) Directory.Delete(RunFolder, recursive: true);
            string parent = Path.GetDirectoryName(RunFolder)!;
            if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).GetEnumerator().MoveNext()) Directory.Delete(parent);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"could not delete the tests' temp folder {RunFolder}: {e.Message}");
        }
    }
}
