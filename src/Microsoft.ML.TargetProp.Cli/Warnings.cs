using System;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>Warnings: one line on stderr, prefixed "tpnet: warning:", so they stay out of redirected results.</summary>
internal static class Warnings
{
    /// <summary>Writes <paramref name="message"/> as a warning line on stderr.</summary>
    public static void Write(string message) => Console.Error.WriteLine($"tpnet: warning: {message}");
}
