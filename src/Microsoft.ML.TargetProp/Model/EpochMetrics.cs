using System;
using System.Collections.Generic;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>What one epoch measured.</summary>
public sealed record EpochMetrics
{
    /// <summary>1-based epoch number.</summary>
    public int Epoch { get; init; }

    /// <summary>Mean task loss over the epoch's training batches, measured before each update: cross-entropy, or ‖x − x̂‖² per example for an autoencoder.</summary>
    public double TrainLoss { get; init; }

    /// <summary>Training accuracy over the epoch's batches, measured before each update (NaN for an autoencoder).</summary>
    public double TrainAccuracy { get; init; }

    /// <summary>Mean inverse loss over the epoch (target propagation), else null.</summary>
    public double? InverseLoss { get; init; }

    /// <summary>Validation/test cross-entropy (or reconstruction error ‖x − x̂‖²) after the epoch, when a validation set was given.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>Validation/test accuracy after the epoch, when a validation set was given (NaN for an autoencoder).</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>
    /// True for an epoch interrupted by cancellation: only its first batches were trained and its losses cover those
    /// batches. A resumed run (<c>NetworkTrainer.Fit</c> again, or from the checkpoint written on cancellation) completes it.
    /// </summary>
    public bool Partial { get; init; }

    /// <summary>Wall-clock seconds of the epoch's training (without evaluation and diagnostics).</summary>
    public double Seconds { get; init; }

    /// <summary>Per layer (index l − 1): angle in degrees between the algorithm's update direction for W_l and the true BP gradient, on a probe batch.</summary>
    public IReadOnlyList<double?> AlignmentAngles { get; init; } = Array.Empty<double?>();

    /// <summary>Per layer: inverse reconstruction error ½‖h_{l-1} − g_l(h_l)‖² on the probe batch (null where there is no inverse).</summary>
    public IReadOnlyList<double?> ReconstructionErrors { get; init; } = Array.Empty<double?>();

    /// <summary>Per layer: mean ‖ĥ_l − h_l‖ on the probe batch (null where the algorithm sets no target).</summary>
    public IReadOnlyList<double?> TargetDistances { get; init; } = Array.Empty<double?>();
}
