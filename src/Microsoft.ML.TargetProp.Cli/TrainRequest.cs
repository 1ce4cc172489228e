using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Training;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>One training run as the command line describes it; turns into engine options and a reproducible command.</summary>
public sealed record TrainRequest
{
    /// <summary>Dataset name or folder.</summary>
    public string Dataset { get; init; } = "mnist";

    /// <summary>Algorithm short name.</summary>
    public string Algorithm { get; init; } = "sdtp";

    /// <summary>Architecture preset or spec.</summary>
    public string Architecture { get; init; } = "mnist-lc";

    /// <summary>parallel or alternating.</summary>
    public string Schedule { get; init; } = "parallel";

    /// <summary>Table 5 column to take hyperparameters from (an architecture preset name), "none", or a <see cref="HyperParameterFile"/> (a path ending in .json).</summary>
    public string? HyperParameterPreset { get; init; }

    /// <summary>Epochs.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Seed.</summary>
    public int Seed { get; init; }

    /// <summary>libtorch threads (null = all cores).</summary>
    public int? Threads { get; init; }

    /// <summary>Torch device.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Overrides of Table 5 values.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Inverse learning rate override.</summary>
    public double? InverseLearningRate { get; init; }

    /// <summary>α override.</summary>
    public double? Alpha { get; init; }

    /// <summary>σ override.</summary>
    public double? Sigma { get; init; }

    /// <summary>AO-SDTP auxiliary units.</summary>
    public int AuxiliaryUnits { get; init; } = HyperParameters.DefaultAuxiliaryUnits;

    /// <summary>Values of the rule's own settings given as flags (<c>--weight-decay</c>; see <see cref="RuleSettingFlags"/>).</summary>
    public RuleSettings Settings { get; init; } = RuleSettings.Empty;

    /// <summary>Keep only the first N training examples.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Keep only the first N test examples.</summary>
    public int? TestLimit { get; init; }

    /// <summary>Write a checkpoint every N epochs (null: none).</summary>
    public int? CheckpointEvery { get; init; }

    /// <summary>Fraction of the training set held out for per-epoch validation (0: the test set is monitored).</summary>
    public double ValidationFraction { get; init; }

    /// <summary>Stop after this many epochs without a better per-epoch accuracy (null: never).</summary>
    public int? EarlyStopping { get; init; }

    /// <summary>Image-folder datasets: the C×H×W images are resized to (null: 3 channels at the first image's size).</summary>
    public ImageShape? ImageSize { get; init; }

    /// <summary>Reproduction choices (initialisation, standardisation, loss scale, Adam ϵ, Table 5 reading, σ, alternation).</summary>
    public FidelityFlags Fidelity { get; init; } = new();

    /// <summary>The <c>--data-dir</c> datasets were looked up in (null: the default search).</summary>
    public string? DataDir { get; init; }

    /// <summary>The network specification.</summary>
    public NetworkSpec Network => NetworkSpec.Parse(Architecture);

    /// <summary>The training schedule.</summary>
    public TrainingSchedule ParsedSchedule => Schedule.ToLowerInvariant() switch
    {
        "parallel" or "par" => TrainingSchedule.Parallel,
        "alternating" or "alt" => TrainingSchedule.Alternating,
        _ => throw new ArgumentException($"Unknown --schedule '{Schedule}'; expected parallel or alternating."),
    };

    /// <summary>The hyperparameter file named by <see cref="HyperParameterPreset"/> (a path ending in .json), else null.</summary>
    public string? HyperParameterFilePath =>
        HyperParameterPreset is { } p && p.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? p : null;

    /// <summary>The Table 5 column used (explicit, else the architecture preset's, else none; none with a hyperparameter file).</summary>
    public string? EffectivePreset =>
        HyperParameterFilePath is not null ? null
        : HyperParameterPreset is { } p ? (p.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : p)
        : NetworkPresets.TryGet(Architecture, out var preset) ? preset.Name : null;

