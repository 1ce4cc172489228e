using System;
using System.Linq;
using System.Reflection;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>
/// Options of a rule that trains θ only (Kolen–Pollack, sign symmetry, DRTP, FW-DTP): the classifier options, starting
/// values from the rule's descriptor, and the rule's declared settings as public <see cref="double"/> fields of the
/// derived Options class, named as the settings are (<c>WeightDecay</c>); a rule that reads α has an <c>Alpha</c> field.
/// </summary>
/// <typeparam name="TSelf">The derived Options class.</typeparam>
public abstract class RuleTrainerOptions<TSelf> : TargetPropTrainerOptions where TSelf : RuleTrainerOptions<TSelf>, new()
{
    /// <summary>Creates options with <paramref name="rule"/>'s recommended MNIST-LC values.</summary>
    private protected RuleTrainerOptions(AlgorithmDescriptor rule)
    {
        Rule = rule ?? throw new ArgumentNullException(nameof(rule));
        foreach (string name in FieldNames())
            if (GetType().GetField(name, BindingFlags.Public | BindingFlags.Instance) is not { FieldType: var t } || t != typeof(double))
                throw new InvalidOperationException($"{GetType().FullName} needs a public double field '{name}' for {rule.DisplayName}'s setting.");
        Apply(rule.Defaults("mnist-lc"), "mnist-lc");
    }

    /// <summary>The rule these options configure.</summary>
    internal AlgorithmDescriptor Rule { get; }

    /// <summary>Options with the library's recommended values for an architecture preset: a searched preset where one is committed, else the rule's Table 5 column, else untuned defaults.</summary>
    public static TSelf Recommended(string preset)
    {
        var options = new TSelf();
        options.Apply(options.Rule.Defaults(preset), preset);
        return options;
    }

    /// <summary>Options with the values of the rule's Table 5 column for a Table 3 preset; throws for a rule without one.</summary>
    public static TSelf FromPaper(string preset, Table5Reading reading = Table5Reading.SearchSpace)
    {
        var options = new TSelf();
        options.Apply(options.Rule.Table5(preset, TrainingSchedule.Parallel, reading), preset);
        return options;
    }

    internal override HyperParameters ToHyperParameters() => new()
    {
        Forward = ForwardAdam,
        Alpha = Rule.ReadsAlpha ? Field(nameof(HyperParameters.Alpha)) : new HyperParameters().Alpha,
        Settings = RuleSettings.From(Rule.Settings.Select(s => new System.Collections.Generic.KeyValuePair<string, double>(s.Name, Field(s.Name)))),
    };

    private void Apply(HyperParameters p, string preset)
    {
        ApplyPaper(p, preset);
        if (Rule.ReadsAlpha) SetField(nameof(HyperParameters.Alpha), p.Alpha);
        foreach (var s in Rule.Settings) SetField(s.Name, AlgorithmDescriptor.Value(p, s));
    }

    private System.Collections.Generic.IEnumerable<string> FieldNames() =>
        Rule.Settings.Select(s => s.Name).Concat(Rule.ReadsAlpha ? [nameof(HyperParameters.Alpha)] : []);

    private double Field(string name) => (double)GetType().GetField(name)!.GetValue(this)!;

    private void SetField(string name, double value) => GetType().GetField(name)!.SetValue(this, value);
}
