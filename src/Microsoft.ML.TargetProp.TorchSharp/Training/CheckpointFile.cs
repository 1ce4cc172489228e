using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// The checkpoint file of <see cref="NetworkTrainer"/>: magic <c>TPCKPT02</c>, format version 3 (2 is still read), the
/// run's identity (algorithm, spec, input shape, classes), the history as JSON, the position inside an interrupted
/// epoch, the generator state, then the TorchSharp state the trainer writes (network, algorithm, both optimizers).
/// Written to a temporary file that is flushed and renamed over the target.
/// </summary>
internal static class CheckpointFile
{
    private const int Version = 4;   // 4 stores the algorithm by name (rules added after the paper have no number); 3 adds the position inside an interrupted epoch; 2 and 3 are still read
    private static readonly byte[] Magic = "TPCKPT02"u8.ToArray();

    /// <summary>The history's JSON: NaN is written as "NaN" (an autoencoder's accuracies are NaN).</summary>
    private static readonly System.Text.Json.JsonSerializerOptions HistoryJson = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Test hook: when this environment variable is "1", <see cref="Save"/> kills the process between writing the temporary file and renaming it.</summary>
    public const string CrashBeforeRenameVariable = "TARGETPROP_TEST_CRASH_BEFORE_RENAME";

    /// <summary>What identifies a run and where it stands.</summary>
    public sealed record Header(string Algorithm, string Spec, string InputShape, int Classes, List<EpochMetrics> History,
        PassProgress? Interrupted, byte[] GeneratorState);

    /// <summary>Writes <paramref name="header"/> then the state <paramref name="writeState"/> writes, atomically.</summary>
    public static void Save(string path, Header header, Action<BinaryWriter> writeState)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string tmp = full + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var stream = File.Create(tmp))
            using (var writer = new BinaryWriter(stream))
            {
                writer.Write(Magic);
                writer.Write(Version);
                writer.Write(header.Algorithm);
                writer.Write(header.Spec);
                writer.Write(header.InputShape);
                writer.Write(header.Classes);
                writer.Write(System.Text.Json.JsonSerializer.Serialize(header.History, HistoryJson));
                PassProgress.Write(writer, header.Interrupted);
                writer.Write(header.GeneratorState.Length);
                writer.Write(header.GeneratorState);
                writeState(writer);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            if (Environment.GetEnvironmentVariable(CrashBeforeRenameVariable) == "1")
                Environment.FailFast($"{CrashBeforeRenameVariable}=1: simulated crash between writing '{tmp}' and renaming it.");
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>
    /// Reads a checkpoint of the run <paramref name="expected"/> describes (its algorithm, spec, shape and classes must
    /// match), then lets <paramref name="readState"/> read the TorchSharp state; returns the header read.
    /// </summary>
    public static Header Load(string path, Header expected, Action<BinaryReader> readState)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        try
        {
            var magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException($"'{path}' is not a TargetProp checkpoint.");
            int version = reader.ReadInt32();
            if (version is < 2 or > Version)
                throw new InvalidDataException($"Checkpoint '{path}' has format version {version}; this library reads versions 2 to {Version}.");
            string algorithm = version >= 4 ? reader.ReadString() : ((AlgorithmKind)reader.ReadInt32()).ToString();
            string spec = reader.ReadString();
            string shape = reader.ReadString();
            int classes = reader.ReadInt32();
            if (algorithm != expected.Algorithm || spec != expected.Spec || shape != expected.InputShape || classes != expected.Classes)
                throw new InvalidDataException($"Checkpoint '{path}' is for {algorithm} on '{spec}' ({shape}, {classes} classes), not {expected.Algorithm} on '{expected.Spec}' ({expected.InputShape}, {expected.Classes} classes).");
            var history = System.Text.Json.JsonSerializer.Deserialize<List<EpochMetrics>>(reader.ReadString(), HistoryJson) ?? new List<EpochMetrics>();
            var interrupted = version >= 3 ? PassProgress.Read(reader, path) : null;
            if (interrupted is not null && (history.Count == 0 || !history[^1].Partial || history[^1].Epoch != interrupted.Epoch))
                throw new InvalidDataException($"Checkpoint '{path}' is corrupt (its interrupted epoch does not match its history).");
            int stateLength = reader.ReadInt32();
            if (stateLength < 0 || stateLength > 1 << 20) throw new InvalidDataException($"Checkpoint '{path}' is corrupt (generator state of {stateLength} bytes).");
            var state = reader.ReadBytes(stateLength);
            readState(reader);
            return new Header(algorithm, spec, shape, classes, history, interrupted, state);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is truncated.", e);
        }
    }
}
