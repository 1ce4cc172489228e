using Microsoft.ML.TargetProp.Model;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// The sparse linear map of a locally-connected layer, shared by the forward layer and its transpose: patches of the
/// zero-padded input are unfolded to [L, N, C·k·k] and multiplied by per-location weights [L, C·k·k, O] in one
/// batched matmul (L = number of output locations). The transpose runs the same steps backwards with fold.
/// </summary>
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

    /// <summary>A x for a batch x [N, C, H, W] and weights A [L, C·k·k, O]; returns [N, O, H', W'] (no bias).</summary>
    public Tensor Apply(Tensor x, Tensor weight)
    {
        long n = x.shape[0];
        using var cols = Unfold(x);
        using var patches = cols.permute(2, 0, 1).contiguous();     // [L, N, C·k·k]
        using var y = patches.bmm(weight);                           // [L, N, O]
        return y.permute(1, 2, 0).reshape(n, Output.Channels, Output.Height, Output.Width);
    }

    /// <summary>Aᵀ y for a batch y [N, O, H', W'] and weights A [L, C·k·k, O]; returns [N, C, H, W].</summary>
    public Tensor ApplyTranspose(Tensor y, Tensor weight)
    {
        long n = y.shape[0];
        using var flat = y.reshape(n, Output.Channels, Locations);
        using var perLocation = flat.permute(2, 0, 1).contiguous();    // [L, N, O]
        using var patches = perLocation.bmm(weight.transpose(1, 2));     // [L, N, C·k·k]
        using var cols = patches.permute(1, 2, 0);                       // [N, C·k·k, L]
        return Fold(cols);
    }
}
