using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Shared machinery of DTP, SDTP and AO-SDTP. Subclasses choose the penultimate target ĥ_{L-1}; lower targets use the
/// difference correction ĥ_l = h_l − g_{l+1}(h_{l+1}) + g_{l+1}(ĥ_{l+1}) (optionally mixed with backprop's Jacobian,
/// section 5.6). Layer l &lt; L minimises ½‖h_l − ĥ_l‖² (batch mean), the output layer the task loss; each inverse
/// g_l minimises ½‖target − g_l(f_l(h_{l-1} + ϵ))‖² with ϵ ~ N(0, σ²).
/// </summary>
public abstract class TargetPropagation : LearningAlgorithm
{
    private readonly InverseLayer?[] _inverses;
    private readonly ModuleList<InverseLayer> inverses;

    /// <summary>Creates inverses for layers 1 … <paramref name="lastInverse"/> (0-based layer indices; the output layer of <paramref name="network"/> gets <paramref name="outputExtraInputs"/> more inputs).</summary>
    protected TargetPropagation(AlgorithmDescriptor rule, TargetPropNetwork network, double sigma, double bpMix, Generator? generator,
        int lastInverse, int outputExtraInputs = 0) : base(rule, network)
    {
        if (!(sigma >= 0)) throw new ArgumentOutOfRangeException(nameof(sigma), $"Sigma must be ≥ 0; got {sigma}.");
        if (!(bpMix >= 0 && bpMix <= 1)) throw new ArgumentOutOfRangeException(nameof(bpMix), $"BpMix must be in [0, 1]; got {bpMix}.");
        Sigma = sigma;
        BpMix = bpMix;
        var layers = network.Layers;
        _inverses = new InverseLayer?[layers.Count];
        var list = new List<InverseLayer>();
        for (int i = 1; i <= lastInverse; i++)
        {
            var targetActivation = layers[i - 1].Activation!.Value;
            int extra = i == layers.Count - 1 ? outputExtraInputs : 0;
            _inverses[i] = layers[i].CreateInverse(targetActivation, generator, extra);
            _inverses[i]!.Precision = layers[i].Precision;
            list.Add(_inverses[i]!);
        }
        inverses = new ModuleList<InverseLayer>(list.ToArray());
        register_module("inverses", inverses);
    }

    /// <summary>σ, the standard deviation of the corruption ϵ used to train inverses.</summary>
    public double Sigma { get; }

    /// <summary>
    /// When true the corruption is ϵ ~ N(0, (σ·std(h_{l-1}))²), σ relative to the batch's activity scale, instead of the
    /// paper's absolute N(0, σ²).
    /// </summary>
    public bool RelativeSigma { get; set; }

    /// <summary>a in g = a·g_bp + (1 − a)·g_tp (section 5.6); 0 is pure target propagation.</summary>
    public double BpMix { get; }

    /// <summary>The inverse g_l of 0-based layer <paramref name="layer"/> (maps its output back to its input), or null.</summary>
    public InverseLayer? Inverse(int layer) => _inverses[layer];

    /// <inheritdoc />
    public override IEnumerable<Parameter> InverseParameters => inverses.parameters();

    /// <summary>True (default) when the inverses are trained (λ with <see cref="HyperParameters.Inverse"/> in the inverse phase); false keeps them at their random initial values.</summary>
    protected virtual bool TrainsInverses => true;

    /// <inheritdoc />
    public override IEnumerable<ParameterGroup> ParameterGroups(HyperParameters hyperParameters)
    {
        foreach (var group in base.ParameterGroups(hyperParameters)) yield return group;
        if (TrainsInverses) yield return new ParameterGroup("λ", InverseParameters.ToArray(), hyperParameters.Inverse, TrainingPhase.Inverse);
    }

    /// <summary>True for DTP's noise-preserving loss ‖h̃ − g(f(h̃))‖²; false for the de-noising ‖h − g(f(h̃))‖².</summary>
    protected abstract bool NoisePreserving { get; }

    /// <summary>ĥ_{L-1}, the target of the penultimate layer.</summary>
    protected abstract Tensor PenultimateTarget(ForwardPass pass, Tensor taskTargets);

    /// <summary>Multiply-adds per example of <see cref="PenultimateTarget"/>'s matrix products.</summary>
    protected abstract long PenultimateTargetMultiplyAdds();

    /// <inheritdoc />
    public override long StepMultiplyAdds()
    {
        var layers = Network.Layers;
        long total = base.StepMultiplyAdds() + PenultimateTargetMultiplyAdds();
        for (int i = 1; i < layers.Count; i++)
        {
            var g = _inverses[i];
            if (i < layers.Count - 1)
            {
                if (BpMix > 0) total += layers[i].MultiplyAdds;                 // W_lᵀ δ in the hybrid correction
                if (BpMix < 1 && g is not null) total += 2 * g.MultiplyAdds;    // g_l(h_l) and g_l(ĥ_l)
            }
            if (g is not null && TrainsInverses) total += layers[i].MultiplyAdds + 2 * g.MultiplyAdds;   // f_l(h_{l-1} + ϵ), g_l(f) and ∂/∂V_l
        }
        return total;
    }

    /// <summary>What the inverse of the output layer receives for output logits <paramref name="logits"/> of penultimate activity <paramref name="penultimate"/>.</summary>
    protected virtual Tensor OutputCode(Tensor logits, Tensor penultimate) => OutputCode(logits);

