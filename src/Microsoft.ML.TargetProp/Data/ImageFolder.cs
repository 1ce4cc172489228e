using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Microsoft.ML.TargetProp.Data;

/// <summary>
/// An image-folder dataset, as ML.NET Model Builder trains from: one sub-folder per class (its name is the label)
/// holding PNG/JPG/BMP files. Gives rows of (ImagePath, Label) to feed LoadImages → ResizeImages → ExtractPixels.
/// </summary>
public static class ImageFolder
{
    /// <summary>File extensions read as images.</summary>
    public static readonly IReadOnlyList<string> Extensions = new[] { ".png", ".jpg", ".jpeg", ".bmp" };

    /// <summary>One image file and its class.</summary>
    public sealed class ImageRow
    {
        /// <summary>Absolute path of the image file.</summary>
        public string ImagePath { get; set; } = "";

        /// <summary>Class name (the sub-folder's name).</summary>
        public string Label { get; set; } = "";
    }

    /// <summary>Lists the images under <paramref name="folder"/>, classes in ordinal name order, files in name order.</summary>
    public static IReadOnlyList<ImageRow> Rows(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Image folder '{folder}' does not exist; expected one sub-folder per class holding image files.");
        var rows = new List<ImageRow>();
        foreach (var classDir in Directory.GetDirectories(folder).OrderBy(d => d, StringComparer.Ordinal))
        {
            string label = Path.GetFileName(classDir);
            rows.AddRange(Directory.EnumerateFiles(classDir)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new ImageRow { ImagePath = Path.GetFullPath(f), Label = label }));
        }
        if (rows.Count == 0)
            throw new InvalidDataException($"Image folder '{folder}' holds no {string.Join("/", Extensions)} files in class sub-folders.");
        return rows;
    }

    /// <summary>The rows of <paramref name="folder"/> as an IDataView with columns ImagePath and Label (text).</summary>
    public static IDataView Load(MLContext mlContext, string folder)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return mlContext.Data.LoadFromEnumerable(Rows(folder));
    }
}
