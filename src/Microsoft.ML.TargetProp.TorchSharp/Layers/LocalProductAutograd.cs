using System.Collections.Generic;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// A locally-connected layer's products in the batch-last layout (<see cref="LocalBatchLastKernels"/>) as autograd
/// functions, each one node whose backward runs two batched GEMMs over the same patches Pᵀ [L, C·k·k, N]:
/// <list type="bullet">
/// <item><see cref="Forward"/>: yᵀ = Wᵀ Pᵀ with Pᵀ gathered from xᵀ; backward ∂W = Pᵀ ∂y and ∂xᵀ = scatter(W ∂yᵀ).</item>
/// <item><see cref="Transpose"/> (an inverse g_l's V h, feedback Bᵀδ): xᵀ = scatter(V yᵀ); backward ∂Pᵀ = gather(∂xᵀ),
/// ∂V = ∂Pᵀ y and ∂yᵀ = Vᵀ ∂Pᵀ.</item>
/// </list>
/// Gradients of inputs that autograd does not track are not computed (a first layer's ∂x, a detached weight's ∂W).
/// </summary>
internal static class LocalProductAutograd
{
    /// <summary>yᵀ [L, O, N] = W_lᵀ Pᵀ_l for xᵀ <paramref name="xT"/> [H·W, C, N] and W <paramref name="weight"/> [L, C·k·k, O].</summary>
    public static Tensor Forward(Tensor xT, Tensor weight, LocalGeometry geometry) => ForwardFunction.apply(xT, weight, geometry);

    /// <summary>xᵀ [H·W, C, N] = scatter(V_l yᵀ_l) for yᵀ <paramref name="yT"/> [L, O, N] and V <paramref name="weight"/> [L, C·k·k, O].</summary>
    public static Tensor Transpose(Tensor yT, Tensor weight, LocalGeometry geometry) => TransposeFunction.apply(yT, weight, geometry);

    /// <summary>yᵀ = Wᵀ Pᵀ, untracked.</summary>
    public static Tensor Products(Tensor patchesT, Tensor weight)
    {
        using var wt = weight.transpose(1, 2);
        return wt.bmm(patchesT);
    }

    /// <summary>scatter(V yᵀ), untracked.</summary>
    public static Tensor TransposeProducts(Tensor yT, Tensor weight, LocalGeometry geometry)
    {
        using var patchesT = weight.bmm(yT);
        return LocalBatchLastKernels.Scatter(patchesT, geometry);
    }

    private static void SaveNeeds(AutogradContext ctx, Tensor input, Tensor weight, LocalGeometry geometry)
    {
        ctx.save_data("geometry", geometry);
        ctx.save_data("input", input.requires_grad);
        ctx.save_data("weight", weight.requires_grad);
    }

    private sealed class ForwardFunction : SingleTensorFunction<ForwardFunction>
    {
        public override string Name => "LocallyConnectedForward";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            Tensor xT = (Tensor)vars[0], weight = (Tensor)vars[1];
            var geometry = (LocalGeometry)vars[2];
            SaveNeeds(ctx, xT, weight, geometry);
            var patchesT = LocalBatchLastKernels.Gather(xT, geometry);   // saved by apply after forward returns: not disposed here
            ctx.save_for_backward(new List<Tensor> { patchesT, weight });
            return Products(patchesT, weight);
        }

        public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
        {
            var saved = ctx.get_saved_variables();
            using Tensor patchesT = saved[0], weight = saved[1];
            using var dyT = grad_output.is_contiguous() ? grad_output.alias() : grad_output.contiguous();   // [L, O, N]
            Tensor dW = null!, dx = null!;
            if ((bool)ctx.get_data("weight"))
            {
                using var dy = dyT.transpose(1, 2);
                dW = patchesT.bmm(dy);                                                                        // [L, C·k·k, O]
            }
            if ((bool)ctx.get_data("input"))
                dx = TransposeProducts(dyT, weight, (LocalGeometry)ctx.get_data("geometry"));                 // [H·W, C, N]
            return new() { dx, dW, null! };
        }
    }

    private sealed class TransposeFunction : SingleTensorFunction<TransposeFunction>
    {
        public override string Name => "LocallyConnectedTranspose";

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            Tensor yT = (Tensor)vars[0], weight = (Tensor)vars[1];
            var geometry = (LocalGeometry)vars[2];
            SaveNeeds(ctx, yT, weight, geometry);
            ctx.save_for_backward(new List<Tensor> { yT, weight });
            return TransposeProducts(yT, weight, geometry);
        }

        public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
        {
            var saved = ctx.get_saved_variables();
            using Tensor yT = saved[0], weight = saved[1];
            using var patchesT = LocalBatchLastKernels.Gather(grad_output, (LocalGeometry)ctx.get_data("geometry"));   // ∂Pᵀ [L, C·k·k, N]
            Tensor dV = null!, dy = null!;
            if ((bool)ctx.get_data("weight"))
            {
                using var y = yT.transpose(1, 2);
                dV = patchesT.bmm(y);                                                                         // [L, C·k·k, O]
            }
            if ((bool)ctx.get_data("input"))
            {
                using var vt = weight.transpose(1, 2);
                dy = vt.bmm(patchesT);                                                                        // [L, O, N]
            }
            return new() { dy, dV, null! };
        }
    }
}
