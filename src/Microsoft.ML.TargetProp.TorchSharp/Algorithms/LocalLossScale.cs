namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// How the squared-L2 layer losses ‖h_l − ĥ_l‖² and inverse losses L_l^inv are scaled (always averaged over the batch).
/// The paper prints ‖·‖² without a constant; section 5.6 divides by 2. With Adam the scale matters only through ϵ.
/// </summary>
public enum LocalLossScale
{
    /// <summary>½ Σ_units (a − b)² per example (section 5.6's ½, which makes the BP identity exact).</summary>
    HalfSum,

    /// <summary>Σ_units (a − b)² per example, as Algorithm 1/2 print it.</summary>
    Sum,

    /// <summary>mean_units (a − b)² per example (PyTorch's mse_loss).</summary>
    Mean,
}
