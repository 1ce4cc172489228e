using System;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Sign symmetry (Liao, Leibo &amp; Poggio 2016), biotorch's "uSF": δa_{l-1} = (B_lᵀ δa_l) ⊙ σ′(a_{l-1}) with
/// B_l = s·sign(W_l) recomputed every step: the feedback shares W_l's signs, not its magnitudes. s is the standard
/// deviation of W_l's Glorot initialisation, √(2/(fan_in + fan_out)), times <see cref="Scale"/>.
/// </summary>
public class SignSymmetry : ErrorFeedback
{
    private readonly double[] _scale;

    /// <summary>The multiplier of s.</summary>
    public static AlgorithmSetting Scale { get; } = new(nameof(Scale), 1.0, 1e-6, 1e6,
        "sign symmetry's feedback magnitude: B_l = Scale·√(2/(fan_in + fan_out))·sign(W_l)") { SearchRange = null };

    /// <summary>Creates sign symmetry with feedback magnitude <paramref name="scale"/>·√(2/(fan_in + fan_out)).</summary>
    public SignSymmetry(TargetPropNetwork network, double scale = 1.0) : base(Descriptor, network)
    {
        Scale.Validate(scale, nameof(scale));
        _scale = network.Layers.Select(l => scale * Math.Sqrt(2.0 / (l.FanIn + l.InitFanOut))).ToArray();
    }

    /// <summary>Sign symmetry in the <see cref="AlgorithmRegistry"/>: no Table 5 column, so it starts from FA's.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new("SignSymmetry", "sign", "Sign symmetry",
        c => new SignSymmetry(c.Network, AlgorithmDescriptor.Value(c.HyperParameters, Scale)))
    {
        Table5Column = AlgorithmKind.FeedbackAlignment,
        Settings = [Scale],
        Summary = "sign symmetry (Liao et al. 2016; biotorch's uSF): feedback s·sign(W_l)",
    };

    /// <inheritdoc />
    public override long StepMultiplyAdds() => base.StepMultiplyAdds() + Network.Layers.Skip(1).Sum(l => l.MultiplyAdds);   // B_lᵀ δ_l

    /// <summary>B_l for 0-based layer <paramref name="layer"/> (shaped like W_l), from the current W_l.</summary>
    public virtual Tensor Feedback(int layer)
    {
        using var _ = no_grad();
        using var sign = Network.Layers[layer].Weight.sign();
        using var s = _scale[layer].ToScalar();
        return sign.mul(s);
    }

    /// <inheritdoc />
    protected override void HiddenDeltas(ForwardPass pass, Tensor taskTargets, Tensor[] deltas) =>
        ChainDeltas(pass, deltas, Feedback, disposeFeedback: true);
}
