using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Training;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// The searched presets committed under the repository's <c>presets/</c> (<c>tpnet sweep</c>'s winners of a random search
/// over Table 4, docs/results.md), embedded in this assembly. Where one exists for an architecture preset, algorithm
/// and schedule, the trainers' defaults use it instead of Table 5's column (<see cref="AlgorithmDescriptor.Defaults"/>).
/// A file without a search summary carries another cell's searched values that docs/results.md measured on its own
/// cell (today SDTP alternating on MNIST-LC: the parallel cell's winner).
/// </summary>
public static class SearchedPresets
{
    private const string ResourcePrefix = "presets/";
    private static readonly Lazy<Dictionary<(string Preset, string Algorithm, TrainingSchedule Schedule), HyperParameters>> Table = new(Load);

    /// <summary>The searched hyperparameters of a cell (<paramref name="algorithm"/>: the rule's <see cref="AlgorithmDescriptor.Name"/>), or null where none was searched.</summary>
    public static HyperParameters? Find(string preset, string algorithm, TrainingSchedule schedule) =>
        Table.Value.TryGetValue((preset, algorithm, schedule), out var p) ? p : null;

    /// <summary>The cells that have a searched preset.</summary>
    public static IReadOnlyCollection<(string Preset, string Algorithm, TrainingSchedule Schedule)> Cells => Table.Value.Keys;

    private static Dictionary<(string, string, TrainingSchedule), HyperParameters> Load()
    {
        var table = new Dictionary<(string, string, TrainingSchedule), HyperParameters>();
        var assembly = typeof(SearchedPresets).Assembly;
        foreach (string name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var file = HyperParameterFile.Parse(reader.ReadToEnd(), name);
            var algorithm = AlgorithmRegistry.Find(file.Algorithm)?.Name
                ?? throw new InvalidDataException($"Embedded preset '{name}' names an unknown algorithm '{file.Algorithm}'.");
            var schedule = Enum.Parse<TrainingSchedule>(file.Schedule, ignoreCase: true);
            table[(file.Architecture, algorithm, schedule)] = file.HyperParameters with { Schedule = schedule };
        }
        return table;
    }
}
