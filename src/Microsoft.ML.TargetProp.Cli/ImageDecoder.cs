using System;
using System.IO;
using Microsoft.ML.TargetProp.Model;
using SkiaSharp;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// Decodes image files into planar C×H×W floats in [0, 1] (as ML.NET's LoadImages → ResizeImages → ExtractPixels with
/// scale 1/255). tpnet decodes with SkiaSharp 3 itself: ScottPlot needs SkiaSharp 3, which Microsoft.ML.ImageAnalytics
/// 5.0.1 (built on SkiaSharp 2.88) cannot run on in the same process.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes <paramref name="path"/> resized to <paramref name="shape"/>; 1 channel means grayscale (ITU-R 601 luma).</summary>
    public static float[] Decode(string path, ImageShape shape, bool invert = false)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Image file '{path}' does not exist.", path);
        if (shape.Channels is not (1 or 3)) throw new ArgumentException($"Images decode to 1 or 3 channels; the model expects {shape}.");
        using var decoded = SKBitmap.Decode(path) ?? throw new InvalidDataException($"Image file '{path}' could not be decoded (not a PNG, JPG or BMP, or damaged).");
        using var resized = decoded.Width == shape.Width && decoded.Height == shape.Height
            ? decoded.Copy()
            : decoded.Resize(new SKImageInfo(shape.Width, shape.Height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None))
              ?? throw new InvalidDataException($"Image file '{path}' could not be resized to {shape.Width}x{shape.Height}.");
        var values = new float[shape.Size];
        int plane = shape.Height * shape.Width;
        for (int y = 0; y < shape.Height; y++)
        for (int x = 0; x < shape.Width; x++)
        {
            var c = resized.GetPixel(x, y);
            int i = y * shape.Width + x;
            if (shape.Channels == 1)
                values[i] = (0.299f * c.Red + 0.587f * c.Green + 0.114f * c.Blue) / 255f;
            else
            {
                values[i] = c.Red / 255f;
                values[plane + i] = c.Green / 255f;
                values[2 * plane + i] = c.Blue / 255f;
            }
        }
        if (invert)
            for (int i = 0; i < values.Length; i++) values[i] = 1 - values[i];
        return values;
    }
}
