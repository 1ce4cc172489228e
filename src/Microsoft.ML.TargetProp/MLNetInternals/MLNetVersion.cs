using System;
using System.Linq;
using System.Reflection;

namespace Microsoft.ML.TargetProp.MLNetInternals;

/// <summary>
/// The ML.NET releases whose internals this assembly uses. It compiles against the lowest of them; every use of the
/// internals first checks that the loaded Microsoft.ML is one of these major.minor releases (the ones the test suite
/// runs against) and fails with a clear message otherwise.
/// </summary>
internal static class MLNetVersion
{
    /// <summary>The Microsoft.ML major.minor releases whose internal persistence and ONNX API are checked by the test suite.</summary>
    public static readonly string[] Supported = { "5.0", "6.0" };

    /// <summary>The NuGet range the package declares for Microsoft.ML.</summary>
    public const string Range = "[5.0.1, 6.0.999]";

    private static readonly Lazy<string?> Problem = new(() =>
        ProblemWith(typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion));

    /// <summary>Throws <see cref="NotSupportedException"/> when the loaded Microsoft.ML is not a supported release.</summary>
    public static void EnsureCompatible()
    {
        if (Problem.Value is { } message) throw new NotSupportedException(message);
    }

    /// <summary>
    /// Why Microsoft.ML <paramref name="loaded"/> (an informational version such as "6.0.0+sha") cannot be used, or null
    /// when it is a supported release (or its version is unknown).
    /// </summary>
    internal static string? ProblemWith(string? loaded)
    {
        if (loaded is null) return null;
        string release = loaded.Split('+')[0];
        // A pre-release of a supported major.minor ("6.0.0-preview.1") is not what the tests ran against.
        if (!release.Contains('-') && Supported.Any(s => release.StartsWith(s + ".", StringComparison.Ordinal))) return null;
        string supported = string.Join(" and ", Supported.Select(s => s + ".x"));
        return $"Microsoft.ML.TargetProp supports Microsoft.ML {supported}, whose internal model-persistence API it uses and its tests check, but this application loads Microsoft.ML {release}. Reference Microsoft.ML {Supported[^1]}.x (the package declares {Range}), or a Microsoft.ML.TargetProp release that supports {release}.";
    }
}
