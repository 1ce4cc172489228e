using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// The searched presets committed under the repository's <c>presets/</c> (<c>tpnet sweep</c>'s winners of a random search
/// over Table 4, docs/results.md), embedded in this assembly. Where one exists for an architecture preset, algorithm
/// and schedule, the trainers' defaults use it instead of Table 5's column (<see cref="AlgorithmDescriptor.Defaults"/>).
/// </summary>
public static class SearchedPresets
{
    private const string ResourcePrefix = "presets/";
    private static readonly Lazy<Dictionary<(string Preset, AlgorithmKind Algorithm, TrainingSchedule Schedule), HyperParameters>> Table = new(Load);

    /// <summary>The searched hyperparameters of a cell, or null where none was searched.</summary>
    public static HyperParameters? Find(string preset, AlgorithmKind algorithm, TrainingSchedule schedule) =>
        Table.Value.TryGetValue((preset, algorithm, schedule), out var p) ? p : null;

    /// <summary>The cells that have a searched preset.</summary>
    public static IReadOnlyCollection<(string Preset, AlgorithmKind Algorithm, TrainingSchedule Schedule)> Cells => Table.Value.Keys;

    private static Dictionary<(string, AlgorithmKind, TrainingSchedule), HyperParameters> Load()
    {
        var table = new Dictionary<(string, AlgorithmKind, TrainingSchedule), HyperParameters>();
        var assembly = typeof(SearchedPresets).Assembly;
        foreach (string name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var json = JsonDocument.Parse(stream);
            var root = json.RootElement;
            string algorithmName = root.GetProperty("algorithm").GetString()!;
            var algorithm = AlgorithmRegistry.Find(algorithmName)?.Kind
                ?? throw new InvalidDataException($"Embedded preset '{name}' names an unknown algorithm '{algorithmName}'.");
            var schedule = ParseSchedule(root.GetProperty("schedule").GetString(), name);
            var hp = root.GetProperty("hyperParameters");
            table[(root.GetProperty("architecture").GetString()!, algorithm, schedule)] = new HyperParameters
            {
                Forward = Adam(hp.GetProperty("forward")),
                Inverse = Adam(hp.GetProperty("inverse")),
                Alpha = hp.GetProperty("alpha").GetDouble(),
                Sigma = hp.GetProperty("sigma").GetDouble(),
                Schedule = schedule,
                AuxiliaryUnits = hp.GetProperty("auxiliaryUnits").GetInt32(),
                BpMix = hp.GetProperty("bpMix").GetDouble(),
            };
        }
        return table;
    }

    private static AdamSettings Adam(JsonElement e) => new(
        e.GetProperty("learningRate").GetDouble(), e.GetProperty("beta1").GetDouble(), e.GetProperty("beta2").GetDouble(), e.GetProperty("epsilon").GetDouble());

    private static TrainingSchedule ParseSchedule(string? value, string name) => value switch
    {
        "parallel" => TrainingSchedule.Parallel,
        "alternating" => TrainingSchedule.Alternating,
        _ => throw new InvalidDataException($"Embedded preset '{name}' has schedule '{value}'; expected parallel or alternating."),
    };
}
