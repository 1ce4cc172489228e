namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>Mean task error and accuracy of a network on a dataset.</summary>
/// <param name="Loss">Mean cross-entropy, or mean ‖x − x̂‖² for an autoencoder.</param>
/// <param name="Accuracy">Fraction of examples classified correctly (NaN for an autoencoder).</param>
/// <param name="Count">Number of examples.</param>
public sealed record EvaluationResult(double Loss, double Accuracy, int Count)
{
    /// <summary>Error rate 1 − accuracy, as the paper reports.</summary>
    public double Error => 1 - Accuracy;
}
