using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Networks;

/// <summary>
/// Squared-L2 reconstruction (section 5.5): targets are the inputs x [N, C·H·W] and the output h_L = a_L is linear;
/// ℓ_i = ½‖a_L − x_i‖² (the ½ makes e = a_L − x), reported as ‖x − x̂‖² per example.
/// </summary>
internal sealed class ReconstructionObjective : TaskObjective
{
    public override bool HasClasses => false;

    public override Tensor Loss(Tensor output, Tensor targets)
    {
        using var d = Difference(output, targets);
        using var s = d.square().sum();
        using var half = (0.5 / output.shape[0]).ToScalar();
        return s.mul(half);
    }

    public override Tensor SumError(Tensor output, Tensor targets)
    {
        using var _ = no_grad();
        using var d = Difference(output, targets);
        using var wide = d.to_type(ScalarType.Float64);
        return wide.square().sum();
    }

    public override Tensor OutputError(Tensor output, Tensor targets)
    {
        using var _ = no_grad();
        return Difference(output, targets);
    }

    public override Tensor OutputCode(Tensor output) => output.alias();

    public override Tensor OptimalOutput(Tensor targets, int units, ScalarType dtype) => targets.flatten(1).to_type(dtype);

    public override Tensor? CountCorrect(Tensor output, Tensor targets) => null;

    private static Tensor Difference(Tensor output, Tensor targets)
    {
        using var x = targets.flatten(1);
        return output - x;
    }
}
