using System;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>
/// The range rules of the engine's options, each with one message. Callers pass the name the user wrote
/// (<c>Options.Sigma (σ)</c>, <c>Epochs</c>) as <c>label</c>; the exception's parameter name is the label without
/// "Options." and without the parenthesised symbol.
/// </summary>
internal static class OptionChecks
{
    /// <summary>The parameter name of <paramref name="label"/>: "Options.Sigma (σ)" → "Sigma".</summary>
    public static string ParamName(string label)
    {
        string name = label.StartsWith("Options.", StringComparison.Ordinal) ? label["Options.".Length..] : label;
        int space = name.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? name : name[..space];
    }

    /// <summary>The engine's own names: <paramref name="path"/> as it is.</summary>
    public static string Unchanged(string path) => path;

    /// <summary>Epochs, batch sizes, intervals: an integer ≥ 1.</summary>
    public static void AtLeastOne(int value, string label)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(ParamName(label), $"{label} must be ≥ 1; got {value}.");
    }

    /// <summary>Thread counts: null, or an integer ≥ 1.</summary>
    public static void AtLeastOneWhenSet(int? value, string label)
    {
        if (value is < 1) throw new ArgumentOutOfRangeException(ParamName(label), $"{label} must be ≥ 1 when set; got {value}.");
    }

    /// <summary>Learning rates and α: a finite number &gt; 0.</summary>
    public static void PositiveFinite(double value, string label)
    {
        if (!(value > 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(ParamName(label), $"{label} must be a finite number > 0; got {value}.");
    }

    /// <summary>σ: a finite number ≥ 0.</summary>
    public static void NonNegativeFinite(double value, string label)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(ParamName(label), $"{label} must be a finite number ≥ 0; got {value}.");
    }

    /// <summary>Mixing weights such as BpMix: a number in [0, 1].</summary>
    public static void UnitInterval(double value, string label)
    {
        if (!(value >= 0 && value <= 1)) throw new ArgumentOutOfRangeException(ParamName(label), $"{label} must be in [0, 1]; got {value}.");
    }
}
