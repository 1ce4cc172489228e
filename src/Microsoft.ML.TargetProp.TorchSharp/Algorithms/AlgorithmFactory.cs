using System;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>Creates the <see cref="LearningAlgorithm"/> for an <see cref="AlgorithmKind"/> and its hyperparameters.</summary>
public static class AlgorithmFactory
{
    /// <summary>Creates <paramref name="kind"/> over <paramref name="network"/>; random state (feedback, inverses, R) comes from <paramref name="generator"/>.</summary>
    public static LearningAlgorithm Create(AlgorithmKind kind, TargetPropNetwork network, HyperParameters hyperParameters, Generator? generator)
    {
        ArgumentNullException.ThrowIfNull(hyperParameters);
        return kind switch
        {
            AlgorithmKind.Backprop => new Backprop(network),
            AlgorithmKind.FeedbackAlignment => new FeedbackAlignment(network, generator),
            AlgorithmKind.DirectFeedbackAlignment => new DirectFeedbackAlignment(network, generator),
            AlgorithmKind.DifferenceTargetProp => new DifferenceTargetProp(network, hyperParameters.Alpha, hyperParameters.Sigma, generator, hyperParameters.BpMix),
            AlgorithmKind.SimplifiedTargetProp => new SimplifiedTargetProp(network, hyperParameters.Sigma, generator, hyperParameters.BpMix),
            AlgorithmKind.AugmentedOutputTargetProp => new AugmentedOutputTargetProp(network, hyperParameters.AuxiliaryUnits, hyperParameters.Sigma, generator, hyperParameters.BpMix),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown algorithm."),
        };
    }
}
