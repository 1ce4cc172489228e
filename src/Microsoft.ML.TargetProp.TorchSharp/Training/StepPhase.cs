namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>The phases of one training step.</summary>
internal enum StepPhase
{
    /// <summary>The forward pass h_1 … h_L.</summary>
    Forward,

    /// <summary>Targets ĥ_l (or feedback deltas) and the forward loss graph.</summary>
    Targets,

    /// <summary>The inverse loss: corrupted forward f(h + ϵ) and g(·).</summary>
    InverseForward,

    /// <summary>The backward pass through the local losses.</summary>
    Backward,

    /// <summary>The Adam steps.</summary>
    Optimizer,
}
