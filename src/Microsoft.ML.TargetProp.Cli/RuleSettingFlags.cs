using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// One command-line flag per setting the registered rules declare (<c>--weight-decay</c> for Kolen–Pollack), read from
/// <see cref="AlgorithmRegistry.AllSettings"/>: a rule added to the registry brings its flags with it.
/// </summary>
public static class RuleSettingFlags
{
    private static readonly (AlgorithmSetting Setting, Option<double?> Option)[] Flags = AlgorithmRegistry.AllSettings
        .Select(s => (s, new Option<double?>(s.Flag) { Description = string.Create(CultureInfo.InvariantCulture, $"{s.Help} ({Owners(s)}; default {s.Default})") }))
        .ToArray();

    /// <summary>The flags, to add to a command.</summary>
    public static IEnumerable<Option> Options => Flags.Select(f => (Option)f.Option);

    /// <summary>The values given on the command line (absent flags are not in it).</summary>
    public static RuleSettings From(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return RuleSettings.From(Flags.Where(f => parse.GetValue(f.Option) is not null)
            .Select(f => new KeyValuePair<string, double>(f.Setting.Name, parse.GetValue(f.Option)!.Value)));
    }

    /// <summary>The flag of setting <paramref name="name"/>.</summary>
    public static string FlagOf(string name) => AlgorithmRegistry.AllSettings.FirstOrDefault(s => s.Name == name)?.Flag ?? "--" + name;

    /// <summary>
    /// <paramref name="given"/> checked against <paramref name="rule"/>'s settings: an error names a flag that belongs to
    /// other rules. Returns <paramref name="start"/> with the given values set.
    /// </summary>
    public static RuleSettings Apply(AlgorithmDescriptor rule, RuleSettings start, RuleSettings given)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var result = start;
        foreach (string name in given.Names)
        {
            var setting = rule.Settings.FirstOrDefault(s => s.Name == name)
                ?? throw new ArgumentException($"{FlagOf(name)} is a setting of {Owners(AlgorithmRegistry.AllSettings.First(s => s.Name == name))}, not of --algorithm {rule.ShortName}.");
            double value = given.Get(name, setting.Default);
            setting.Validate(value, FlagOf(name));
            result = result.With(name, value);
        }
        return result;
    }

    private static string Owners(AlgorithmSetting setting) =>
        string.Join(", ", AlgorithmRegistry.All.Where(d => d.Settings.Any(s => s.Name == setting.Name)).Select(d => "-a " + d.ShortName));
}
