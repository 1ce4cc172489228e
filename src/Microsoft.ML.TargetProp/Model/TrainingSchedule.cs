namespace Microsoft.ML.TargetProp.Model;

/// <summary>How forward (θ) and inverse (λ) updates interleave in target propagation.</summary>
public enum TrainingSchedule
{
    /// <summary>Both the inverse and the forward losses are minimised on every minibatch.</summary>
    Parallel,

    /// <summary>Each epoch is one full pass training only the inverses, then one full pass training only the forward weights.</summary>
    Alternating,
}
