namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>Per-layer measurements filled by an algorithm on a probe batch.</summary>
public sealed class LayerDiagnostics
{
    /// <summary>Creates slots for <paramref name="layers"/> layers.</summary>
    public LayerDiagnostics(int layers) => TargetDistance = new double?[layers];

    /// <summary>Mean over the batch of ‖ĥ_l − h_l‖ for each layer's output (null where the algorithm sets no target).</summary>
    public double?[] TargetDistance { get; }
}
