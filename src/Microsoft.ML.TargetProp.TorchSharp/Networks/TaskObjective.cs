using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Networks;

/// <summary>
/// What the network's output h_L is trained to do: the task loss L, its error at the output, what the output layer's
/// inverse g_L reads, and the optimal output ô = argmin_o L(o) that SDTP propagates down. Classification reads class
/// indices as targets; reconstruction (an autoencoder, section 5.5) reads the input itself.
/// </summary>
public abstract class TaskObjective
{
    /// <summary>Softmax cross-entropy over class indices: ô is the one-hot label, g_L reads softmax(a_L).</summary>
    public static TaskObjective Classification { get; } = new ClassificationObjective();

    /// <summary>Squared-L2 reconstruction of the input (section 5.5): ô is the input itself, g_L reads h_L directly.</summary>
    public static TaskObjective Reconstruction { get; } = new ReconstructionObjective();

    /// <summary>True when targets are class indices, so accuracy is defined.</summary>
    public abstract bool HasClasses { get; }

    /// <summary>The task loss L averaged over the batch: what the output layer minimises and backprop differentiates.</summary>
    public abstract Tensor Loss(Tensor output, Tensor targets);

    /// <summary>The reported per-example error summed over the batch (cross-entropy, or ‖x − x̂‖²), in float64.</summary>
    public abstract Tensor SumError(Tensor output, Tensor targets);

    /// <summary>e = ∂ℓ_i/∂a_L of each example's loss ℓ_i with respect to the linear output (not divided by N).</summary>
    public abstract Tensor OutputError(Tensor output, Tensor targets);

    /// <summary>What the output layer's inverse g_L reads for output <paramref name="output"/> (its nonlinearity applied).</summary>
    public abstract Tensor OutputCode(Tensor output);

    /// <summary>ô = argmin_o L(o), in the space <see cref="OutputCode"/> returns, for <paramref name="units"/> output units.</summary>
    public abstract Tensor OptimalOutput(Tensor targets, int units, ScalarType dtype);

    /// <summary>How many examples the output gets right (classification), as an int64 scalar; null when not defined.</summary>
    public abstract Tensor? CountCorrect(Tensor output, Tensor targets);
}
