using System;
using Microsoft.ML.TargetProp.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// The sparse linear map of a locally-connected layer, shared by the forward layer and its transpose: patches of the
/// zero-padded input are gathered per location and multiplied by per-location weights [L, C·k·k, O] in one batched
/// matmul (L = number of output locations). The transpose runs the same steps backwards (scatter or fold).
/// </summary>
/// <remarks>
/// Float32 CPU products run batch-last (<see cref="LocalBatchLastKernels"/>, issue 32): activations stored as
/// [H·W, C, N] behind their logical [N, C, H, W] view, patches Pᵀ [L, C·k·k, N], yᵀ = Wᵀ Pᵀ, and one autograd node per
/// product (<see cref="LocalProductAutograd"/>). An LC layer's output is then already the next LC layer's input layout.
/// The rest of these remarks is about the [L, N, C·k·k] path, which bfloat16 and other devices still take.
/// Two ways to gather the patches give bit-identical [L, N, C·k·k] tensors (<see cref="PatchGather"/>): im2col
/// (<c>unfold</c> to [N, C·k·k, L], then a permuted copy) pays two copies of the patches; a strided view of the padded
/// input (<c>Tensor.unfold</c> over H and W, [N, C, H', W', k, k], permuted and copied once) pays one, and its backward
/// is libtorch's fast <c>unfold_backward</c>. The strided view is faster from two input channels on and slower for a
/// single-channel input (C·k·k = 9, MNIST-LC layer 1, where the 6-D permute's inner dimension is 3), so it is used from
/// two channels on. Where autograd need not track the input (SDTP's, DTP's and DFA's layer-local forwards, the targets
/// computed under no_grad) the managed <see cref="LocalPatchKernels"/> gather and scatter instead; the one-channel
/// gather stays im2col (no faster managed). The measurements are in docs/performance.md, "Gathering LC patches".
/// </remarks>
public sealed class LocalGeometry
{
    private readonly int _padTop, _padBottom, _padLeft, _padRight;

    /// <summary>Geometry of <paramref name="spec"/> applied to <paramref name="input"/>.</summary>
    public LocalGeometry(LocallyConnectedLayerSpec spec, ImageShape input)
    {
        Spec = spec;
        Input = input;
        Output = spec.OutputShape(input);
        (_padTop, _padBottom) = spec.Padding(input.Height);
        (_padLeft, _padRight) = spec.Padding(input.Width);
        Gather = input.Channels > 1 ? PatchGather.StridedView : PatchGather.Unfold;
    }

    /// <summary>The layer specification (kernel, channels, stride).</summary>
    public LocallyConnectedLayerSpec Spec { get; }

    /// <summary>Input shape C×H×W.</summary>
    public ImageShape Input { get; }

    /// <summary>Output shape O×⌈H/s⌉×⌈W/s⌉.</summary>
    public ImageShape Output { get; }

    /// <summary>Number of output locations L.</summary>
    public int Locations => Output.Height * Output.Width;

    /// <summary>Size of one receptive field, C·k·k.</summary>
    public int PatchSize => Input.Channels * Spec.Kernel * Spec.Kernel;

    /// <summary>Mean number of output units one input unit feeds, O·k²/s² (the fan-out of the sparse matrix W).</summary>
    public double MeanFanOut => (double)Output.Channels * Spec.Kernel * Spec.Kernel / ((double)Spec.Stride * Spec.Stride);

    /// <summary>Shape of the per-location weight tensor, [L, C·k·k, O].</summary>
    public long[] WeightShape => new long[] { Locations, PatchSize, Output.Channels };

    /// <summary>How <see cref="Apply"/> gathers patches (both give the same values).</summary>
    public enum PatchGather
    {
        /// <summary>im2col with <c>unfold</c>, then a permuted copy to [L, N, C·k·k].</summary>
        Unfold,

        /// <summary>A strided view of the padded input, permuted and copied once to [L, N, C·k·k].</summary>
        StridedView,
    }

