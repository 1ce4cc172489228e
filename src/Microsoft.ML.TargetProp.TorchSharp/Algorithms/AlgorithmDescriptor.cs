using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Everything the library knows of one learning rule besides the rule itself: its names, whether it trains inverses,
/// the settings it declares, the Table 5 column it starts from, and how to create it. Each rule declares its own as a
/// static <c>Descriptor</c> in its file; <see cref="AlgorithmRegistry"/> finds them by name. Options validation,
/// tpnet's flags, tpnet sweep's search space and the model file read a rule's settings from here.
/// </summary>
/// <param name="Name">The rule's identifier, stored in models and checkpoints ("SimplifiedTargetProp", "KolenPollack").</param>
/// <param name="ShortName">Command-line name (<c>tpnet --algorithm sdtp</c>), lower case.</param>
/// <param name="DisplayName">Name in reports and help text, as its paper writes it (SDTP).</param>
/// <param name="Factory">Creates the rule over a network from everything a run configures (<see cref="AlgorithmContext"/>).</param>
public sealed record AlgorithmDescriptor(string Name, string ShortName, string DisplayName, Func<AlgorithmContext, LearningAlgorithm> Factory)
{
    /// <summary>The Table 5 column whose values the rule starts from (AO-SDTP reads SDTP's); null for a rule without one, which starts from <see cref="Untuned"/>.</summary>
    public AlgorithmKind? Table5Column { get; init; }

    /// <summary>True when the rule trains inverses g_l, so it reads the inverse optimizer, σ and the schedule.</summary>
    public bool HasInverses { get; init; }

    /// <summary>True when the rule reads DTP's α.</summary>
    public bool ReadsAlpha { get; init; }

    /// <summary>The settings the rule declares for itself (their values travel in <see cref="HyperParameters.Settings"/>).</summary>
    public IReadOnlyList<AlgorithmSetting> Settings { get; init; } = Array.Empty<AlgorithmSetting>();

    /// <summary>One line on what the rule does, with its reference, for help texts and docs.</summary>
    public string Summary { get; init; } = "";

    /// <summary>The <see cref="AlgorithmKind"/> member of the paper's six that has this <see cref="Name"/>; Unknown for a rule added after them.</summary>
    public AlgorithmKind Kind => Enum.TryParse<AlgorithmKind>(Name, out var kind) && Enum.IsDefined(kind) && kind != AlgorithmKind.Unknown ? kind : AlgorithmKind.Unknown;

    /// <summary>The starting values of a rule without a Table 5 column: Adam 10⁻⁴ with Table 4's β and ϵ, and its settings' defaults.</summary>
    public static HyperParameters Untuned { get; } = new() { Forward = new AdamSettings(1e-4, 0.9, 0.999, 1e-8), Inverse = new AdamSettings(1e-4, 0.9, 0.999, 1e-8) };

    /// <summary>Creates the rule with <paramref name="context"/>'s network, hyperparameters, generator and loss choices (its settings checked first).</summary>
    public LearningAlgorithm Create(AlgorithmContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Validate(context.HyperParameters, OptionChecks.Unchanged);
        var algorithm = Factory(context);
        algorithm.LocalLoss = context.LocalLoss;
        return algorithm;
    }

    /// <summary>The value of <paramref name="setting"/> in <paramref name="p"/>, its default where <paramref name="p"/> holds none.</summary>
    public static double Value(HyperParameters p, AlgorithmSetting setting) => p.Settings.Get(setting.Name, setting.Default);

    /// <summary>The values of <see cref="Table5Column"/> for <paramref name="preset"/> and <paramref name="schedule"/>, read as <paramref name="reading"/> says; throws for a rule without a column.</summary>
    public HyperParameters Table5(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel, Table5Reading reading = Table5Reading.SearchSpace) =>
        Table5Column is { } column
            ? PaperHyperParameters.Read(preset, column, schedule, reading)
            : throw new InvalidOperationException($"{DisplayName} has no Table 5 column (it is not one of the paper's algorithms); use Defaults or Recommended.");

    /// <summary>True when <see cref="Table5"/> has values for <paramref name="preset"/>.</summary>
    public bool HasTable5(string preset) => Table5Column is not null && PaperHyperParameters.Covers(preset);

    /// <summary>
    /// The library's default values for <paramref name="preset"/> and <paramref name="schedule"/>: the searched preset
    /// where one is committed (<see cref="SearchedPresets"/>), else <see cref="Table5"/>'s default reading where the rule
    /// and the preset have a column, else <see cref="Untuned"/>.
    /// </summary>
    public HyperParameters Defaults(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel) =>
        SearchedPresets.Find(preset, Name, schedule)
        ?? (HasTable5(preset) ? Table5(preset, schedule) : Untuned with { Schedule = schedule });

    /// <summary>
    /// Throws an error naming the setting (as <paramref name="label"/> calls "Settings.Name") when <paramref name="p"/>
    /// holds a value outside a setting's range, or a setting this rule does not declare.
    /// </summary>
    public void Validate(HyperParameters p, Func<string, string> label)
    {
        ArgumentNullException.ThrowIfNull(p);
        foreach (string name in p.Settings.Names)
        {
            var setting = Settings.FirstOrDefault(s => s.Name == name);
            string what = label($"{nameof(HyperParameters.Settings)}.{name}");
            if (setting is null)
                throw new ArgumentOutOfRangeException(OptionChecks.ParamName(what),
                    $"{what}: {DisplayName} has no setting '{name}'" + (Settings.Count == 0 ? "." : $"; its settings are {string.Join(", ", Settings.Select(s => s.Name))}."));
            setting.Validate(Value(p, setting), what);
        }
    }

    /// <summary>The paper's six convert implicitly, so <c>Algorithm = AlgorithmKind.Backprop</c> reads as before.</summary>
    public static implicit operator AlgorithmDescriptor(AlgorithmKind kind) => AlgorithmRegistry.Get(kind);

    /// <inheritdoc />
    public override string ToString() => Name;
}
