using System.Collections.Concurrent;
using Microsoft.ML.TargetProp.TorchSharp.Data;

namespace Microsoft.ML.TargetProp.Tests;

/// <summary>Real MNIST subsets, read once per test run.</summary>
public static class TestData
{
    private static readonly ConcurrentDictionary<string, InMemoryDataset> Cache = new();

    /// <summary>The first <paramref name="perClass"/> training examples of each digit.</summary>
    public static InMemoryDataset MnistTrain(int perClass) =>
        Cache.GetOrAdd($"train{perClass}", _ => MnistDataset.Load(TestSetup.MnistFolder, train: true, limit: 20000).TakePerClass(perClass));

    /// <summary>The first <paramref name="count"/> test examples.</summary>
    public static InMemoryDataset MnistTest(int count) =>
        Cache.GetOrAdd($"test{count}", _ => MnistDataset.Load(TestSetup.MnistFolder, train: false, limit: count));
}