    /// <summary>The patch gathering <see cref="Apply"/> uses: the strided view from two input channels on (see remarks).</summary>
    public PatchGather Gather { get; init; }

    /// <summary>Zero rows above the input (the rest of the "SAME" padding goes below).</summary>
    internal int PadTop => _padTop;

    /// <summary>Zero columns left of the input.</summary>
    internal int PadLeft => _padLeft;

    /// <summary>The receptive field of one output location: its top-left input position (y0, x0), possibly in the padding, and the kernel rows and columns [lo, hi) that fall inside the image.</summary>
    internal readonly record struct Window(int Y0, int X0, int KyLo, int KyHi, int KxLo, int KxHi);

    private Window[]? _windows;

    /// <summary>Every output location's <see cref="Window"/>, location order; computed once per layer for the managed patch kernels.</summary>
    internal Window[] Windows => _windows ??= ComputeWindows();

    private Window[] ComputeWindows()
    {
        int k = Spec.Kernel, s = Spec.Stride, h = Input.Height, w = Input.Width, wo = Output.Width;
        var windows = new Window[Locations];
        for (int l = 0; l < windows.Length; l++)
        {
            int y0 = l / wo * s - _padTop, x0 = l % wo * s - _padLeft;
            windows[l] = new Window(y0, x0, Math.Max(0, -y0), Math.Min(k, h - y0), Math.Max(0, -x0), Math.Min(k, w - x0));
        }
        return windows;
    }

    private bool Symmetric => _padTop == _padBottom && _padLeft == _padRight && _padTop == _padLeft;

    /// <summary>The zero-padded receptive fields of a batch x [N, C, H, W] as columns [N, C·k·k, L] (unfold's order).</summary>
    public Tensor Unfold(Tensor x)
    {
        if (Symmetric) return F.unfold(x, Spec.Kernel, padding: _padTop, stride: Spec.Stride);
        using var padded = F.pad(x, new long[] { _padLeft, _padRight, _padTop, _padBottom });
        return F.unfold(padded, Spec.Kernel, stride: Spec.Stride);
    }

    /// <summary>The adjoint of <see cref="Unfold"/>: sums columns [N, C·k·k, L] back into an image batch [N, C, H, W].</summary>
    public Tensor Fold(Tensor cols)
    {
        if (Symmetric)
            return F.fold(cols, (Input.Height, Input.Width), (Spec.Kernel, Spec.Kernel), padding: (_padTop, _padLeft), stride: (Spec.Stride, Spec.Stride));
        using var full = F.fold(cols, (Input.Height + _padTop + _padBottom, Input.Width + _padLeft + _padRight), (Spec.Kernel, Spec.Kernel), stride: (Spec.Stride, Spec.Stride));
        return full[.., .., _padTop..(_padTop + Input.Height), _padLeft..(_padLeft + Input.Width)].contiguous();
    }

    /// <summary>
    /// A x for a batch x [N, C, H, W] and weights A [L, C·k·k, O]; returns [N, O, H', W'] (no bias), in x's dtype. In
    /// bfloat16 the input is rounded before the patches are gathered, so the patch copy moves half the bytes.
    /// </summary>
    public Tensor Apply(Tensor x, Tensor weight, MatmulPrecision precision = MatmulPrecision.Float32)
    {
        long n = x.shape[0];
        if (BatchLast(x, weight, precision))
        {
            using var xT = LocalBatchLastKernels.ToBatchLast(x);                 // [H·W, C, N]
            using var patchesT = Tracked(x, weight) ? null : LocalBatchLastKernels.Gather(xT, this);   // [L, C·k·k, N]
            using var yT = patchesT is null ? LocalProductAutograd.Forward(xT, weight, this)
                : LocalProductAutograd.Products(patchesT, weight);               // [L, O, N]
            return LocalBatchLastKernels.FromBatchLast(yT, Output);
        }
        using var xs = PrecisionMath.Operand(x, precision);
        using var w = PrecisionMath.Operand(weight, precision);
        using var patches = Patches(xs);                             // [L, N, C·k·k]
        using var y = patches.bmm(w);                                // [L, N, O]
        return PrecisionMath.Widen(y.permute(1, 2, 0).reshape(n, Output.Channels, Output.Height, Output.Width));
    }

