using System;
using System.Reflection;

namespace Microsoft.ML.TargetProp.MLNetInternals;

/// <summary>
/// The ML.NET version this assembly was compiled against. Its internals change between releases, so every use of them
/// first checks that the loaded Microsoft.ML is the same major.minor and fails with a clear message otherwise.
/// </summary>
internal static class MLNetVersion
{
    /// <summary>The Microsoft.ML release the publicized reference assemblies came from.</summary>
    public const string Expected = "5.0";

    private static readonly Lazy<string?> Problem = new(() =>
        ProblemWith(typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion));

    /// <summary>Throws <see cref="NotSupportedException"/> when the loaded Microsoft.ML is not the expected release.</summary>
    public static void EnsureCompatible()
    {
        if (Problem.Value is { } message) throw new NotSupportedException(message);
    }

    /// <summary>
    /// Why Microsoft.ML <paramref name="loaded"/> (an informational version such as "5.0.1+sha") cannot be used, or null
    /// when it is the expected release (or its version is unknown).
    /// </summary>
    internal static string? ProblemWith(string? loaded)
    {
        if (loaded is null || loaded.StartsWith(Expected + ".", StringComparison.Ordinal)) return null;
        return $"Microsoft.ML.TargetProp was built against Microsoft.ML {Expected}.x, whose internal model-persistence API it uses, but this application loads Microsoft.ML {loaded.Split('+')[0]}. Reference Microsoft.ML {Expected}.x (the package declares [{Expected}.1, {Expected}.999]) or a Microsoft.ML.TargetProp built for your ML.NET version.";
    }
}
