using System;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>Shape of one example or one layer's activity h_l, planar channels × height × width (CHW, as torch and ML.NET's ExtractPixels).</summary>
/// <param name="Channels">Number of channels C.</param>
/// <param name="Height">Height H in pixels (1 for a flat vector).</param>
/// <param name="Width">Width W in pixels (1 for a flat vector).</param>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Number of values C·H·W.</summary>
    public int Size => checked(Channels * Height * Width);

    /// <summary>A flat vector of <paramref name="size"/> values, shaped size × 1 × 1.</summary>
    public static ImageShape Flat(int size) => new(size, 1, 1);

    /// <summary>Throws when a dimension is not positive; <paramref name="name"/> names the option in the message.</summary>
    public void Validate(string name)
    {
        if (Channels <= 0 || Height <= 0 || Width <= 0)
            throw new ArgumentOutOfRangeException(name, $"{name} must have positive channels, height and width; got {this}.");
    }

    /// <inheritdoc />
    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
