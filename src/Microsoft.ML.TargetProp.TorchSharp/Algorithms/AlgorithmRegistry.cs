using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Every learning algorithm of the library, in the paper's order (BP, FA, DFA, DTP, SDTP, AO-SDTP). The factory, the
/// command-line names and the help texts loop over this list; a new algorithm adds its descriptor here.
/// </summary>
public static class AlgorithmRegistry
{
    /// <summary>The descriptors, one per algorithm.</summary>
    public static IReadOnlyList<AlgorithmDescriptor> All { get; } = new[]
    {
        Backprop.Descriptor,
        FeedbackAlignment.Descriptor,
        DirectFeedbackAlignment.Descriptor,
        DifferenceTargetProp.Descriptor,
        SimplifiedTargetProp.Descriptor,
        AugmentedOutputTargetProp.Descriptor,
    };

    /// <summary>The descriptor of <paramref name="kind"/>.</summary>
    public static AlgorithmDescriptor Get(AlgorithmKind kind) =>
        All.FirstOrDefault(d => d.Kind == kind) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown algorithm.");

    /// <summary>The descriptor whose <see cref="AlgorithmDescriptor.ShortName"/> is <paramref name="shortName"/> (case-insensitive), or null.</summary>
    public static AlgorithmDescriptor? Find(string shortName) =>
        All.FirstOrDefault(d => string.Equals(d.ShortName, shortName, StringComparison.OrdinalIgnoreCase));

    /// <summary>The short names, in order (bp, fa, dfa, dtp, sdtp, ao-sdtp).</summary>
    public static IReadOnlyList<string> ShortNames { get; } = All.Select(d => d.ShortName).ToArray();

    /// <summary>The short names joined by <paramref name="separator"/> and, before the last, <paramref name="lastSeparator"/>: "bp, fa, dfa, dtp, sdtp or ao-sdtp".</summary>
    public static string ShortNameList(string separator = ", ", string lastSeparator = " or ") => JoinNames(ShortNames, separator, lastSeparator);

    /// <summary>The display names as a sentence: "BP, FA, DFA, DTP, SDTP or AO-SDTP".</summary>
    public static string DisplayNameList(string separator = ", ", string lastSeparator = " or ") => JoinNames(All.Select(d => d.DisplayName).ToArray(), separator, lastSeparator);

    private static string JoinNames(IReadOnlyList<string> names, string separator, string lastSeparator) =>
        names.Count < 2 ? string.Concat(names) : string.Join(separator, names.Take(names.Count - 1)) + lastSeparator + names[^1];
}
