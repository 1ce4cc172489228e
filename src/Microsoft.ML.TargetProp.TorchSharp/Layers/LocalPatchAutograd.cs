using System.Collections.Generic;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// The managed patch gather and scatter (<see cref="LocalPatchKernels"/>) as autograd functions, for inputs autograd
/// tracks: BP's forward through a locally-connected layer and the learned transposes g_l of target propagation. The two
/// kernels are each other's adjoint, so the backward of one is the other: ∂/∂x of Gather is Scatter of the incoming
/// gradient, and ∂/∂p of Scatter is Gather of it. Without these, a tracked input goes through libtorch's strided copy
/// and fold (docs/performance.md).
/// </summary>
internal static class LocalPatchAutograd
{
    /// <summary>Patches [L, N, C·k·k] of <paramref name="x"/> [N, C, H, W], differentiable in <paramref name="x"/>.</summary>
    public static Tensor Gather(Tensor x, LocalGeometry geometry) => GatherFunction.apply(x, geometry);

    /// <summary>The patches <paramref name="patches"/> [L, N, C·k·k] summed into [N, C, H, W], differentiable in <paramref name="patches"/>.</summary>
    public static Tensor Scatter(Tensor patches, LocalGeometry geometry) => ScatterFunction.apply(patches, geometry);

    /// <summary>One kernel as an autograd function whose backward is its adjoint, applied to the incoming gradient.</summary>
    private abstract class AdjointPairFunction<T> : SingleTensorFunction<T> where T : AdjointPairFunction<T>, new()
    {
        protected abstract Tensor Kernel(Tensor input, LocalGeometry geometry);

        protected abstract Tensor Adjoint(Tensor gradient, LocalGeometry geometry);

        public override Tensor forward(AutogradContext ctx, params object[] vars)
        {
            var geometry = (LocalGeometry)vars[1];
            ctx.save_data("geometry", geometry);
            return Kernel((Tensor)vars[0], geometry);
        }

        // One gradient per argument of apply: the tensor's, and none for the geometry.
        public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output) =>
            new() { Adjoint(grad_output, (LocalGeometry)ctx.get_data("geometry")), null! };
    }

    private sealed class GatherFunction : AdjointPairFunction<GatherFunction>
    {
        public override string Name => "LocalPatchGather";
        protected override Tensor Kernel(Tensor input, LocalGeometry geometry) => LocalPatchKernels.Gather(input, geometry);
        protected override Tensor Adjoint(Tensor gradient, LocalGeometry geometry) => LocalPatchKernels.Scatter(gradient, geometry);
    }

    private sealed class ScatterFunction : AdjointPairFunction<ScatterFunction>
    {
        public override string Name => "LocalPatchScatter";
        protected override Tensor Kernel(Tensor input, LocalGeometry geometry) => LocalPatchKernels.Scatter(input, geometry);
        protected override Tensor Adjoint(Tensor gradient, LocalGeometry geometry) => LocalPatchKernels.Gather(gradient, geometry);
    }
}
