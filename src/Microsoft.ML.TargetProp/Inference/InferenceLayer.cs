using System;
using System.Numerics.Tensors;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>One layer of the managed forward pass: h_l = σ(W_l h_{l-1} + b_l) on a single example.</summary>
internal abstract class InferenceLayer
{
    protected InferenceLayer(int inputSize, int outputSize, Activation? activation)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Activation = activation;
    }

    /// <summary>Size of h_{l-1}.</summary>
    public int InputSize { get; }

    /// <summary>Size of h_l.</summary>
    public int OutputSize { get; }

    /// <summary>σ, or null for the linear output layer.</summary>
    public Activation? Activation { get; }

    /// <summary>Scratch floats <see cref="Forward"/> needs.</summary>
    public virtual int ScratchSize => 0;

    /// <summary>Computes h_l from h_{l-1}.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        Linear(input, output, scratch);
        switch (Activation)
        {
            case Model.Activation.Tanh: TensorPrimitives.Tanh(output, output); break;
            case Model.Activation.Relu: TensorPrimitives.Max(output, 0f, output); break;
        }
    }

    /// <summary>a_l = W_l h_{l-1} + b_l.</summary>
    protected abstract void Linear(ReadOnlySpan<float> input, Span<float> output, Span<float> scratch);
}
