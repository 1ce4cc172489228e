namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// Where Adam's ϵ enters the step. The paper's experiments ran on TensorFlow, whose Adam adds ϵ ("ϵ-hat" in Kingma
/// and Ba's section 2) to √v before the bias correction; PyTorch adds it to √v̂ after. They differ only while the bias
/// correction matters and where ϵ is not small next to √v — Table 5 has ϵ up to 10⁻³.
/// </summary>
public enum AdamEpsilonMode
{
    /// <summary>θ ← θ − lr · m̂ / (√v̂ + ϵ) (PyTorch, Kingma and Ba's Algorithm 1).</summary>
    PyTorch,

    /// <summary>θ ← θ − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ϵ̂) (TensorFlow's tf.train.AdamOptimizer).</summary>
    TensorFlow,
}
