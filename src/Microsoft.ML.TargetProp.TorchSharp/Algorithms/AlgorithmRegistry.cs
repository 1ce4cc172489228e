using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Every learning rule of the library by name: the paper's six (BP, FA, DFA, DTP, SDTP, AO-SDTP), then the rules of the
/// later literature. The command-line names, help texts, tpnet's flags and the tests loop over this list; a new rule
/// adds its descriptor here.
/// </summary>
public static class AlgorithmRegistry
{
    /// <summary>The descriptors, one per rule, in the paper's order and then the later rules'.</summary>
    public static IReadOnlyList<AlgorithmDescriptor> All { get; } = new[]
    {
        Backprop.Descriptor,
        FeedbackAlignment.Descriptor,
        DirectFeedbackAlignment.Descriptor,
        DifferenceTargetProp.Descriptor,
        SimplifiedTargetProp.Descriptor,
        AugmentedOutputTargetProp.Descriptor,
        KolenPollack.Descriptor,
        SignSymmetry.Descriptor,
        DirectRandomTargetProjection.Descriptor,
        FixedWeightTargetProp.Descriptor,
    };

    /// <summary>The descriptor named <paramref name="name"/> (its <see cref="AlgorithmDescriptor.Name"/> as models store it, or its short name; case-insensitive), or null.</summary>
    public static AlgorithmDescriptor? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.ShortName, name, StringComparison.OrdinalIgnoreCase))
        ?? All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The descriptor named <paramref name="name"/>; throws listing the known names when there is none.</summary>
    public static AlgorithmDescriptor Get(string name) =>
        Find(name) ?? throw new ArgumentException($"Unknown algorithm '{name}'; expected one of: {ShortNameList(", ", ", ")}.", nameof(name));

    /// <summary>The descriptor of one of the paper's six.</summary>
    public static AlgorithmDescriptor Get(AlgorithmKind kind) =>
        All.FirstOrDefault(d => d.Name == kind.ToString() && kind != AlgorithmKind.Unknown) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown algorithm.");

    /// <summary>The short names, in order (bp, fa, dfa, dtp, sdtp, ao-sdtp, kp, …).</summary>
    public static IReadOnlyList<string> ShortNames { get; } = All.Select(d => d.ShortName).ToArray();

    /// <summary>The short names joined by <paramref name="separator"/> and, before the last, <paramref name="lastSeparator"/>: "bp, fa, … or fw-dtp".</summary>
    public static string ShortNameList(string separator = ", ", string lastSeparator = " or ") => JoinNames(ShortNames, separator, lastSeparator);

    /// <summary>The display names as a sentence: "BP, FA, DFA, … or FW-DTP".</summary>
    public static string DisplayNameList(string separator = ", ", string lastSeparator = " or ") => JoinNames(All.Select(d => d.DisplayName).ToArray(), separator, lastSeparator);

    /// <summary>Every setting the registered rules declare, once per name (rules sharing a name share its flag).</summary>
    public static IReadOnlyList<AlgorithmSetting> AllSettings { get; } = All.SelectMany(d => d.Settings).GroupBy(s => s.Name).Select(g => g.First()).ToArray();

    private static string JoinNames(IReadOnlyList<string> names, string separator, string lastSeparator) =>
        names.Count < 2 ? string.Concat(names) : string.Join(separator, names.Take(names.Count - 1)) + lastSeparator + names[^1];
}
