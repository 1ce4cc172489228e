using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>Everything a run gives a learning rule when <see cref="AlgorithmDescriptor.Create"/> makes it.</summary>
/// <param name="Network">The network trained.</param>
/// <param name="HyperParameters">Optimizers, the paper's α and σ, and the rule's own settings.</param>
/// <param name="Generator">Source of the rule's random state (feedback matrices, inverses, R).</param>
/// <param name="LocalLoss">Scale of the squared-L2 layer and inverse losses.</param>
/// <param name="RelativeSigma">σ relative to each batch's activity standard deviation (target propagation).</param>
public sealed record AlgorithmContext(TargetPropNetwork Network, HyperParameters HyperParameters, Generator? Generator,
    LocalLossScale LocalLoss = LocalLossScale.HalfSum, bool RelativeSigma = false);
