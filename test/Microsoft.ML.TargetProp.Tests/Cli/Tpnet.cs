using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary>Runs tpnet in its own process for the command tests (one test file per command).</summary>
internal static class Tpnet
{
    internal const string Arch = "lc(3x3,4,2) fc(32)";

    internal static string Dll => Path.Combine(AppContext.BaseDirectory.Replace(Path.Combine("test", "Microsoft.ML.TargetProp.Tests"), Path.Combine("src", "Microsoft.ML.TargetProp.Cli")), "tpnet.dll");

    /// <summary>Runs tpnet in its own process (from the repository root) and returns its exit code and stderr.</summary>
    internal static (int Code, string Error) Run(params string[] args) => RunWithEnvironment(null, args);

    internal static (int Code, string Error) RunWithEnvironment(string? variable, params string[] args)
    {
        var (code, _, error) = RunCapturing(variable, args);
        return (code, error);
    }

    /// <summary>Runs tpnet and returns its exit code, stdout and stderr.</summary>
    internal static (int Code, string Output, string Error) RunCapturing(string? variable, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(StartInfo(variable, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(300_000), "tpnet hung: " + string.Join(" ", args));
        return (process.ExitCode, stdout.Result, error);
    }

    /// <summary>How tests start tpnet: <c>dotnet tpnet.dll ARGS</c> in the repository root, without $TARGETPROP_DATA.</summary>
    internal static System.Diagnostics.ProcessStartInfo StartInfo(string? variable, string[] args, params string[] prefix)
    {
        Assert.IsTrue(File.Exists(Dll), $"tpnet not built at {Dll}");
        var start = new System.Diagnostics.ProcessStartInfo(prefix.Length > 0 ? prefix[0] : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestSetup.RepoRoot,
        };
        foreach (var p in prefix.Skip(1)) start.ArgumentList.Add(p);
        if (prefix.Length > 0) start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("TARGETPROP_DATA");
        if (variable is not null) start.Environment[variable] = "1";
        return start;
    }

    /// <summary>Temporary files tpnet's atomic writes left behind (none expected).</summary>
    internal static string[] LeftoverTemporaryFiles(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f).Contains(".tmp", StringComparison.Ordinal)).ToArray();

    internal static void AssertPng(string path)
    {
        Assert.IsTrue(File.Exists(path), $"{path} missing");
        var head = File.ReadAllBytes(path)[..8];
        CollectionAssert.AreEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, head, $"{path} is not a PNG");
    }

    internal static string Train(string output, params string[] extra)
    {
        var (code, stdout, error) = RunCapturing(null, new[] { "train", "--arch", Arch, "--epochs", "1", "--train-limit", "300", "--test-limit", "200", "--threads", "1", "--output", output }.Concat(extra).ToArray());
        Assert.AreEqual(0, code, error);
        Assert.AreEqual(1, stdout.Split('\n').Count(l => l.StartsWith("1\t", StringComparison.Ordinal)), "each epoch's row is printed once: " + stdout);
        return Path.Combine(output, "model.zip");
    }
}
