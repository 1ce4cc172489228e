using System;
using System.IO;
using Microsoft.ML.TargetProp.MLNetInternals;
using Microsoft.ML.TargetProp.TorchSharp.Training;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Checkpoint resume for the ML.NET estimators: the engine's checkpoint (as <c>tpnet train --resume</c> uses it), picked up when the file exists.</summary>
internal static class Checkpoints
{
    /// <summary>
    /// When <paramref name="path"/> (Options.CheckpointPath) names an existing checkpoint, restores it into
    /// <paramref name="trainer"/>, which then continues after its last epoch up to NumberOfEpochs; a checkpoint of another
    /// run (algorithm, architecture, input shape or classes) is an error naming the option.
    /// </summary>
    public static void ResumeIfPresent(NetworkTrainer trainer, string? path, HostAccess host)
    {
        if (path is null || !File.Exists(path)) return;
        try
        {
            trainer.LoadCheckpoint(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidOperationException($"Options.CheckpointPath '{path}' holds a checkpoint this run cannot resume from: {e.Message} Delete it or choose another path to start afresh.", e);
        }
        host.Info($"Resumed after epoch {trainer.CompletedEpochs} from checkpoint '{path}'.");
    }
}
