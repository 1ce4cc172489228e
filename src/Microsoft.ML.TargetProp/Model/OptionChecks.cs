using System;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>
/// The range rules shared by every options type (engine, trainers, autoencoder), each with one message. Callers pass
/// the name the user wrote (<c>Options.Sigma (σ)</c>, <c>Epochs</c>) as <c>label</c> and the member as <c>paramName</c>.
/// </summary>
internal static class OptionChecks
{
    /// <summary>Epochs, batch sizes, intervals: an integer ≥ 1.</summary>
    public static void AtLeastOne(int value, string paramName, string label)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(paramName, $"{label} must be ≥ 1; got {value}.");
    }

    /// <summary>Thread counts: null, or an integer ≥ 1.</summary>
    public static void AtLeastOneWhenSet(int? value, string paramName, string label)
    {
        if (value is < 1) throw new ArgumentOutOfRangeException(paramName, $"{label} must be ≥ 1 when set; got {value}.");
    }

    /// <summary>Learning rates and α: a finite number &gt; 0.</summary>
    public static void PositiveFinite(double value, string paramName, string label)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(paramName, $"{label} must be a finite number > 0; got {value}.");
    }

    /// <summary>σ: a finite number ≥ 0.</summary>
    public static void NonNegativeFinite(double value, string paramName, string label)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(paramName, $"{label} must be a finite number ≥ 0; got {value}.");
    }

    /// <summary>Mixing weights such as BpMix: a number in [0, 1].</summary>
    public static void UnitInterval(double value, string paramName, string label)
    {
        if (!(value >= 0 && value <= 1)) throw new ArgumentOutOfRangeException(paramName, $"{label} must be in [0, 1]; got {value}.");
    }
}
