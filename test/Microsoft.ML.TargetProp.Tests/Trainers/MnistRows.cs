using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.TorchSharp.Data;

namespace Microsoft.ML.TargetProp.Tests.Trainers;

/// <summary>An MNIST example as ML.NET rows: a 1×28×28 feature vector and the digit as text.</summary>
public sealed class MnistRow
{
    [VectorType(1, 28, 28)]
    public float[] Features { get; set; } = new float[784];

    public string Label { get; set; } = "";

    /// <summary>Rows of <paramref name="data"/>.</summary>
    public static IEnumerable<MnistRow> From(InMemoryDataset data) =>
        Enumerable.Range(0, data.Count).Select(i => new MnistRow
        {
            Features = data.Features.AsSpan(i * 784, 784).ToArray(),
            Label = data.Labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).ToList();
}

/// <summary>A flat feature vector without an image shape.</summary>
public sealed class FlatRow
{
    [VectorType(784)]
    public float[] Features { get; set; } = new float[784];

    public string Label { get; set; } = "";
}

/// <summary>What a PredictionEngine returns.</summary>
public sealed class DigitPrediction
{
    public string PredictedLabel { get; set; } = "";

    public float[] Score { get; set; } = System.Array.Empty<float>();
}
