using System;
using Microsoft.ML.TargetProp.Model;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>φ and its derivative φ′ expressed through h = φ(a), as needed by FA, DFA and the g_bp Jacobians.</summary>
public static class Activations
{
    /// <summary>φ(a).</summary>
    public static Tensor Apply(Activation activation, Tensor a) => activation switch
    {
        Activation.Tanh => a.tanh(),
        Activation.Relu => a.relu(),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };

    /// <summary>φ′(a) computed from h = φ(a): 1 − h² for tanh, 1[h &gt; 0] for relu.</summary>
    public static Tensor Derivative(Activation activation, Tensor h) => activation switch
    {
        Activation.Tanh => h.square().neg_().add_(TorchScalars.One, TorchScalars.One),
        Activation.Relu => h.gt(0).to_type(h.dtype),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
