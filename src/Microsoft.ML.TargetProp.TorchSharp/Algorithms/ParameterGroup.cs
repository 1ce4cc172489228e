using System.Collections.Generic;
using Microsoft.ML.TargetProp.Model;
using TorchSharp.Modules;

namespace Microsoft.ML.TargetProp.TorchSharp.Algorithms;

/// <summary>Which pass of the schedule trains a <see cref="ParameterGroup"/>: the forward step (θ) or the inverse step (λ).</summary>
public enum TrainingPhase
{
    /// <summary>Trained by the forward loss, every minibatch (and in the forward pass of the alternating schedule).</summary>
    Forward,

    /// <summary>Trained by the inverse loss (in the inverse pass of the alternating schedule).</summary>
    Inverse,
}

/// <summary>Parameters a learning rule trains with one Adam optimizer: θ, λ, or state of the rule's own (Kolen–Pollack's B_l).</summary>
/// <param name="Name">A short name for errors and docs ("θ", "λ", "B").</param>
/// <param name="Parameters">The tensors the optimizer updates (each needs its gradient after the phase's backward pass).</param>
/// <param name="Adam">The optimizer's settings.</param>
/// <param name="Phase">The schedule phase that trains them.</param>
/// <param name="WeightDecay">Decoupled weight decay: θ ← θ − lr·λ_wd·θ before each Adam step (0: none).</param>
public sealed record ParameterGroup(string Name, IReadOnlyList<Parameter> Parameters, AdamSettings Adam, TrainingPhase Phase, double WeightDecay = 0);
