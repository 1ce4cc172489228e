using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>
/// A trained network — a classifier, or the reconstruction network of an autoencoder (see
/// <see cref="AutoencoderModelParameters"/>): architecture, weights of every layer f_1 … f_L, and how it was trained (algorithm,
/// hyperparameters, per-epoch history with diagnostics). Serialised in a versioned, checksummed binary format that
/// rejects truncated, corrupted, forged or newer files with <see cref="InvalidDataException"/> before allocating
/// anything their length fields claim.
/// </summary>
public sealed class TargetPropModelParameters
{
    /// <summary>Format version this library writes.</summary>
    public const int FormatVersion = 1;

    private static readonly byte[] Magic = "TPNETMDL"u8.ToArray();
    private const int MaxHeaderBytes = 64 << 20;

    /// <summary>Creates a model; validates that every layer holds exactly the values the architecture implies.</summary>
    public TargetPropModelParameters(NetworkSpec network, ImageShape inputShape, int classes, IReadOnlyList<LayerParameters> layers,
        AlgorithmKind algorithm, HyperParameters? hyperParameters = null, IReadOnlyList<EpochMetrics>? history = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(layers);
        Network = network;
        InputShape = inputShape;
        Classes = classes;
        Algorithm = algorithm;
        AlgorithmName = algorithm.ToString();
        HyperParameters = hyperParameters ?? new HyperParameters();
        History = history ?? Array.Empty<EpochMetrics>();
        var expected = ExpectedSizes(network, inputShape, classes);
        if (layers.Count != expected.Count)
            throw new ArgumentException($"The architecture '{network}' has {expected.Count} layers but {layers.Count} were given.", nameof(layers));
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i].Weight.LongLength != expected[i].Weight || layers[i].Bias.LongLength != expected[i].Bias)
                throw new ArgumentException($"Layer {i + 1} of '{network}' needs {expected[i].Weight} weights and {expected[i].Bias} biases; got {layers[i].Weight.Length} and {layers[i].Bias.Length}.", nameof(layers));
        }
        Layers = layers.ToArray();
    }

    /// <summary>
    /// Creates a model trained by the algorithm named <paramref name="algorithmName"/> (as a rule's descriptor names it,
    /// "KolenPollack"); <see cref="Algorithm"/> is its <see cref="AlgorithmKind"/> member, or Unknown for a rule added after it.
    /// </summary>
    public TargetPropModelParameters(NetworkSpec network, ImageShape inputShape, int classes, IReadOnlyList<LayerParameters> layers,
        string algorithmName, HyperParameters? hyperParameters = null, IReadOnlyList<EpochMetrics>? history = null)
        : this(network, inputShape, classes, layers, KindOf(algorithmName ?? throw new ArgumentNullException(nameof(algorithmName))), hyperParameters, history)
    {
        if (string.IsNullOrWhiteSpace(algorithmName)) throw new ArgumentException("The algorithm needs a name.", nameof(algorithmName));
        AlgorithmName = algorithmName;
    }

    /// <summary>Hidden layers.</summary>
    public NetworkSpec Network { get; }

    /// <summary>Shape of one input example (C×H×W).</summary>
    public ImageShape InputShape { get; }

    /// <summary>Number of output units K: classes, or the input size for an autoencoder.</summary>
    public int Classes { get; }

    /// <summary>Weights of f_1 … f_L; the last is the linear output layer.</summary>
    public IReadOnlyList<LayerParameters> Layers { get; }

    /// <summary>The algorithm that trained the weights; <see cref="AlgorithmKind.Unknown"/> for one this package does not know (see <see cref="AlgorithmName"/>).</summary>
    public AlgorithmKind Algorithm { get; }

    /// <summary>
    /// The algorithm's name as the model file stores it ("SimplifiedTargetProp", …). A file written by an algorithm this
    /// package does not know keeps its name here (and again when saved), with <see cref="Algorithm"/> =
    /// <see cref="AlgorithmKind.Unknown"/>.
    /// </summary>
    public string AlgorithmName { get; private init; }

    /// <summary>The hyperparameters of the run.</summary>
    public HyperParameters HyperParameters { get; }

    /// <summary>Per-epoch metrics and diagnostics of the run.</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>
    /// When training stopped because the losses or weights became NaN/Inf, what happened (the weights are those of the
    /// last good epoch); null otherwise. Kept in memory only: the model file has no place for it, so a model loaded from
    /// a file or zip has null here.
    /// </summary>
    public string? Divergence { get; private init; }

    /// <summary>This model with <see cref="Divergence"/> set to <paramref name="divergence"/> (the layers are shared).</summary>
    internal TargetPropModelParameters WithDivergence(string? divergence) =>
        divergence is null && Divergence is null
            ? this
            : new TargetPropModelParameters(Network, InputShape, Classes, Layers, Algorithm, HyperParameters, History) { Divergence = divergence, AlgorithmName = AlgorithmName };

    /// <summary>This model as saved by an algorithm named <paramref name="name"/> (the layers are shared): <see cref="AlgorithmKind"/>'s member of that name, else <see cref="AlgorithmKind.Unknown"/>.</summary>
    internal TargetPropModelParameters WithAlgorithmName(string name) =>
        new(Network, InputShape, Classes, Layers, KindOf(name), HyperParameters, History) { Divergence = Divergence, AlgorithmName = name };

    /// <summary>The member named exactly <paramref name="name"/> (as the file writes it; numbers are not names), else Unknown.</summary>
    private static AlgorithmKind KindOf(string name) =>
        name != nameof(AlgorithmKind.Unknown) && Array.IndexOf(Enum.GetNames<AlgorithmKind>(), name) >= 0
            ? Enum.Parse<AlgorithmKind>(name) : AlgorithmKind.Unknown;

    /// <summary>Shapes of h_0 … h_{L-1} (inputs of every layer).</summary>
    public IReadOnlyList<ImageShape> LayerInputShapes => Network.Shapes(InputShape);

    /// <summary>Number of trainable values.</summary>
    public long ParameterCount => Layers.Sum(l => l.Count);

    /// <summary>(weights, biases) each layer of <paramref name="network"/> needs, computed without allocating.</summary>
    public static IReadOnlyList<(long Weight, long Bias)> ExpectedSizes(NetworkSpec network, ImageShape inputShape, int classes)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), $"A classifier needs at least 2 classes; got {classes}.");
        if (network.HasSharedWeights)
            throw new ArgumentException($"A saved model holds untied layers; '{network}' has convolutions: save it as '{network.Untied}' with the filters replicated at every location.", nameof(network));
        var shapes = network.Shapes(inputShape);
        var sizes = new List<(long, long)>();
        for (int i = 0; i < network.HiddenLayers.Count; i++)
        {
            var input = shapes[i];
            var output = shapes[i + 1];
            sizes.Add(network.HiddenLayers[i] switch
            {
                LocallyConnectedLayerSpec lc => ((long)output.Height * output.Width * input.Channels * lc.Kernel * lc.Kernel * output.Channels, (long)output.Size),
                _ => ((long)input.Size * output.Size, (long)output.Size),
            });
        }
        sizes.Add(((long)shapes[^1].Size * classes, classes));
        return sizes;
    }

    /// <summary>Writes the model: magic, version, a JSON header, the weights, and an FNV-1a checksum of all of it.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            var header = JsonSerializer.SerializeToUtf8Bytes(new Header(Network.ToString(), InputShape.Channels, InputShape.Height, InputShape.Width, Classes, AlgorithmName, HyperParameters, History.ToList()), JsonOptions);
            writer.Write(header.Length);
            writer.Write(header);
            writer.Write(Layers.Count);
            foreach (var layer in Layers)
            {
                WriteFloats(writer, layer.Weight);
                WriteFloats(writer, layer.Bias);
            }
        }
        ulong checksum = Fnv1a(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        Span<byte> tail = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(tail, checksum);
        stream.Write(tail);
    }

    /// <summary>Reads a model written by <see cref="Save"/>; <paramref name="source"/> names the file in errors.</summary>
    public static TargetPropModelParameters Load(Stream stream, string source = "model")
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] bytes;
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }
        return Load(bytes, source);
    }

    /// <summary>Reads a model from its bytes.</summary>
    public static TargetPropModelParameters Load(byte[] bytes, string source = "model")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < Magic.Length + 12 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{source} is not a TargetProp network (bad magic or too short).");
        int version = BitConverter.ToInt32(bytes, Magic.Length);
        if (version > FormatVersion)
            throw new InvalidDataException($"{source} was written in TargetProp model format {version}; this library reads formats up to {FormatVersion}. Upgrade Microsoft.ML.TargetProp.");
        if (version < 1)
            throw new InvalidDataException($"{source} has an invalid format version {version}.");
        ulong stored = BitConverter.ToUInt64(bytes, bytes.Length - 8);
        if (Fnv1a(bytes.AsSpan(0, bytes.Length - 8)) != stored)
            throw new InvalidDataException($"{source} is corrupted or truncated (checksum mismatch).");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 8, writable: false));
            reader.ReadBytes(Magic.Length + 4);
            int headerLength = reader.ReadInt32();
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || headerLength > Remaining(reader))
                throw new InvalidDataException($"{source} has an invalid header length {headerLength}.");
            var header = JsonSerializer.Deserialize<Header>(reader.ReadBytes(headerLength), JsonOptions)
                ?? throw new InvalidDataException($"{source} has an empty header.");
            var network = NetworkSpec.Parse(header.Network ?? throw new InvalidDataException($"{source} has no architecture."));
            var shape = new ImageShape(header.Channels, header.Height, header.Width);
            shape.Validate("InputShape");
            var expected = ExpectedSizes(network, shape, header.Classes);
            int count = reader.ReadInt32();
            if (count != expected.Count)
                throw new InvalidDataException($"{source} holds {count} layers but its architecture '{network}' has {expected.Count}.");
            var layers = new List<LayerParameters>(count);
            foreach (var (weight, bias) in expected)
                layers.Add(new LayerParameters(ReadFloats(reader, weight, source), ReadFloats(reader, bias, source)));
            if (Remaining(reader) != 0)
                throw new InvalidDataException($"{source} has {Remaining(reader)} unexpected trailing bytes.");
            // The algorithm is a name: one this package does not know (a newer package's) loads as Unknown and scores.
            if (string.IsNullOrWhiteSpace(header.Algorithm))
                throw new InvalidDataException($"{source} names no algorithm.");
            return new TargetPropModelParameters(network, shape, header.Classes, layers, KindOf(header.Algorithm), header.HyperParameters, header.History)
                { AlgorithmName = header.Algorithm };
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or FormatException or ArgumentException or OverflowException or NotSupportedException)
        {
            throw new InvalidDataException($"{source} is not a valid TargetProp network: {e.Message}", e);
        }
    }

    private static long Remaining(BinaryReader reader) => reader.BaseStream.Length - reader.BaseStream.Position;

    private static void WriteFloats(BinaryWriter writer, float[] values)
    {
        writer.Write(values.Length);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static float[] ReadFloats(BinaryReader reader, long expected, string source)
    {
        int length = reader.ReadInt32();
        if (length != expected)
            throw new InvalidDataException($"{source}: a layer holds {length} values where its architecture needs {expected}.");
        if ((long)length * 4 > Remaining(reader))
            throw new InvalidDataException($"{source} is truncated: a layer needs {(long)length * 4} bytes, {Remaining(reader)} remain.");
        var values = new float[length];
        int read = reader.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        if (read != length * 4) throw new EndOfStreamException();
        return values;
    }

    private static ulong Fnv1a(ReadOnlySpan<byte> data)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in data) { hash ^= b; hash *= 1099511628211UL; }
        return hash;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
        MaxDepth = 16,
    };

    private sealed record Header(string? Network, int Channels, int Height, int Width, int Classes, string? Algorithm,
        HyperParameters? HyperParameters, List<EpochMetrics>? History);
}
