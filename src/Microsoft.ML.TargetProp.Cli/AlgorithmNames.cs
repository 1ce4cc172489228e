using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>Short command-line names of the algorithms (bp, fa, dfa, dtp, sdtp, ao-sdtp).</summary>
public static class AlgorithmNames
{
    private static readonly Dictionary<string, AlgorithmKind> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bp"] = AlgorithmKind.Backprop,
        ["fa"] = AlgorithmKind.FeedbackAlignment,
        ["dfa"] = AlgorithmKind.DirectFeedbackAlignment,
        ["dtp"] = AlgorithmKind.DifferenceTargetProp,
        ["sdtp"] = AlgorithmKind.SimplifiedTargetProp,
        ["ao-sdtp"] = AlgorithmKind.AugmentedOutputTargetProp,
    };

    /// <summary>All short names.</summary>
    public static string[] All => ByName.Keys.ToArray();

    /// <summary>The algorithm of a short name.</summary>
    public static AlgorithmKind Parse(string name) =>
        ByName.TryGetValue(name, out var kind) ? kind : throw new ArgumentException($"Unknown algorithm '{name}'; expected one of: {string.Join(", ", All)}.");

    /// <summary>The short name of an algorithm.</summary>
    public static string Of(AlgorithmKind kind) => ByName.First(p => p.Value == kind).Key;
}
