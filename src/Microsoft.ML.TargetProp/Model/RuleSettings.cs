using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>
/// The values of the settings a learning rule declares for itself (Kolen–Pollack's weight decay, sign symmetry's
/// scale, …), by setting name. The rule declares each setting's default and range; an absent name means its default.
/// Immutable, compared by value, and stored in model files as a JSON object, so a rule added to the training package
/// needs no change here.
/// </summary>
[JsonConverter(typeof(RuleSettingsJsonConverter))]
public sealed class RuleSettings : IEquatable<RuleSettings>
{
    private readonly KeyValuePair<string, double>[] _values;

    private RuleSettings(KeyValuePair<string, double>[] values) => _values = values;

    /// <summary>No values: every setting at its default.</summary>
    public static RuleSettings Empty { get; } = new(Array.Empty<KeyValuePair<string, double>>());

    /// <summary>Settings holding <paramref name="values"/> (names are case-sensitive; a later duplicate wins).</summary>
    public static RuleSettings From(IEnumerable<KeyValuePair<string, double>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var map = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A rule setting needs a name.", nameof(values));
            map[name] = value;
        }
        return map.Count == 0 ? Empty : new RuleSettings(map.ToArray());
    }

    /// <summary>The names that hold a value, in ordinal order.</summary>
    public IEnumerable<string> Names => _values.Select(v => v.Key);

    /// <summary>Number of values held.</summary>
    public int Count => _values.Length;

    /// <summary>The value of <paramref name="name"/>, or <paramref name="fallback"/> when it holds none.</summary>
    public double Get(string name, double fallback) => TryGet(name, out double v) ? v : fallback;

    /// <summary>True and the value when <paramref name="name"/> holds one.</summary>
    public bool TryGet(string name, out double value)
    {
        foreach (var (key, v) in _values)
            if (string.Equals(key, name, StringComparison.Ordinal)) { value = v; return true; }
        value = double.NaN;
        return false;
    }

    /// <summary>These settings with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public RuleSettings With(string name, double value) => From(_values.Append(new(name, value)));

    /// <summary>Throws an error naming the setting as <paramref name="label"/> calls it when a value is not finite.</summary>
    internal void Validate(Func<string, string> label)
    {
        foreach (var (name, value) in _values)
            if (!double.IsFinite(value))
                throw new ArgumentOutOfRangeException(OptionChecks.ParamName(label(name)), $"{label(name)} must be a finite number; got {value}.");
    }

    /// <inheritdoc />
    public bool Equals(RuleSettings? other) =>
        other is not null && _values.Length == other._values.Length && _values.SequenceEqual(other._values);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RuleSettings);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (k, v) in _values) { hash.Add(k); hash.Add(v); }
        return hash.ToHashCode();
    }

    /// <summary>"name=value, …" (invariant culture), or "defaults".</summary>
    public override string ToString() => _values.Length == 0 ? "defaults"
        : string.Join(", ", _values.Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key}={v.Value}")));

    private sealed class RuleSettingsJsonConverter : JsonConverter<RuleSettings>
    {
        public override RuleSettings Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return Empty;
            var values = JsonSerializer.Deserialize<Dictionary<string, double>>(ref reader, options)
                ?? throw new JsonException("Rule settings must be a JSON object of numbers.");
            return From(values);
        }

        public override void Write(Utf8JsonWriter writer, RuleSettings value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (name, v) in value._values)
            {
                writer.WritePropertyName(name);
                JsonSerializer.Serialize(writer, v, options);
            }
            writer.WriteEndObject();
        }
    }
}