    /// <summary>Engine options.</summary>
    public TrainingOptions ToOptions()
    {
        var algorithm = AlgorithmNames.Describe(Algorithm);
        var schedule = ParsedSchedule;
        HyperParameters hp;
        if (HyperParameterFilePath is { } file)
            hp = HyperParameterFile.Load(file).For(file, Algorithm, Schedule, schedule);
        else if (EffectivePreset is { } preset && algorithm.Table5Column is not null)
            hp = algorithm.Table5(preset, schedule, Fidelity.Reading);
        else if (EffectivePreset is not null)
            hp = AlgorithmDescriptor.Untuned with { Schedule = schedule };   // a rule without a Table 5 column
        else hp = new HyperParameters { Schedule = schedule };
        if (LearningRate is { } lr) hp = hp with { Forward = hp.Forward with { LearningRate = lr } };
        if (InverseLearningRate is { } ilr) hp = hp with { Inverse = hp.Inverse with { LearningRate = ilr } };
        if (Alpha is { } a) hp = hp with { Alpha = a };
        if (Sigma is { } s) hp = hp with { Sigma = s };
        hp = hp with { AuxiliaryUnits = AuxiliaryUnits, Settings = RuleSettingFlags.Apply(algorithm, hp.Settings, Settings) };
        return Fidelity.Apply(new TrainingOptions
        {
            Algorithm = algorithm,
            HyperParameters = hp,
            Epochs = Epochs,
            BatchSize = BatchSize,
            Seed = Seed,
            Device = Device,
            NumberOfThreads = Threads,
        });
    }

    /// <summary>The command line that reproduces this run.</summary>
    public string ToCommandLine()
    {
        var parts = new List<string>
        {
            "dotnet run --project src/Microsoft.ML.TargetProp.Cli -c Release -- train",
            $"--dataset {Quote(Dataset)}", $"--algorithm {Algorithm}", $"--arch \"{Architecture}\"", $"--schedule {Schedule}",
            $"--epochs {Epochs}", $"--batch-size {BatchSize}", $"--seed {Seed}",
        };
        if (HyperParameterPreset is not null) parts.Add($"--hparams {Quote(HyperParameterPreset)}");
        if (Threads is { } t) parts.Add($"--threads {t}");
        if (CheckpointEvery is { } every) parts.Add($"--checkpoint-every {every}");
        if (LearningRate is { } lr) parts.Add(Inv($"--lr {lr}"));
        if (InverseLearningRate is { } ilr) parts.Add(Inv($"--inverse-lr {ilr}"));
        if (Alpha is { } a) parts.Add(Inv($"--alpha {a}"));
        if (Sigma is { } s) parts.Add(Inv($"--sigma {s}"));
        if (AuxiliaryUnits != HyperParameters.DefaultAuxiliaryUnits) parts.Add($"--aux {AuxiliaryUnits}");
        foreach (string name in Settings.Names) parts.Add(Inv($"{RuleSettingFlags.FlagOf(name)} {Settings.Get(name, 0)}"));
        if (TrainLimit is { } tl) parts.Add($"--train-limit {tl}");
        if (TestLimit is { } sl) parts.Add($"--test-limit {sl}");
        if (!string.Equals(Device, "cpu", StringComparison.OrdinalIgnoreCase)) parts.Add($"--device {Device}");
        if (ValidationFraction != 0) parts.Add(Inv($"--validation-fraction {ValidationFraction}"));
        if (EarlyStopping is { } patience) parts.Add($"--early-stopping {patience}");
        if (ImageSize is { } shape) parts.Add($"--image-size {shape}");
        parts.AddRange(Fidelity.ToArgs());
        if (DataDir is not null) parts.Add($"--data-dir {Quote(DataDir)}");
        return string.Join(" ", parts);
    }

    /// <summary>
    /// A short key of everything that determines the run: a hash of <see cref="ToCommandLine"/> without <c>--data-dir</c>
    /// (where the files live does not change them). Resumable commands compare it to skip only work done with the same settings.
    /// </summary>
    public string SettingsKey =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes((this with { DataDir = null }).ToCommandLine())))[..16];

    /// <summary>Quotes a path or name for a POSIX shell when it holds spaces or shell metacharacters.</summary>
    private static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsLetterOrDigit(c) || "-_./:,+=@%".Contains(c)) ? value : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
