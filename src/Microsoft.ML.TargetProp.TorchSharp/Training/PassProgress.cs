using System;
using System.IO;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>Which weights a pass over the data trains: both (parallel schedule), one of the alternating schedule's two passes, or both in turn on every batch.</summary>
internal enum PassPhase { Both, InverseOnly, ForwardOnly, Interleaved }

/// <summary>
/// Where a cancelled pass stopped: enough to continue it exactly — the generator state at the start of the pass (to
/// redraw the same example order), the batches done and the running sums of the epoch's metrics.
/// </summary>
internal sealed record PassProgress(int Epoch, PassPhase Phase, int Batches, int Examples, double LossSum, long Correct,
    double InverseSum, byte[] PassStartState, double? InversePassLoss, double Seconds)
{
    /// <summary>Writes <paramref name="progress"/> (a presence flag, then the fields) in checkpoint format 3.</summary>
    public static void Write(BinaryWriter writer, PassProgress? progress)
    {
        writer.Write(progress is not null);
        if (progress is not { } p) return;
        writer.Write(p.Epoch);
        writer.Write((int)p.Phase);
        writer.Write(p.Batches);
        writer.Write(p.Examples);
        writer.Write(p.LossSum);
        writer.Write(p.Correct);
        writer.Write(p.InverseSum);
        writer.Write(p.InversePassLoss.HasValue);
        writer.Write(p.InversePassLoss ?? 0);
        writer.Write(p.Seconds);
        writer.Write(p.PassStartState.Length);
        writer.Write(p.PassStartState);
    }

    /// <summary>Reads what <see cref="Write"/> wrote; a corrupt record is an error naming <paramref name="path"/>.</summary>
    public static PassProgress? Read(BinaryReader reader, string path)
    {
        if (!reader.ReadBoolean()) return null;
        int epoch = reader.ReadInt32();
        var phase = (PassPhase)reader.ReadInt32();
        int batches = reader.ReadInt32(), examples = reader.ReadInt32();
        double lossSum = reader.ReadDouble();
        long correct = reader.ReadInt64();
        double inverseSum = reader.ReadDouble();
        bool hasInverse = reader.ReadBoolean();
        double inverse = reader.ReadDouble();
        double seconds = reader.ReadDouble();
        int length = reader.ReadInt32();
        if (epoch < 1 || !Enum.IsDefined(phase) || batches < 0 || examples < 0 || length < 0 || length > 1 << 20)
            throw new InvalidDataException($"Checkpoint '{path}' is corrupt (interrupted-epoch record).");
        return new PassProgress(epoch, phase, batches, examples, lossSum, correct, inverseSum, reader.ReadBytes(length),
            hasInverse ? inverse : null, seconds);
    }
}