    /// <summary>All targets ĥ_1 … ĥ_{L-1} (index l − 1), computed without gradient.</summary>
    public Tensor[] Targets(ForwardPass pass, Tensor taskTargets)
    {
        using var _ = no_grad();
        var layers = Network.Layers;
        int last = layers.Count - 1;
        var targets = new Tensor[last];
        targets[last - 1] = PenultimateTarget(pass, taskTargets);
        for (int j = last - 1; j >= 1; j--)
            targets[j - 1] = PropagateTarget(j, pass, targets[j]);
        return targets;
    }

    /// <summary>
    /// The difference-corrected target of the input of 0-based layer <paramref name="layer"/>:
    /// ĥ_{l-1} = h_{l-1} − g_l(h_l) + g_l(<paramref name="outputTarget"/>) (mixed with g_bp when <see cref="BpMix"/> &gt; 0).
    /// </summary>
    public Tensor PropagateTarget(int layer, ForwardPass pass, Tensor outputTarget)
    {
        using var _ = no_grad();
        using var correction = Correction(layer, pass.Outputs[layer], outputTarget);
        return pass.Outputs[layer - 1] - correction;
    }

    /// <summary>The difference g(h) − g(ĥ) for layer <paramref name="layer"/>, mixing g_bp and g_tp by <see cref="BpMix"/>.</summary>
    private Tensor Correction(int layer, Tensor h, Tensor target)
    {
        var fwd = Network.Layers[layer];
        Tensor? tp = null, bp = null;
        if (BpMix < 1)
        {
            var g = _inverses[layer] ?? throw new InvalidOperationException($"Layer {layer} has no inverse.");
            using var gh = g.forward(h);
            using var gt = g.forward(target);
            tp = gh - gt;
        }
        if (BpMix > 0)
        {
            using var diff = h - target;
            using var dsigma = Activations.Derivative(fwd.Activation!.Value, h);
            using var delta = diff * dsigma;
            bp = fwd.TransposeLinear(delta, fwd.Weight);
        }
        return Mix(bp, tp);
    }

    /// <summary>a·bp + (1 − a)·tp, disposing the parts.</summary>
    protected Tensor Mix(Tensor? bp, Tensor? tp)
    {
        if (bp is null) return tp!;
        if (tp is null) return bp;
        using (bp) using (tp)
        {
            using var a = BpMix.ToScalar();
            using var b = (1 - BpMix).ToScalar();
            return bp.mul(a).add_(tp, b);
        }
    }

    /// <summary>Backprop's penultimate correction W_Lᵀ(p − y) = ∂ℓ/∂h_{L-1} per example.</summary>
    protected Tensor OutputGradient(ForwardPass pass, Tensor taskTargets)
    {
        var output = Network.Layers[^1];
        using var e = OutputError(pass, taskTargets);
        return output.TransposeLinear(e, output.Weight);
    }

    /// <inheritdoc />
    public override Tensor ForwardLoss(ForwardPass pass, Tensor taskTargets, LayerDiagnostics? diagnostics = null)
    {
        var targets = Targets(pass, taskTargets);
        var loss = TaskLoss(pass.Output, taskTargets);
        for (int j = 0; j < targets.Length; j++)
        {
            using (targets[j])
            {
                if (diagnostics is not null)
                {
                    using var _ = no_grad();
                    using var d = pass.Outputs[j] - targets[j];
                    using var norms = d.flatten(1).norm(1);
                    diagnostics.TargetDistance[j] = norms.mean().item<float>();
                }
                using var local = LocalSquaredError(pass.Outputs[j], targets[j]);
                var next = loss + local;
                loss.Dispose();
                loss = next;
            }
        }
        return loss;
    }

    /// <inheritdoc />
    public override Tensor? InverseLoss(ForwardPass pass, Generator? generator)
    {
        if (!TrainsInverses) return null;
        var layers = Network.Layers;
        Tensor? total = null;
        for (int i = 1; i < layers.Count; i++)
        {
            var g = _inverses[i];
            if (g is null) continue;
            var h = pass.Inputs[i];
            Tensor corrupted, code;
            using (no_grad())
            {
                if (Sigma > 0)
                {
                    using var noise = randn(h.shape, generator: generator, device: h.device);
                    if (RelativeSigma)
                    {
                        using var std = h.std();
                        noise.mul_(std);
                        using var sigma = Sigma.ToScalar();
                        corrupted = h.add(noise, sigma);
                    }
                    else
                    {
                        using var sigma = Sigma.ToScalar();
                        corrupted = h.add(noise, sigma);
                    }
                }
                else
                {
                    corrupted = h.alias();
                }
                using var f = layers[i].forward(corrupted);
                code = i == layers.Count - 1 ? OutputCode(f, corrupted) : f.alias();
            }
            using (corrupted)
            using (code)
            using (var reconstruction = g.forward(code))
            {
                var term = LocalSquaredError(NoisePreserving ? corrupted : h, reconstruction);
                if (total is null) total = term;
                else { var t = total + term; total.Dispose(); term.Dispose(); total = t; }
            }
        }
        return total;
    }

    /// <inheritdoc />
    public override double?[] ReconstructionErrors(ForwardPass pass)
    {
        using var _ = no_grad();
        var layers = Network.Layers;
        var errors = new double?[layers.Count];
        for (int i = 1; i < layers.Count; i++)
        {
            var g = _inverses[i];
            if (g is null) continue;
            using var code = i == layers.Count - 1 ? OutputCode(pass.Outputs[i], pass.Inputs[i]) : pass.Outputs[i].alias();
            using var r = g.forward(code);
            using var e = HalfSquaredError(pass.Inputs[i], r);
            errors[i] = e.item<float>();
        }
        return errors;
    }
}
