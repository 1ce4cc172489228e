using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Data;

/// <summary>Labelled examples held in memory: features as planar C×H×W floats, one row per example, and class indices.</summary>
public sealed class InMemoryDataset
{
    /// <summary>Creates a dataset; <paramref name="features"/> holds <c>labels.Length × shape.Size</c> values, row-major.</summary>
    public InMemoryDataset(float[] features, int[] labels, ImageShape shape, int classes, IReadOnlyList<string>? classNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        shape.Validate(nameof(shape));
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), $"classes must be ≥ 1; got {classes}.");
        if ((long)labels.Length * shape.Size != features.Length)
            throw new ArgumentException($"features holds {features.Length} values but {labels.Length} examples of shape {shape} need {(long)labels.Length * shape.Size}.", nameof(features));
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentException($"Label {labels[i]} of example {i} is outside [0, {classes - 1}].", nameof(labels));
        }
        if (classNames is not null && classNames.Count != classes)
            throw new ArgumentException($"{classNames.Count} class names given for {classes} classes.", nameof(classNames));
        Features = features;
        Labels = labels;
        Shape = shape;
        Classes = classes;
        ClassNames = classNames ?? Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Features, <see cref="Count"/> rows of <see cref="ImageShape.Size"/> floats.</summary>
    public float[] Features { get; }

    /// <summary>Class index of each example, in [0, <see cref="Classes"/>).</summary>
    public int[] Labels { get; }

    /// <summary>Shape of one example.</summary>
    public ImageShape Shape { get; }

    /// <summary>Number of classes.</summary>
    public int Classes { get; }

    /// <summary>Name of each class.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of examples.</summary>
    public int Count => Labels.Length;

    /// <summary>The examples at <paramref name="indices"/>, in that order.</summary>
    public InMemoryDataset Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int size = Shape.Size;
        var features = new float[(long)indices.Count * size];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int src = indices[i];
            if ((uint)src >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"Index {src} is outside [0, {Count - 1}].");
            Array.Copy(Features, (long)src * size, features, (long)i * size, size);
            labels[i] = Labels[src];
        }
        return new InMemoryDataset(features, labels, Shape, Classes, ClassNames);
    }

    /// <summary>The first <paramref name="count"/> examples (all when there are fewer).</summary>
    public InMemoryDataset Take(int count) => Select(Enumerable.Range(0, Math.Min(Math.Max(count, 0), Count)).ToArray());

    /// <summary>A class-stratified sample of up to <paramref name="perClass"/> examples of each class, in dataset order.</summary>
    public InMemoryDataset TakePerClass(int perClass)
    {
        var seen = new int[Classes];
        var picked = new List<int>();
        for (int i = 0; i < Count; i++)
        {
            if (seen[Labels[i]]++ < perClass) picked.Add(i);
        }
        return Select(picked);
    }

    /// <summary>Splits off a random <paramref name="fraction"/> (e.g. 0.1) as a validation set, deterministically for <paramref name="seed"/>.</summary>
    public (InMemoryDataset Train, InMemoryDataset Validation) Split(double fraction, int seed)
    {
        if (!(fraction > 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), $"The validation fraction must be in (0, 1); got {fraction}.");
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(seed).Shuffle(order);
        int validation = (int)Math.Round(Count * fraction);
        return (Select(order[validation..]), Select(order[..validation]));
    }
}
