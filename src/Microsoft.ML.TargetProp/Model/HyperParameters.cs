using System;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>The hyperparameters searched in Table 4 plus this library's extensions.</summary>
public sealed record HyperParameters
{
    /// <summary>Adam for the forward weights θ.</summary>
    public AdamSettings Forward { get; init; } = new(1e-4);

    /// <summary>Adam for the inverse weights λ (target propagation only).</summary>
    public AdamSettings Inverse { get; init; } = new(1e-4);

    /// <summary>α: step size of the DTP penultimate target ĥ_{L-1} = h_{L-1} − α ∂L/∂h_{L-1}; Table 4 searches [0.01, 0.2].</summary>
    public double Alpha { get; init; } = 0.1;

    /// <summary>σ: standard deviation of the Gaussian noise used to train inverses; Table 4 searches [0.01, 0.3].</summary>
    public double Sigma { get; init; } = 0.1;

    /// <summary>Forward/inverse interleaving for target propagation.</summary>
    public TrainingSchedule Schedule { get; init; } = TrainingSchedule.Parallel;

    /// <summary>The default k of AO-SDTP's auxiliary output z: 512, as in the paper's CIFAR runs.</summary>
    public const int DefaultAuxiliaryUnits = 512;

    /// <summary>Size k of AO-SDTP's auxiliary output z (default <see cref="DefaultAuxiliaryUnits"/>).</summary>
    public int AuxiliaryUnits { get; init; } = DefaultAuxiliaryUnits;

    /// <summary>
    /// Weight a of the hybrid g = a·g_bp + (1 − a)·g_tp of section 5.6 (0 = pure target propagation, 1 = backprop's
    /// Jacobian). Not in the paper's experiments.
    /// </summary>
    public double BpMix { get; init; }

    /// <summary>
    /// The values of the settings a learning rule declares for itself (the rule's descriptor names them, with defaults
    /// and ranges); empty for the paper's six algorithms, whose settings are the members above.
    /// </summary>
    public RuleSettings Settings { get; init; } = RuleSettings.Empty;

    /// <summary>Throws an error naming the option when a value is out of range.</summary>
    public void Validate() => Validate(OptionChecks.Unchanged);

    /// <summary>Throws an error naming the option as <paramref name="label"/> calls its path ("Sigma", "Forward.LearningRate").</summary>
    internal void Validate(Func<string, string> label)
    {
        Forward.Validate(nameof(Forward), label);
        Inverse.Validate(nameof(Inverse), label);
        OptionChecks.PositiveFinite(Alpha, label(nameof(Alpha)));
        OptionChecks.NonNegativeFinite(Sigma, label(nameof(Sigma)));
        string auxiliary = label(nameof(AuxiliaryUnits));
        if (AuxiliaryUnits < 0)
            throw new ArgumentOutOfRangeException(OptionChecks.ParamName(auxiliary), $"{auxiliary} must be ≥ 0; got {AuxiliaryUnits}.");
        OptionChecks.UnitInterval(BpMix, label(nameof(BpMix)));
        if (Settings is null) throw new ArgumentNullException(OptionChecks.ParamName(label(nameof(Settings))), $"{label(nameof(Settings))} must not be null; use RuleSettings.Empty.");
        Settings.Validate(name => label($"{nameof(Settings)}.{name}"));
    }
}
