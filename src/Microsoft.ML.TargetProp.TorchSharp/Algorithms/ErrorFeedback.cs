using System;
using System.Collections.Generic;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>
/// Shared machinery of FA and DFA: the output error δa_L = e/N is sent to the hidden layers through fixed random
/// matrices (how is the subclass's <see cref="HiddenDeltas"/>), and each θ_l then moves along δa_l ∂a_l/∂θ_l through the
/// loss Σ_l ⟨a_l, δa_l⟩ with every δ held fixed.
/// </summary>
public abstract class ErrorFeedback : LearningAlgorithm
{
    /// <summary>Creates the rule for <paramref name="network"/>.</summary>
    protected ErrorFeedback(AlgorithmDescriptor rule, TargetPropNetwork network) : base(rule, network)
    {
    }

    /// <summary>Fills δa_0 … δa_{L-2} (0-based) of <paramref name="deltas"/>, whose last entry holds δa_{L-1} = e/N, for task targets <paramref name="taskTargets"/>; runs under no_grad.</summary>
    protected abstract void HiddenDeltas(ForwardPass pass, Tensor taskTargets, Tensor[] deltas);

    /// <inheritdoc />
    public override Tensor ForwardLoss(ForwardPass pass, Tensor taskTargets, LayerDiagnostics? diagnostics = null)
    {
        var deltas = new Tensor[Network.Layers.Count];
        using (no_grad())
        {
            using var e = OutputError(pass, taskTargets);
            using var n = ((double)pass.BatchSize).ToScalar();
            deltas[^1] = e.div(n);
            HiddenDeltas(pass, taskTargets, deltas);
        }
        return DeltaLoss(pass, deltas);
    }

    /// <summary>
    /// Layer by layer from the top: δa_{l-1} = (B_lᵀ δa_l) ⊙ σ′(a_{l-1}) with B_l = <paramref name="feedback"/>(l), shaped
    /// like W_l (FA's fixed matrices, Kolen–Pollack's trained ones, sign symmetry's s·sign(W_l)). A feedback tensor is
    /// disposed after use when <paramref name="disposeFeedback"/> is true (one made per step).
    /// </summary>
    protected void ChainDeltas(ForwardPass pass, Tensor[] deltas, Func<int, Tensor> feedback, bool disposeFeedback = false)
    {
        var layers = Network.Layers;
        for (int i = layers.Count - 1; i > 0; i--)
        {
            var b = feedback(i);
            try
            {
                using var dh = layers[i].TransposeLinear(deltas[i], b);
                using var dsigma = Activations.Derivative(layers[i - 1].Activation!.Value, pass.Outputs[i - 1]);
                deltas[i - 1] = dh * dsigma;
            }
            finally
            {
                if (disposeFeedback) b.Dispose();
            }
        }
    }

    /// <summary>
    /// Every hidden layer from one signal s [N, K]: δa_l = (s B_l) ⊙ σ′(a_l), B_l = <paramref name="projections"/>[l] of
    /// shape [K, size of h_l] (DFA's s is the output error e/N, DRTP's the one-hot target).
    /// </summary>
    protected void ProjectDeltas(ForwardPass pass, Tensor[] deltas, Tensor signal, IReadOnlyList<Tensor> projections)
    {
        var layers = Network.Layers;
        for (int i = 0; i < layers.Count - 1; i++)
        {
            using var projected = signal.mm(projections[i]);
            using var shaped = BatchShapes.Reshape(projected, layers[i].OutputShape);
            using var dsigma = Activations.Derivative(layers[i].Activation!.Value, pass.Outputs[i]);
            deltas[i] = shaped * dsigma;
        }
    }

    /// <summary>Σ_l ⟨a_l, δa_l⟩ with δ fixed: its gradient with respect to θ_l is δa_l ∂a_l/∂θ_l. Disposes the deltas.</summary>
    private static Tensor DeltaLoss(ForwardPass pass, IReadOnlyList<Tensor> deltas)
    {
        Tensor? total = null;
        for (int i = 0; i < deltas.Count; i++)
        {
            using var product = pass.PreActivations[i] * deltas[i];
            var term = product.sum();
            if (total is null) total = term;
            else { var t = total + term; total.Dispose(); term.Dispose(); total = t; }
            deltas[i].Dispose();
        }
        return total!;
    }
}
