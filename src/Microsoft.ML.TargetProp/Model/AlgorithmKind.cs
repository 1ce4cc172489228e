namespace Microsoft.ML.TargetProp.Model;

/// <summary>The learning algorithms compared by Bartunov et al. (2018).</summary>
public enum AlgorithmKind
{
    /// <summary>
    /// A model trained by an algorithm this package does not know (for example a newer package's): it loads and scores
    /// like any other, since scoring never reads the algorithm; <see cref="TargetPropModelParameters.AlgorithmName"/>
    /// holds the name it was saved with. Not a training algorithm.
    /// </summary>
    Unknown = -1,

    /// <summary>Backpropagation (BP), the baseline.</summary>
    Backprop,

    /// <summary>Feedback alignment (FA): errors sent down through fixed random matrices B_l instead of W_lᵀ.</summary>
    FeedbackAlignment,

    /// <summary>Direct feedback alignment (DFA): the output error sent to every hidden layer through a fixed random matrix.</summary>
    DirectFeedbackAlignment,

    /// <summary>Difference target propagation (DTP) with noise-preserving inverse training.</summary>
    DifferenceTargetProp,

    /// <summary>Simplified difference target propagation (SDTP): the penultimate target comes from the label through g_L; de-noising inverses.</summary>
    SimplifiedTargetProp,

    /// <summary>SDTP with an augmented output (AO-SDTP, Algorithm 2): h_L = [o, z] with z an untrained random-feature output.</summary>
    AugmentedOutputTargetProp,
}
