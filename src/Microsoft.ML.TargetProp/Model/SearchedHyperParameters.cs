using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>
/// Hyperparameters this library's own random search over Table 4 found (docs/results.md, "Random search"), for the cells
/// searched so far; <c>tpnet train/reproduce --hparams searched</c> uses them. Each entry records the command that
/// produced it. Cells without an entry fall back to <see cref="PaperHyperParameters.Recommended"/>.
/// </summary>
public static class SearchedHyperParameters
{
    /// <summary>One searched cell: where it applies, the values, and the search that found them.</summary>
    public sealed record Entry(string Preset, AlgorithmKind Algorithm, TrainingSchedule Schedule, HyperParameters HyperParameters, string Search);

    private static readonly List<Entry> Entries = new();

    /// <summary>Every searched cell.</summary>
    public static IReadOnlyList<Entry> All => Entries;

    /// <summary>The searched values for a preset, algorithm and schedule; false when that cell was not searched.</summary>
    public static bool TryGet(string preset, AlgorithmKind algorithm, TrainingSchedule schedule, out HyperParameters hyperParameters)
    {
        ArgumentNullException.ThrowIfNull(preset);
        var kind = algorithm == AlgorithmKind.AugmentedOutputTargetProp ? AlgorithmKind.SimplifiedTargetProp : algorithm;   // as Table 5
        var e = Entries.FirstOrDefault(x => x.Preset.Equals(preset, StringComparison.OrdinalIgnoreCase) && x.Algorithm == kind
            && (x.Schedule == schedule || !IsTargetProp(kind)));
        hyperParameters = e is null ? null! : e.HyperParameters with { Schedule = schedule };
        return e is not null;
    }

    private static bool IsTargetProp(AlgorithmKind kind) =>
        kind is AlgorithmKind.DifferenceTargetProp or AlgorithmKind.SimplifiedTargetProp or AlgorithmKind.AugmentedOutputTargetProp;
}
