using System;
using System.Collections.Generic;
using System.Globalization;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>Parser of the compact architecture strings of <see cref="NetworkSpec.Parse"/>.</summary>
internal sealed class NetworkSpecParser
{
    private readonly string _text;
    private int _pos;

    private NetworkSpecParser(string text) => _text = text;

    public static NetworkSpec Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (NetworkPresets.TryGet(spec.Trim(), out var preset))
            return preset.Network;
        // A word with a dash and no layer syntax is a preset name, perhaps misspelt ("mnist-lcc").
        if (spec.Trim() is { Length: > 0 } name && name.Contains('-') && name.IndexOfAny(new[] { '(', ' ', ',' }) < 0)
            throw new FormatException($"Unknown architecture preset '{name}'" + (NetworkPresets.Closest(name) is { } near ? $"; did you mean '{near}'?" : ".") +
                " Presets: " + string.Join(", ", NetworkPresets.Names) + ".");
        return new NetworkSpecParser(spec).ParseAll();
    }

    private NetworkSpec ParseAll()
    {
        var layers = new List<LayerSpec>();
        var activation = Activation.Tanh;
        SkipSeparators();
        if (_pos >= _text.Length)
            throw Error("the architecture is empty; expected layers such as 'lc(3x3,32,2) fc(1024)' or a preset (" + string.Join(", ", NetworkPresets.Names) + ")");
        while (_pos < _text.Length)
        {
            int start = _pos;
            string word = ReadWord();
            switch (word.ToLowerInvariant())
            {
                case "fc":
                    int units = Peek('(') ? ReadArguments(start, 1, 1)[0] : ReadNumber("the number of units after 'fc'");
                    layers.Add(new DenseLayerSpec(units));
                    break;
                case "lc":
                case "conv":
                    string kind = word.ToLowerInvariant();
                    if (!Peek('('))
                        throw Error($"expected '(' after '{kind}', as in {kind}(3x3,32,2)");
                    var args = ReadArguments(start, 2, 3, allowKernel: true);
                    layers.Add(new LocallyConnectedLayerSpec(args[0], args[1], args.Count > 2 ? args[2] : 1, SharedWeights: kind == "conv"));
                    break;
                case "tanh":
                    activation = Activation.Tanh;
                    break;
                case "relu":
                    activation = Activation.Relu;
                    break;
                case "":
                    throw Error($"unexpected character '{_text[_pos]}'; expected 'fc', 'lc', 'conv', 'tanh' or 'relu'");
                default:
                    _pos = start;
                    throw Error($"unknown layer '{word}'; expected 'fc(UNITS)', 'lc(KxK,CHANNELS[,STRIDE])', 'conv(KxK,CHANNELS[,STRIDE])', 'tanh' or 'relu', or a preset (" + string.Join(", ", NetworkPresets.Names) + ")");
            }
            SkipSeparators();
        }
        if (layers.Count == 0)
            throw Error("no layers given");
        try
        {
            return new NetworkSpec(layers, activation);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"Architecture '{_text}': {e.Message.Split(" (Parameter")[0]}", e);
        }
    }

    private List<int> ReadArguments(int layerStart, int min, int max, bool allowKernel = false)
    {
        Expect('(');
        var values = new List<int>();
        while (true)
        {
            SkipSpaces();
            int value = ReadNumber("a positive integer");
            if (allowKernel && values.Count == 0 && _pos < _text.Length && (_text[_pos] == 'x' || _text[_pos] == 'X'))
            {
                _pos++;
                int second = ReadNumber("the kernel's second size, as in 3x3");
                if (second != value)
                    throw Error($"only square kernels are supported; got {value}x{second}");
            }
            values.Add(value);
            SkipSpaces();
            if (Peek(')')) { _pos++; break; }
            Expect(',');
        }
        if (values.Count < min || values.Count > max)
        {
            _pos = layerStart;
            throw Error(min == max ? $"expected {min} argument(s), got {values.Count}" : $"expected {min} to {max} arguments, got {values.Count}");
        }
        return values;
    }

    private int ReadNumber(string what)
    {
        int start = _pos;
        while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos])) _pos++;
        if (start == _pos)
            throw Error($"expected {what}");
        if (!int.TryParse(_text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0)
        {
            _pos = start;
            throw Error($"expected {what} (a positive integer)");
        }
        return value;
    }

    private string ReadWord()
    {
        int start = _pos;
        while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos])) _pos++;
        return _text[start.._pos];
    }

    private bool Peek(char c) => _pos < _text.Length && _text[_pos] == c;

    private void Expect(char c)
    {
        SkipSpaces();
        if (!Peek(c))
            throw Error($"expected '{c}'");
        _pos++;
    }

    private void SkipSpaces()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private void SkipSeparators()
    {
        while (_pos < _text.Length && (char.IsWhiteSpace(_text[_pos]) || _text[_pos] == ',' || _text[_pos] == ';')) _pos++;
    }

    private FormatException Error(string message)
    {
        string near = _pos < _text.Length ? $" (at '{_text[_pos..Math.Min(_text.Length, _pos + 12)]}')" : " (at the end)";
        return new FormatException($"Malformed architecture '{_text}' at position {_pos + 1}{near}: {message}.");
    }
}
