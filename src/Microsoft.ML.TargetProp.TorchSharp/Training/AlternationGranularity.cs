namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// What the alternating schedule alternates over. The appendix does not say; the paper only contrasts updating θ and
/// λ "in parallel" with "alternating" their updates.
/// </summary>
public enum AlternationGranularity
{
    /// <summary>An inverse-only pass over the training set, then a forward-only pass (two passes per epoch).</summary>
    Epoch,

    /// <summary>On every minibatch an inverse step, then a forward step through the updated inverses, sharing one forward pass (one pass per epoch).</summary>
    Minibatch,
}
