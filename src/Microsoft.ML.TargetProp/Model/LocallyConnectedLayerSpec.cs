using System;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>
/// A locally-connected layer ("(3×3, 32, 2)" in Table 3): a convolution-shaped layer with untied weights per output
/// location, zero-padded so that stride 1 keeps H×W; the output has ⌈H/stride⌉ × ⌈W/stride⌉ locations. With
/// <paramref name="SharedWeights"/> it is the convolution of the same geometry (the paper's "BP ConvNet" baseline,
/// spec <c>conv(KxK,C[,S])</c>), saved in a model as the equivalent locally-connected layer (its weights replicated at
/// every location), so every scorer reads it.
/// </summary>
/// <param name="Kernel">Receptive field size k (a k×k window).</param>
/// <param name="Channels">Number of output channels.</param>
/// <param name="Stride">Stride s (1 keeps H×W).</param>
/// <param name="SharedWeights">True for a convolution: one k×k×C×O filter bank shared by all locations.</param>
public sealed record LocallyConnectedLayerSpec(int Kernel, int Channels, int Stride = 1, bool SharedWeights = false) : LayerSpec
{
    /// <summary>This geometry with untied weights (what a convolution is saved as).</summary>
    public LocallyConnectedLayerSpec Untied => this with { SharedWeights = false };

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
    public override string ToString()
    {
        string kind = SharedWeights ? "conv" : "lc";
        return Stride == 1 ? $"{kind}({Kernel}x{Kernel},{Channels})" : $"{kind}({Kernel}x{Kernel},{Channels},{Stride})";
    }
}
