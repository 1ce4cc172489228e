using System;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>
/// A locally-connected layer ("(3×3, 32, 2)" in Table 3): a convolution-shaped layer with untied weights per output
/// location, zero-padded so that stride 1 keeps H×W; the output has ⌈H/stride⌉ × ⌈W/stride⌉ locations.
/// </summary>
/// <param name="Kernel">Receptive field size k (a k×k window).</param>
/// <param name="Channels">Number of output channels.</param>
/// <param name="Stride">Stride s (1 keeps H×W).</param>
public sealed record LocallyConnectedLayerSpec(int Kernel, int Channels, int Stride = 1) : LayerSpec
{
    /// <inheritdoc />
    public override ImageShape OutputShape(ImageShape input)
    {
        if (input.Height == 1 && input.Width == 1 && Kernel > 1)
            throw new ArgumentException($"Layer {this} needs an image input (C×H×W) but receives a flat vector of {input.Size}; put locally-connected layers before fully-connected ones and give the image shape.");
        if (Kernel > input.Height || Kernel > input.Width)
            throw new ArgumentException($"Layer {this}: kernel {Kernel}x{Kernel} is larger than its {input.Height}x{input.Width} input.");
        return new ImageShape(Channels, CeilDiv(input.Height, Stride), CeilDiv(input.Width, Stride));
    }

    /// <summary>Zero padding (before, after) along one axis of length <paramref name="length"/> ("same" padding).</summary>
    public (int Before, int After) Padding(int length)
    {
        int output = CeilDiv(length, Stride);
        int total = Math.Max((output - 1) * Stride + Kernel - length, 0);
        return (total / 2, total - total / 2);
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;

    /// <inheritdoc />
    public override string ToString() => Stride == 1 ? $"lc({Kernel}x{Kernel},{Channels})" : $"lc({Kernel}x{Kernel},{Channels},{Stride})";
}
