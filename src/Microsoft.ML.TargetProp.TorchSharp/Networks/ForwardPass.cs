using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Networks;

/// <summary>
/// The activities of one forward pass, per layer l = 1 … L (index l − 1): the input h_{l-1}, the pre-activation a_l and
/// the output h_l. In a layer-local pass each h_{l-1} is detached, so a loss on layer l only reaches θ_l.
/// </summary>
public sealed class ForwardPass
{
    internal ForwardPass(Tensor input, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> preActivations, IReadOnlyList<Tensor> outputs, bool layerLocal)
    {
        Input = input;
        Inputs = inputs;
        PreActivations = preActivations;
        Outputs = outputs;
        LayerLocal = layerLocal;
    }

    /// <summary>h_0, the batch of examples.</summary>
    public Tensor Input { get; }

    /// <summary>h_{l-1} for each layer (detached in a layer-local pass).</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>a_l = W_l h_{l-1} + b_l for each layer.</summary>
    public IReadOnlyList<Tensor> PreActivations { get; }

    /// <summary>h_l = σ(a_l) for each layer; the last one is the logits.</summary>
    public IReadOnlyList<Tensor> Outputs { get; }

    /// <summary>True when no gradient crosses layers.</summary>
    public bool LayerLocal { get; }

    /// <summary>Number of layers L.</summary>
    public int Count => Outputs.Count;

    /// <summary>The network output (logits) h_L.</summary>
    public Tensor Logits => Outputs[^1];

    /// <summary>The batch size N.</summary>
    public long BatchSize => Input.shape[0];

    /// <summary>h_l for a 1-based layer index l (h_0 = the input).</summary>
    public Tensor H(int l) => l == 0 ? Input : Outputs[l - 1];

    /// <summary>Softmax of the logits, detached.</summary>
    public Tensor Probabilities()
    {
        using var _ = no_grad();
        return Logits.softmax(1);
    }

    internal static ForwardPass Empty(Tensor input) => new(input, Array.Empty<Tensor>(), Array.Empty<Tensor>(), Array.Empty<Tensor>(), true);
}