    /// <summary>True when a float32 product runs batch-last (<see cref="LocalBatchLastKernels"/>): activations [H·W, C, N], patches [L, C·k·k, N].</summary>
    private static bool BatchLast(Tensor activations, Tensor weight, MatmulPrecision precision) =>
        precision == MatmulPrecision.Float32 && LocalBatchLastKernels.Applies(activations) && LocalBatchLastKernels.Applies(weight);

    /// <summary>True when autograd must see the product of <paramref name="activations"/> and <paramref name="weight"/>.</summary>
    private static bool Tracked(Tensor activations, Tensor weight) => is_grad_enabled() && (activations.requires_grad || weight.requires_grad);

    /// <summary>The zero-padded receptive fields of a batch x [N, C, H, W] per location, [L, N, C·k·k] (C, then k×k).</summary>
    public Tensor Patches(Tensor x)
    {
        if (Input.Channels > 1 && LocalPatchKernels.Applies(x))   // one channel: im2col is as fast
            return LocalPatchKernels.Tracked(x) ? LocalPatchAutograd.Gather(x, this) : LocalPatchKernels.Gather(x, this);
        if (Gather == PatchGather.Unfold)
        {
            using var cols = Unfold(x);
            return cols.permute(2, 0, 1).contiguous();
        }
        int k = Spec.Kernel, s = Spec.Stride;
        using var padded = _padTop + _padBottom + _padLeft + _padRight == 0 ? x.alias() : F.pad(x, new long[] { _padLeft, _padRight, _padTop, _padBottom });
        using var rows = padded.unfold(2, k, s);                                          // [N, C, H', W+p, k]
        using var windows = rows.unfold(3, k, s);                                         // [N, C, H', W', k, k]
        using var located = windows.permute(2, 3, 0, 1, 4, 5);                            // [H', W', N, C, k, k]
        return located.reshape(Locations, x.shape[0], PatchSize);
    }

    /// <summary>
    /// Aᵀ y for a batch y [N, O, H', W'] and weights A [L, C·k·k, O]; returns [N, C, H, W] in y's dtype (in bfloat16 the
    /// patches are summed by fold in float32).
    /// </summary>
    public Tensor ApplyTranspose(Tensor y, Tensor weight, MatmulPrecision precision = MatmulPrecision.Float32)
    {
        long n = y.shape[0];
        if (BatchLast(y, weight, precision))
        {
            using var yT = LocalBatchLastKernels.ToBatchLast(y);                 // [L, O, N]
            using var xT = Tracked(y, weight) ? LocalProductAutograd.Transpose(yT, weight, this)
                : LocalProductAutograd.TransposeProducts(yT, weight, this);     // [H·W, C, N]
            return LocalBatchLastKernels.FromBatchLast(xT, Input);
        }
        using var ys = PrecisionMath.Operand(y, precision);
        using var w = PrecisionMath.Operand(weight, precision);
        using var flat = ys.reshape(n, Output.Channels, Locations);
        using var perLocation = flat.permute(2, 0, 1).contiguous();    // [L, N, O]
        using var wt = w.transpose(1, 2);
        using var patches = PrecisionMath.Widen(perLocation.bmm(wt));   // [L, N, C·k·k]
        if (LocalPatchKernels.Applies(patches))
            return LocalPatchKernels.Tracked(patches) ? LocalPatchAutograd.Scatter(patches, this) : LocalPatchKernels.Scatter(patches, this);
        using var cols = patches.permute(1, 2, 0);                       // [N, C·k·k, L]
        return Fold(cols);
    }
}
