using System;
using System.Collections.Generic;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>Short command-line names of the algorithms (bp, fa, dfa, dtp, sdtp, ao-sdtp), read from <see cref="AlgorithmRegistry"/>.</summary>
public static class AlgorithmNames
{
    /// <summary>All short names.</summary>
    public static string[] All => [.. AlgorithmRegistry.ShortNames];

    /// <summary>"bp, fa, dfa, dtp, sdtp or ao-sdtp", for help texts.</summary>
    public static string Sentence => AlgorithmRegistry.ShortNameList();

    /// <summary>"bp,fa,dfa,dtp,sdtp,ao-sdtp": every algorithm, as a comma-separated option value.</summary>
    public static string CommaList => AlgorithmRegistry.ShortNameList(",", ",");

    /// <summary>The descriptor of a short name.</summary>
    public static AlgorithmDescriptor Describe(string name) =>
        AlgorithmRegistry.Find(name) ?? throw new ArgumentException($"Unknown algorithm '{name}'; expected one of: {string.Join(", ", All)}.");

    /// <summary>The rule of a short name.</summary>
    public static AlgorithmDescriptor Parse(string name) => Describe(name);

    /// <summary>The short name of an algorithm.</summary>
    public static string Of(AlgorithmDescriptor rule) => rule.ShortName;

    /// <summary>The short name of the rule that trained <paramref name="model"/>, or the name its file stores when this package does not know it.</summary>
    public static string Of(TargetPropModelParameters model) =>
        AlgorithmRegistry.Find(model.AlgorithmName)?.ShortName ?? model.AlgorithmName;

    /// <summary>Parses a comma-separated list of short names (<c>--algorithms bp,sdtp</c>).</summary>
    public static IEnumerable<AlgorithmDescriptor> ParseList(string names)
    {
        foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            yield return Parse(name);
    }
}
