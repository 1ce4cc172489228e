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
    private readonly bool _layerLocal;

    internal ForwardPass(Tensor input, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> preActivations, IReadOnlyList<Tensor> outputs, bool layerLocal)
    {
        Input = input;
        Inputs = inputs;
        PreActivations = preActivations;
        Outputs = outputs;
        _layerLocal = layerLocal;
    }

    /// <summary>h_0, the batch of examples.</summary>
    public Tensor Input { get; }

    /// <summary>h_{l-1} for each layer (detached in a layer-local pass).</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>a_l = W_l h_{l-1} + b_l for each layer.</summary>
    public IReadOnlyList<Tensor> PreActivations { get; }

    /// <summary>h_l = φ(a_l) for each layer; the last one is the logits.</summary>
    public IReadOnlyList<Tensor> Outputs { get; }

    /// <summary>True when no gradient crosses layers.</summary>
    [Obsolete("Unused by the library; the algorithm's IsLayerLocal decides how the pass is run. Will be removed.")]
    public bool LayerLocal => _layerLocal;

    /// <summary>Number of layers L.</summary>
    public int Count => Outputs.Count;

    /// <summary>The network output h_L: a classifier's logits, an autoencoder's reconstruction.</summary>
    public Tensor Output => Outputs[^1];

    /// <summary>The network output h_L (named for classifiers; an autoencoder's is a reconstruction).</summary>
    [Obsolete("Use Output: for an autoencoder h_L is a reconstruction, not logits. Will be removed.")]
    public Tensor Logits => Output;

    /// <summary>The batch size N.</summary>
    public long BatchSize => Input.shape[0];

    /// <summary>h_l for a 1-based layer index l (h_0 = the input).</summary>
    [Obsolete("Use Inputs[l - 1] (h_{l-1} as layer l reads it) or Outputs[l - 1]. Will be removed.")]
    public Tensor H(int l) => l == 0 ? Input : Outputs[l - 1];

    /// <summary>Softmax of the logits, detached.</summary>
    [Obsolete("Use Output.softmax(1) under no_grad(); for an autoencoder the output is a reconstruction, not probabilities. Will be removed.")]
    public Tensor Probabilities()
    {
        using var _ = no_grad();
        return Output.softmax(1);
    }
}
