using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Kolen–Pollack (Akrout et al. 2019, "Deep Learning without Weight Transport"): errors flow down as in FA,
/// δa_{l-1} = (B_lᵀ δa_l) ⊙ σ′(a_{l-1}), but B_l is trained with the transpose of W_l's update and both decay:
/// ΔW_l = −η(δa_l h_{l-1}ᵀ) − ηλW_l, ΔB_lᵀ = the same with B_lᵀ. So W_l − B_lᵀ shrinks by (1 − ηλ) every step and
/// B_l → W_lᵀ without any weight transport. With Adam (elementwise) B_l takes W_l's exact Adam step; the decay is
/// decoupled (AdamW), on weights and feedback, not biases, as in the reference code.
/// </summary>
public sealed class KolenPollack : ErrorFeedback
{
    private readonly Parameter?[] _feedback;

    /// <summary>λ, the decoupled weight decay of W_l and B_l.</summary>
    public static AlgorithmSetting WeightDecay { get; } = new(nameof(WeightDecay), 1.0, 0, 1e3,
        "Kolen–Pollack's weight decay λ of W_l and B_l (decoupled: θ ← θ − lr·λ·θ each step), which makes B_l → W_lᵀ")
    { SearchRange = (0.1, 10) };

    /// <summary>Creates Kolen–Pollack with feedback B_l drawn like FA's (Glorot-random, shaped like W_l) from <paramref name="generator"/>.</summary>
    public KolenPollack(TargetPropNetwork network, Generator? generator) : base(Descriptor, network)
    {
        var layers = network.Layers;
        _feedback = new Parameter?[layers.Count];
        for (int i = 1; i < layers.Count; i++)
        {
            _feedback[i] = new Parameter(layers[i].CreateFeedback(generator));
            register_parameter($"feedback_{i}", _feedback[i]!);
        }
    }

    /// <summary>Kolen–Pollack in the <see cref="AlgorithmRegistry"/>: no Table 5 column, so it starts from FA's.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new("KolenPollack", "kp", "KP", c => new KolenPollack(c.Network, c.Generator))
    {
        Table5Column = AlgorithmKind.FeedbackAlignment,
        Settings = [WeightDecay],
        Summary = "Kolen–Pollack (Akrout et al. 2019): FA whose feedback B_l takes W_l's update transposed, both with weight decay",
    };

    /// <summary>The feedback matrix B_l of layer index <paramref name="layer"/> (0-based; none for the first layer), shaped like W_l.</summary>
    public Tensor Feedback(int layer) => _feedback[layer]!;

    /// <inheritdoc />
    public override long StepMultiplyAdds() => base.StepMultiplyAdds() + Network.Layers.Skip(1).Sum(l => l.MultiplyAdds);   // B_lᵀ δ_l

    /// <summary>W with decay λ, biases without, and B with W's Adam settings and decay λ: all in the forward phase.</summary>
    public override IEnumerable<ParameterGroup> ParameterGroups(HyperParameters hyperParameters)
    {
        double decay = AlgorithmDescriptor.Value(hyperParameters, WeightDecay);
        var layers = Network.Layers;
        yield return new ParameterGroup("W", layers.Select(l => l.Weight).ToArray(), hyperParameters.Forward, TrainingPhase.Forward, decay);
        yield return new ParameterGroup("b", layers.Select(l => l.Bias).ToArray(), hyperParameters.Forward, TrainingPhase.Forward);
        yield return new ParameterGroup("B", _feedback.Skip(1).Select(b => b!).ToArray(), hyperParameters.Forward, TrainingPhase.Forward, decay);
    }

    /// <summary>∂B_l = ∂W_l (B_l is stored in W_l's shape, so the transposed update is the same tensor).</summary>
    public override void CompleteGradients()
    {
        using var _ = no_grad();
        var layers = Network.Layers;
        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].Weight.grad is not { } g) continue;
            if (_feedback[i]!.grad is { } existing) existing.copy_(g);
            else _feedback[i]!.grad = g.clone();
        }
    }

    /// <inheritdoc />
    protected override void HiddenDeltas(ForwardPass pass, Tensor taskTargets, Tensor[] deltas) =>
        ChainDeltas(pass, deltas, i => _feedback[i]!);
}
