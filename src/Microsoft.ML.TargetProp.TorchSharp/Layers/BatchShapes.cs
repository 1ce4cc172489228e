using System;
using Microsoft.ML.TargetProp.Model;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>Tensor layout of a batch of activities: [N, C] for flat vectors, [N, C, H, W] for images.</summary>
internal static class BatchShapes
{
    /// <summary>True when <paramref name="shape"/> is a flat vector (H = W = 1).</summary>
    public static bool IsFlat(ImageShape shape) => shape.Height == 1 && shape.Width == 1;

    /// <summary>The tensor shape of a batch of <paramref name="batch"/> activities of <paramref name="shape"/>.</summary>
    public static long[] Of(ImageShape shape, long batch) =>
        IsFlat(shape) ? new[] { batch, (long)shape.Channels } : new[] { batch, (long)shape.Channels, shape.Height, shape.Width };

    /// <summary>Views <paramref name="batch"/> in the layout of <paramref name="shape"/>.</summary>
    public static Tensor Reshape(Tensor batch, ImageShape shape)
    {
        var target = Of(shape, batch.shape[0]);
        return batch.shape.AsSpan().SequenceEqual(target) ? batch : batch.reshape(target);
    }
}
