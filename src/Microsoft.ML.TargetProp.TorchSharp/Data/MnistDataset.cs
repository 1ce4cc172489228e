using System;
using System.IO;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Data;

/// <summary>Loads MNIST-format datasets (MNIST, Fashion-MNIST) from a folder of the four official IDX files.</summary>
public static class MnistDataset
{
    /// <summary>Class names of Fashion-MNIST, in label order.</summary>
    public static readonly string[] FashionClassNames = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

    /// <summary>
    /// Reads the training (<c>train-*</c>) or test (<c>t10k-*</c>) split from <paramref name="folder"/>, with pixels scaled to
    /// [0, 1]; accepts <c>.gz</c> or uncompressed files. <paramref name="limit"/> keeps the first examples only.
    /// </summary>
    public static InMemoryDataset Load(string folder, bool train, int? limit = null, string[]? classNames = null)
    {
        string prefix = train ? "train" : "t10k";
        string images = Find(folder, $"{prefix}-images-idx3-ubyte");
        string labelsPath = Find(folder, $"{prefix}-labels-idx1-ubyte");
        var (count, rows, cols, pixels) = IdxReader.ReadImages(images);
        var labels = IdxReader.ReadLabels(labelsPath);
        if (labels.Length != count)
            throw new InvalidDataException($"'{images}' holds {count} images but '{labelsPath}' holds {labels.Length} labels.");
        int n = limit is { } l ? Math.Min(Math.Max(l, 0), count) : count;
        int size = rows * cols;
        var features = new float[(long)n * size];
        for (long i = 0; i < features.LongLength; i++)
            features[i] = pixels[i] / 255f;
        var y = new int[n];
        int classes = 10;
        for (int i = 0; i < n; i++)
        {
            y[i] = labels[i];
            if (y[i] >= classes)
                throw new InvalidDataException($"'{labelsPath}': label {y[i]} of example {i} is outside 0..9.");
        }
        return new InMemoryDataset(features, y, new ImageShape(1, rows, cols), classes, classNames);
    }

    private static string Find(string folder, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"Neither '{name}.gz' nor '{name}' was found in '{folder}'.", Path.Combine(folder, name + ".gz"));
    }
}
