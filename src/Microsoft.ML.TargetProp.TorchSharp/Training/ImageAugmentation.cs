using System;
using Microsoft.ML.TargetProp.Model;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>When <see cref="ImageAugmentation"/> applies.</summary>
public enum AugmentationMode
{
    /// <summary>On for multi-channel images (CIFAR: the paper's "flips and random crops"), off for one-channel or flat data.</summary>
    Auto,

    /// <summary>Always (the data must be images: C×H×W with H, W &gt; 1).</summary>
    On,

    /// <summary>Never.</summary>
    Off,
}

/// <summary>Which flips <see cref="ImageAugmentation"/> draws.</summary>
public enum FlipKind
{
    /// <summary>No flip.</summary>
    None,

    /// <summary>Left-right, with probability ½ (the usual reading of the paper's "vertical flips").</summary>
    Horizontal,

    /// <summary>Upside-down, with probability ½.</summary>
    Vertical,

    /// <summary>Each of the two, independently with probability ½.</summary>
    Both,
}

/// <summary>
/// Training-set augmentation for images, applied to every training minibatch (never to evaluation): a random flip and a
/// random crop of the image zero-padded by <see cref="CropPadding"/> on each side back to H×W (pad 4 and 32×32 crops on
/// CIFAR: the usual reading of the paper's "vertical flips and random crops"). Draws come from the trainer's seeded
/// generator, so a run is deterministic and a resumed run draws what the uninterrupted one would. Padding is zero in the
/// (standardised) input space, i.e. the training-set mean.
/// </summary>
public sealed record ImageAugmentation
{
    /// <summary>When to augment. Default <see cref="AugmentationMode.Auto"/>.</summary>
    public AugmentationMode Mode { get; init; } = AugmentationMode.Auto;

    /// <summary>Flips drawn. Default <see cref="FlipKind.Horizontal"/>.</summary>
    public FlipKind Flip { get; init; } = FlipKind.Horizontal;

    /// <summary>Zero padding on each side before the random H×W crop; 0 disables crops. Default 4.</summary>
    public int CropPadding { get; init; } = 4;

    /// <summary>Throws naming the option when a value is out of range.</summary>
    public void Validate() => Validate("Augmentation");

    /// <summary>Throws naming the option as "<paramref name="name"/>.Field" (e.g. "Options.Augmentation.CropPadding").</summary>
    internal void Validate(string name)
    {
        if (!Enum.IsDefined(Mode)) throw new ArgumentOutOfRangeException(nameof(Mode), $"{name}.Mode: unknown value {Mode}.");
        if (!Enum.IsDefined(Flip)) throw new ArgumentOutOfRangeException(nameof(Flip), $"{name}.Flip: unknown value {Flip}.");
        if (CropPadding < 0) throw new ArgumentOutOfRangeException(nameof(CropPadding), $"{name}.CropPadding must be ≥ 0; got {CropPadding}.");
    }

    /// <summary>True when batches of <paramref name="shape"/> are augmented.</summary>
    public bool AppliesTo(ImageShape shape)
    {
        bool image = shape.Height > 1 && shape.Width > 1;
        bool active = Flip != FlipKind.None || CropPadding > 0;
        return active && Mode switch
        {
            AugmentationMode.On => image ? true : throw new ArgumentException($"Augmentation.Mode = On needs images; the data is {shape}."),
            AugmentationMode.Auto => image && shape.Channels > 1,
            _ => false,
        };
    }

    /// <summary>An augmented copy of the batch <paramref name="x"/> [N, C·H·W] of images of <paramref name="shape"/>.</summary>
    public Tensor Apply(Tensor x, ImageShape shape, Generator? generator)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0];
        var images = x.reshape(n, shape.Channels, shape.Height, shape.Width);
        if (Flip is FlipKind.Horizontal or FlipKind.Both) images = RandomlyFlip(images, 3, generator);
        if (Flip is FlipKind.Vertical or FlipKind.Both) images = RandomlyFlip(images, 2, generator);
        if (CropPadding > 0) images = RandomCrop(images, CropPadding, generator);
        return images.reshape(n, shape.Size).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="images"/> [N, C, H, W] mirrored along <paramref name="dim"/> (3: left-right, 2: upside-down).</summary>
    public static Tensor Mirror(Tensor images, long dim) => images.flip(dim);

    private static Tensor RandomlyFlip(Tensor images, long dim, Generator? generator)
    {
        long n = images.shape[0];
        using var draw = rand(new[] { n }, generator: generator, device: images.device);
        using var half = 0.5.ToScalar();
        using var mask = draw.lt(half).reshape(n, 1, 1, 1);
        using var mirrored = Mirror(images, dim);
        return where(mask, mirrored, images);
    }

    /// <summary>For each image, the H×W window at a random offset in [0, 2p]² of the image zero-padded by <paramref name="padding"/>.</summary>
    private static Tensor RandomCrop(Tensor images, int padding, Generator? generator)
    {
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        using var padded = F.pad(images, new long[] { padding, padding, padding, padding });
        using var dy = randint(0, 2 * padding + 1, new[] { n, 1 }, generator: generator, device: images.device);
        using var dx = randint(0, 2 * padding + 1, new[] { n, 1 }, generator: generator, device: images.device);
        using var rowsRange = arange(h, device: images.device).unsqueeze(0);
        using var colsRange = arange(w, device: images.device).unsqueeze(0);
        using var rowIndex = (dy + rowsRange).reshape(n, 1, h, 1).expand(n, c, h, w + 2 * padding);
        using var colIndex = (dx + colsRange).reshape(n, 1, 1, w).expand(n, c, h, w);
        using var rows = padded.gather(2, rowIndex);
        return rows.gather(3, colIndex);
    }
}
