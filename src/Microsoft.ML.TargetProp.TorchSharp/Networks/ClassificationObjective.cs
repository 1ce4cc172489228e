using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.TargetProp.TorchSharp.Networks;

/// <summary>Softmax cross-entropy: targets are class indices [N]; ℓ_i = −log softmax(a_L)_{y_i}.</summary>
internal sealed class ClassificationObjective : TaskObjective
{
    public override bool HasClasses => true;

    public override Tensor Loss(Tensor output, Tensor targets) => F.cross_entropy(output, targets);

    public override Tensor SumError(Tensor output, Tensor targets)
    {
        using var sum = F.cross_entropy(output, targets, reduction: nn.Reduction.Sum);
        return sum.to_type(ScalarType.Float64);
    }

    /// <summary>softmax(a_L) − one-hot(y).</summary>
    public override Tensor OutputError(Tensor output, Tensor targets)
    {
        using var _ = no_grad();
        using var p = output.softmax(1);
        using var y = OptimalOutput(targets, (int)output.shape[1], output.dtype);
        return p - y;
    }

    public override Tensor OutputCode(Tensor output) => output.softmax(1);

    public override Tensor OptimalOutput(Tensor targets, int units, ScalarType dtype)
    {
        using var y = F.one_hot(targets, units);
        return y.to_type(dtype);
    }

    public override Tensor? CountCorrect(Tensor output, Tensor targets)
    {
        using var predicted = output.argmax(1);
        using var hits = predicted.eq(targets);
        return hits.sum();
    }
}
