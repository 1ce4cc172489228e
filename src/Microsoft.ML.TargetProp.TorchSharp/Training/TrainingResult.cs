using System.Collections.Generic;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>Outcome of <see cref="NetworkTrainer.Fit"/>.</summary>
public sealed record TrainingResult
{
    /// <summary>Metrics of every completed epoch.</summary>
    public IReadOnlyList<EpochMetrics> History { get; init; } = new List<EpochMetrics>();

    /// <summary>True when training stopped early because of a cancellation request.</summary>
    public bool Cancelled { get; init; }

    /// <summary>When training diverged (NaN/Inf), what happened; the network then holds the last good weights.</summary>
    public string? Divergence { get; init; }
}
