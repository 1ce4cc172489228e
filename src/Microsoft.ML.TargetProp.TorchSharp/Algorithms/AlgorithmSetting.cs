using System;
using System.Globalization;
using System.Linq;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// A number a learning rule declares for itself (Kolen–Pollack's weight decay): its name (also the trainer Options
/// field and, in kebab case, the tpnet flag), default, valid range, help text, and the range tpnet sweep draws it from.
/// </summary>
/// <param name="Name">PascalCase name: the Options field, the key in <see cref="HyperParameters.Settings"/>.</param>
/// <param name="Default">The value when none is given.</param>
/// <param name="Minimum">Smallest valid value (inclusive).</param>
/// <param name="Maximum">Largest valid value (inclusive).</param>
/// <param name="Help">One line for help texts, with the symbol the rule's paper uses.</param>
public sealed record AlgorithmSetting(string Name, double Default, double Minimum, double Maximum, string Help)
{
    /// <summary>Where <c>tpnet sweep</c> draws the setting from, log-uniformly when <see cref="SearchLogScale"/>; null keeps <see cref="Default"/>.</summary>
    public (double Low, double High)? SearchRange { get; init; }

    /// <summary>True to draw <see cref="SearchRange"/> log-uniformly.</summary>
    public bool SearchLogScale { get; init; } = true;

    /// <summary>The command-line flag: "--" and the name in kebab case (WeightDecay → --weight-decay).</summary>
    public string Flag => "--" + string.Concat(Name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>Throws an error naming <paramref name="label"/> when <paramref name="value"/> is outside [<see cref="Minimum"/>, <see cref="Maximum"/>].</summary>
    public void Validate(double value, string label)
    {
        if (!(value >= Minimum && value <= Maximum))
            throw new ArgumentOutOfRangeException(OptionChecks.ParamName(label),
                string.Create(CultureInfo.InvariantCulture, $"{label} must be in [{Minimum}, {Maximum}]; got {value}."));
    }

    /// <summary>A value drawn from <see cref="SearchRange"/> with <paramref name="random"/>, or <see cref="Default"/> when it has none.</summary>
    public double Draw(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (SearchRange is not { } r) return Default;
        double u = random.NextDouble();
        return SearchLogScale ? Math.Exp(Math.Log(r.Low) + u * (Math.Log(r.High) - Math.Log(r.Low))) : r.Low + u * (r.High - r.Low);
    }
}
