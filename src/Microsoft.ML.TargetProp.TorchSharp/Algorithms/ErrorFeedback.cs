using System.Collections.Generic;
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
