using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>Creates the <see cref="LearningAlgorithm"/> for an <see cref="AlgorithmKind"/> and its hyperparameters, through its <see cref="AlgorithmRegistry"/> descriptor.</summary>
public static class AlgorithmFactory
{
    /// <summary>Creates <paramref name="kind"/> over <paramref name="network"/>; random state (feedback, inverses, R) comes from <paramref name="generator"/>.</summary>
    public static LearningAlgorithm Create(AlgorithmKind kind, TargetPropNetwork network, HyperParameters hyperParameters, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(hyperParameters);
        return AlgorithmRegistry.Get(kind).Create(network, hyperParameters, generator);
    }
}
