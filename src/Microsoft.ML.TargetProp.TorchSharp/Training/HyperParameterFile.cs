using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// A hyperparameter preset as a JSON file: what <c>tpnet sweep</c> writes as <c>best.json</c>, what <c>presets/</c>
/// commits for Table 1's cells (embedded in this assembly as the trainers' defaults, <see cref="SearchedPresets"/>), and
/// what <c>--hparams FILE.json</c> (train) or <c>--hparams FOLDER</c> (reproduce) reads.
/// It names the cell it was searched for (architecture, algorithm, schedule) so a preset is never applied to another
/// algorithm by mistake, and carries a summary of the search that produced it.
/// </summary>
public sealed record HyperParameterFile
{
    /// <summary>The format tag every file starts with.</summary>
    public const string CurrentFormat = "tpnet-hyperparameters/1";

    /// <summary>Format tag (<see cref="CurrentFormat"/>).</summary>
    public string Format { get; init; } = CurrentFormat;

    /// <summary>Architecture preset or spec the values were searched on.</summary>
    public string Architecture { get; init; } = "";

    /// <summary>Algorithm short name (bp, fa, dfa, dtp, sdtp, ao-sdtp).</summary>
    public string Algorithm { get; init; } = "";

    /// <summary>parallel or alternating.</summary>
    public string Schedule { get; init; } = "parallel";

    /// <summary>Dataset of the search.</summary>
    public string Dataset { get; init; } = "";

    /// <summary>The values (Adam for θ and λ, α, σ).</summary>
    public HyperParameters HyperParameters { get; init; } = new();

    /// <summary>How the values were found (null for a hand-written file).</summary>
    public SearchSummary? Search { get; init; }

    /// <summary>A summary of the random search behind a preset.</summary>
    /// <param name="Configurations">Configurations drawn from Table 4.</param>
    /// <param name="Rungs">Epoch budget of each rung (the last is the final budget).</param>
    /// <param name="Keep">How many configurations continued after each rung but the last.</param>
    /// <param name="Seed">Seed of the draws (configuration i ran with seed + i).</param>
    /// <param name="Configuration">Index of the chosen configuration.</param>
    /// <param name="BestTestAccuracy">Its best per-epoch test accuracy.</param>
    /// <param name="BestEpoch">The epoch of that accuracy.</param>
    /// <param name="Command">The sweep command.</param>
    public sealed record SearchSummary(int Configurations, IReadOnlyList<int> Rungs, IReadOnlyList<int> Keep, int Seed, int Configuration,
        double BestTestAccuracy, int BestEpoch, string Command);

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,   // a file people read: "fc(32)" rather than \u0022
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The file's text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>Reads and validates <paramref name="path"/>; errors name the file and what is wrong.</summary>
    public static HyperParameterFile Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"--hparams: hyperparameter file '{path}' does not exist (expected a JSON file written by 'tpnet sweep', e.g. presets/mnist-fc-fa-parallel.json).", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and validates the text of a file; errors name <paramref name="source"/> and what is wrong.</summary>
    public static HyperParameterFile Parse(string json, string source)
    {
        HyperParameterFile? file;
        try
        {
            file = JsonSerializer.Deserialize<HyperParameterFile>(json, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"--hparams: '{source}' is not a tpnet hyperparameter file: {e.Message}", e);
        }
        if (file is null || file.Format != CurrentFormat)
            throw new FormatException($"--hparams: '{source}' has format '{file?.Format}'; expected \"format\": \"{CurrentFormat}\".");
        try
        {
            file.HyperParameters.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"--hparams: '{source}': hyperParameters.{e.ParamName} is out of range: {e.Message}", e);
        }
        return file;
    }

    /// <summary>
    /// The values for a run of <paramref name="algorithm"/> with <paramref name="schedule"/>; throws when the file was
    /// searched for another algorithm or schedule (a TP preset's α and σ mean nothing to BP, and vice versa).
    /// </summary>
    public HyperParameters For(string path, string algorithm, string schedule, TrainingSchedule parsed)
    {
        var descriptor = AlgorithmRegistry.Find(algorithm)
            ?? throw new ArgumentException($"Unknown algorithm '{algorithm}'; expected one of: {AlgorithmRegistry.ShortNameList()}.");
        if (AlgorithmRegistry.Find(Algorithm) != descriptor)
            throw new ArgumentException($"--hparams '{path}' was searched for --algorithm {Algorithm}, not {algorithm}.");
        if (descriptor.HasInverses && !string.Equals(Schedule, schedule, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"--hparams '{path}' was searched with --schedule {Schedule}, not {schedule}.");
        return HyperParameters with { Schedule = parsed };
    }

    /// <summary>The file name of a cell's preset in a presets folder: <c>ARCH-ALGORITHM-SCHEDULE.json</c>.</summary>
    public static string FileName(string architecture, string algorithm, string schedule) =>
        $"{architecture}-{algorithm}-{schedule}.json".ToLowerInvariant();
}
