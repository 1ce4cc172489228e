using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// A learning rule as a strategy over one <see cref="TargetPropNetwork"/>: it turns a forward pass into a loss whose
/// gradient is the rule's update for the forward weights θ, and (for target propagation) a loss for the inverse
/// weights λ. Its own state (feedback matrices, inverses) lives in this module, so it is saved with checkpoints.
/// </summary>
public abstract class LearningAlgorithm : nn.Module
{
    /// <summary>Creates the rule <paramref name="rule"/> describes for <paramref name="network"/>.</summary>
    protected LearningAlgorithm(AlgorithmDescriptor rule, TargetPropNetwork network) : base((rule ?? throw new ArgumentNullException(nameof(rule))).Name)
    {
        Rule = rule;
        Network = network ?? throw new ArgumentNullException(nameof(network));
    }

    /// <summary>The network trained.</summary>
    public TargetPropNetwork Network { get; }

    /// <summary>What the registry knows of this rule: its name, settings and Table 5 column.</summary>
    public AlgorithmDescriptor Rule { get; }

    /// <summary>True when no gradient crosses layers (every algorithm but BP), so the forward pass detaches h_{l-1}.</summary>
    public virtual bool IsLayerLocal => true;

    /// <summary>The inverse parameters λ (empty for a rule without trained inverses).</summary>
    public virtual IEnumerable<Parameter> InverseParameters => Enumerable.Empty<Parameter>();

    /// <summary>
    /// What the rule trains, each group with its own Adam: by default θ (the network's weights and biases) with
    /// <see cref="HyperParameters.Forward"/> in the forward phase. Target propagation adds λ in the inverse phase; a rule
    /// may add parameters of its own (Kolen–Pollack's feedback B_l), whose gradients <see cref="CompleteGradients"/> may set.
    /// </summary>
    public virtual IEnumerable<ParameterGroup> ParameterGroups(HyperParameters hyperParameters)
    {
        ArgumentNullException.ThrowIfNull(hyperParameters);
        yield return new ParameterGroup("θ", Network.ForwardParameters.ToArray(), hyperParameters.Forward, TrainingPhase.Forward);
    }

    /// <summary>
    /// Called after the forward phase's backward pass and before its optimizer steps: a rule whose own parameters get
    /// their gradients by a rule rather than by autograd sets them here (Kolen–Pollack: ∂B_l = ∂W_l). Default: nothing.
    /// </summary>
    public virtual void CompleteGradients() { }

    /// <summary>
    /// The loss whose gradient with respect to θ is this algorithm's update, for <paramref name="pass"/> on a batch with
    /// task targets <paramref name="taskTargets"/>: class indices [N], or the inputs for an autoencoder (see
    /// <see cref="TaskObjective"/>). Layer targets ĥ_l are computed with the current inverses.
    /// <paramref name="diagnostics"/>, when given, receives the target distances ‖ĥ_l − h_l‖.
    /// </summary>
    public abstract Tensor ForwardLoss(ForwardPass pass, Tensor taskTargets, LayerDiagnostics? diagnostics = null);

    /// <summary>The inverse loss Σ_l L_l^inv(λ_l) on <paramref name="pass"/>; null when there are no inverses.</summary>
    public virtual Tensor? InverseLoss(ForwardPass pass, Generator? generator) => null;

    /// <summary>Reconstruction error ½·mean‖h_{l-1} − g_l(h_l)‖² of each inverse without noise (null where a layer has none).</summary>
    public virtual double?[] ReconstructionErrors(ForwardPass pass) => new double?[pass.Count];

    /// <summary>
    /// Multiply-adds per example of one training step's matrix products, counted from the layer shapes (a cost model
    /// for comparing algorithms, not a measurement). Every algorithm pays h_l = f_l(h_{l-1}) and ∂/∂W_l for each layer;
    /// overrides add what the rule itself multiplies (W_lᵀ δ, feedback B_l, targets, inverses g_l).
    /// </summary>
    public virtual long StepMultiplyAdds() => Network.Layers.Sum(l => 2 * l.MultiplyAdds);

    /// <summary>The task loss L averaged over the batch (cross-entropy, or ½‖h_L − x‖² for an autoencoder).</summary>
    protected Tensor TaskLoss(Tensor output, Tensor taskTargets) => Network.Objective.Loss(output, taskTargets);

    /// <summary>e = ∂ℓ_i/∂a_L of each example's task loss with respect to the linear output (softmax − one-hot, or h_L − x; not divided by N).</summary>
    protected Tensor OutputError(ForwardPass pass, Tensor taskTargets) => Network.Objective.OutputError(pass.Output, taskTargets);

    /// <summary>ô = argmin_o L(o): the one-hot label, or the input itself for an autoencoder.</summary>
    protected Tensor OptimalOutput(Tensor taskTargets) => Network.Objective.OptimalOutput(taskTargets, Network.OutputSize, Network.Layers[0].Weight.dtype);

    /// <summary>What g_L reads for the output h_L: softmax(a_L), or h_L itself for an autoencoder.</summary>
    protected Tensor OutputCode(Tensor output) => Network.Objective.OutputCode(output);

    /// <summary>Scale of the squared-L2 layer and inverse losses (default ½·Σ_units, batch mean); descriptors set it from <see cref="AlgorithmContext.LocalLoss"/>.</summary>
    public LocalLossScale LocalLoss { get; set; } = LocalLossScale.HalfSum;

    /// <summary>½·mean over the batch of Σ_units (a − b)²: the local squared-L2 loss (the ½ makes section 5.6's identity exact).</summary>
    protected static Tensor HalfSquaredError(Tensor a, Tensor b) => SquaredError(a, b, LocalLossScale.HalfSum);

    /// <summary>The squared-L2 loss between <paramref name="a"/> and <paramref name="b"/> scaled by <see cref="LocalLoss"/>.</summary>
    protected Tensor LocalSquaredError(Tensor a, Tensor b) => SquaredError(a, b, LocalLoss);

    private static Tensor SquaredError(Tensor a, Tensor b, LocalLossScale scale)
    {
        using var d = a - b;
        using var s = d.square().sum();
        double perExample = scale switch
        {
            LocalLossScale.HalfSum => 0.5,
            LocalLossScale.Sum => 1.0,
            LocalLossScale.Mean => 1.0 / (a.numel() / a.shape[0]),
            _ => throw new ArgumentOutOfRangeException(nameof(scale), scale, "Unknown loss scale."),
        };
        using var factor = (perExample / a.shape[0]).ToScalar();
        return s.mul(factor);
    }
}
