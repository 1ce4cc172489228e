using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// A learning rule as a strategy over one <see cref="TargetPropNetwork"/>: it turns a forward pass into a loss whose
/// gradient is the rule's update for the forward weights θ, and (for target propagation) a loss for the inverse
/// weights λ. Its own state (feedback matrices, inverses) lives in this module, so it is saved with checkpoints.
/// </summary>
public abstract class LearningAlgorithm : nn.Module
{
    /// <summary>Creates the algorithm for <paramref name="network"/>.</summary>
    protected LearningAlgorithm(string name, TargetPropNetwork network) : base(name)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
    }

    /// <summary>The network trained.</summary>
    public TargetPropNetwork Network { get; }

    /// <summary>Which algorithm this is.</summary>
    public abstract AlgorithmKind Kind { get; }

    /// <summary>True when no gradient crosses layers (every algorithm but BP), so the forward pass detaches h_{l-1}.</summary>
    public virtual bool IsLayerLocal => true;

    /// <summary>True when the algorithm trains inverses g_l (target propagation).</summary>
    public virtual bool HasInverses => false;

    /// <summary>The inverse parameters λ (empty unless <see cref="HasInverses"/>).</summary>
    public virtual IEnumerable<Parameter> InverseParameters => Enumerable.Empty<Parameter>();

    /// <summary>
    /// The loss whose gradient with respect to θ is this algorithm's update, for <paramref name="pass"/> on a batch with
    /// class indices <paramref name="labels"/> [N]. Targets are computed with the current inverses.
    /// <paramref name="diagnostics"/>, when given, receives the target distances ‖ĥ_l − h_l‖.
    /// </summary>
    public abstract Tensor ForwardLoss(ForwardPass pass, Tensor labels, LayerDiagnostics? diagnostics = null);

    /// <summary>The inverse loss Σ_l L_l^inv(λ_l) on <paramref name="pass"/>; null when there are no inverses.</summary>
    public virtual Tensor? InverseLoss(ForwardPass pass, Generator? generator) => null;

    /// <summary>Reconstruction error ½·mean‖h_{l-1} − g_l(h_l)‖² of each inverse without noise (null where a layer has none).</summary>
    public virtual double?[] ReconstructionErrors(ForwardPass pass) => new double?[pass.Count];

    /// <summary>Mean cross-entropy over the batch, the task loss L.</summary>
    protected static Tensor TaskLoss(Tensor logits, Tensor labels) => F.cross_entropy(logits, labels);

    /// <summary>∂ℓ_i/∂a_L of each example's cross-entropy with respect to the logits: softmax − one-hot (not divided by N).</summary>
    protected Tensor OutputError(ForwardPass pass, Tensor labels)
    {
        using var _ = no_grad();
        using var p = pass.Logits.softmax(1);
        using var y = OneHot(labels);
        return p - y;
    }

    /// <summary>One-hot rows for class indices, as float.</summary>
    protected Tensor OneHot(Tensor labels) => F.one_hot(labels, Network.Classes).to_type(Network.Layers[0].Weight.dtype);

    /// <summary>½·mean over the batch of Σ_units (a − b)²: the local squared-L2 loss (the ½ makes section 5.6's identity exact).</summary>
    protected static Tensor HalfSquaredError(Tensor a, Tensor b)
    {
        using var d = a - b;
        using var s = d.square().sum();
        using var half = (0.5 / a.shape[0]).ToScalar();
        return s.mul(half);
    }
}
