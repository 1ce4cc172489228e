namespace Microsoft.ML.TargetProp.Model;

/// <summary>How Table 5's printed values are read (docs/results.md, "Fidelity ablation").</summary>
public enum Table5Reading
{
    /// <summary>
    /// As printed, but Adam's β1, β2 and ϵ moved into Table 4's search space (β1 = 0.9 fixed, β2 ∈ {0.99, 0.999},
    /// ϵ ∈ {10⁻⁴, 10⁻⁶, 10⁻⁸}): the default. The printed MNIST-FC target-propagation columns collapse otherwise.
    /// </summary>
    SearchSpace,

    /// <summary>Every value exactly as printed.</summary>
    AsPrinted,

    /// <summary>
    /// Every value moved into Table 4's space: Adam's β and ϵ as <see cref="SearchSpace"/>, and the learning rates, α and
    /// σ clamped into [10⁻⁵, 3·10⁻⁴], [0.01, 0.2] and [0.01, 0.3] — what a random search in Table 4 could have drawn.
    /// </summary>
    Table4,
}
