using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// What the library knows of one learning algorithm besides its learning rule: its names, the Table 5 column it reads,
/// whether it trains inverses, and how to create it. Each algorithm declares its own as a static <c>Descriptor</c>;
/// <see cref="AlgorithmRegistry"/> lists them.
/// </summary>
/// <param name="Kind">The algorithm's identifier, stored in models and checkpoints by name.</param>
/// <param name="ShortName">Command-line name (<c>tpnet --algorithm sdtp</c>), lower case.</param>
/// <param name="DisplayName">Name in reports and help text, as the paper writes it (SDTP).</param>
/// <param name="Table5Column">The Table 5 column whose values the algorithm reads (AO-SDTP has none of its own and reads SDTP's).</param>
/// <param name="HasInverses">True when the algorithm trains inverses g_l, so it reads the inverse optimizer, σ and the schedule.</param>
/// <param name="Create">Creates the algorithm over a network from its hyperparameters; random state (feedback, inverses, R) comes from the generator.</param>
public sealed record AlgorithmDescriptor(
    AlgorithmKind Kind,
    string ShortName,
    string DisplayName,
    AlgorithmKind Table5Column,
    bool HasInverses,
    Func<TargetPropNetwork, HyperParameters, Generator?, LearningAlgorithm> Create)
{
    /// <summary>The values of <see cref="Table5Column"/> for <paramref name="preset"/> and <paramref name="schedule"/>, read as <paramref name="reading"/> says.</summary>
    public HyperParameters Table5(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel, Table5Reading reading = Table5Reading.SearchSpace) =>
        PaperHyperParameters.Read(preset, Table5Column, schedule, reading);

    /// <summary>
    /// The library's default values for <paramref name="preset"/> and <paramref name="schedule"/>: the searched preset
    /// where one is committed (<see cref="SearchedPresets"/>), else <see cref="Table5"/>'s default reading.
    /// </summary>
    public HyperParameters Defaults(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel) =>
        SearchedPresets.Find(preset, Kind, schedule) ?? Table5(preset, schedule);
}
