using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// Decodes image files into planar C×H×W floats in [0, 1] with ML.NET's own image transforms (LoadImages →
/// ResizeImages → ConvertToGrayscale for one channel → ExtractPixels with scale 1/255), so tpnet reads images exactly
/// as an ML.NET pipeline does. Images are stretched to the shape (ResizingKind.Fill): no crop.
/// </summary>
public static class ImageDecoder
{
    /// <summary>
    /// Decodes every file of <paramref name="paths"/> resized to <paramref name="shape"/> (1 channel means grayscale)
    /// into one array, image after image; <paramref name="invert"/> turns v into 1 − v. The error names a file that fails.
    /// </summary>
    public static float[] DecodeAll(IReadOnlyList<string> paths, ImageShape shape, bool invert = false)
    {
        if (shape.Channels is not (1 or 3)) throw new ArgumentException($"Images decode to 1 or 3 channels; the model expects {shape}.");
        foreach (var file in paths)
            if (!File.Exists(file)) throw new FileNotFoundException($"Image file '{file}' does not exist.", file);
        var ml = new MLContext(0);
        var rows = ml.Data.LoadFromEnumerable(paths.Select(p => new PathRow { ImagePath = p }));
        IEstimator<ITransformer> pipeline = ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: nameof(PathRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", shape.Width, shape.Height, resizing: ImageResizingEstimator.ResizingKind.Fill));
        if (shape.Channels == 1) pipeline = pipeline.Append(ml.Transforms.ConvertToGrayscale("Image"));
        pipeline = pipeline.Append(ml.Transforms.ExtractPixels("Features", "Image", scaleImage: 1f / 255,
            colorsToExtract: shape.Channels == 1 ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb));
        var pixels = pipeline.Fit(rows).Transform(rows);
        // ML.NET may decode on several threads and hand rows over in another order: each row is placed by its path.
        var slots = new Dictionary<string, Queue<int>>(StringComparer.Ordinal);
        for (int i = 0; i < paths.Count; i++)
        {
            if (!slots.TryGetValue(paths[i], out var queue)) slots[paths[i]] = queue = new Queue<int>();
            queue.Enqueue(i);
        }
        var values = new float[(long)paths.Count * shape.Size];
        using var cursor = pixels.GetRowCursor(pixels.Schema.Where(c => c.Name is "Features" or nameof(PathRow.ImagePath)));
        var getPixels = cursor.GetGetter<VBuffer<float>>(pixels.Schema["Features"]);
        var getPath = cursor.GetGetter<ReadOnlyMemory<char>>(pixels.Schema[nameof(PathRow.ImagePath)]);
        var buffer = default(VBuffer<float>);
        var path = default(ReadOnlyMemory<char>);
        int rowsRead = 0;
        while (true)
        {
            try
            {
                if (!cursor.MoveNext()) break;
                getPath(ref path);
                getPixels(ref buffer);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"Image file '{FirstUndecodable(paths) ?? path.ToString()}' could not be decoded (not a PNG, JPG or BMP, or damaged): {e.GetBaseException().Message}", e);
            }
            string file = path.ToString();
            if (buffer.Length != shape.Size)
                throw new InvalidDataException($"Image file '{file}' decoded to {buffer.Length} values; {shape} needs {shape.Size}.");
            int slot = slots[file].Dequeue();
            buffer.CopyTo(values.AsSpan((int)((long)slot * shape.Size), shape.Size));
            rowsRead++;
        }
        if (rowsRead != paths.Count) throw new InvalidDataException($"ML.NET's image loader gave {rowsRead} rows for {paths.Count} files.");
        if (invert)
            for (long i = 0; i < values.LongLength; i++) values[i] = 1 - values[i];
        return values;
    }

    /// <summary>The first of <paramref name="paths"/> that MLImage cannot decode (after the pipeline failed: names the file).</summary>
    private static string? FirstUndecodable(IReadOnlyList<string> paths)
    {
        foreach (var p in paths)
        {
            try
            {
                using var image = MLImage.CreateFromFile(p);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return p;
            }
        }
        return null;
    }

    /// <summary>The width and height of <paramref name="path"/>, read with ML.NET's MLImage.</summary>
    public static (int Height, int Width) Size(string path)
    {
        try
        {
            using var image = MLImage.CreateFromFile(path);
            return (image.Height, image.Width);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new InvalidDataException($"Image file '{path}' could not be decoded: {e.Message}", e);
        }
    }

    private sealed class PathRow
    {
        public string ImagePath { get; set; } = "";
    }
}
