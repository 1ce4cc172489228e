using System;
using System.Numerics.Tensors;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>One layer of the managed forward pass: h_l = φ(W_l h_{l-1} + b_l) on a block of examples stored row after row.</summary>
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

    /// <summary>φ, or null for the linear output layer.</summary>
    public Activation? Activation { get; }

    /// <summary>True when h_l is stored channels-last (H, W, C) between layers instead of in the model's (C, H, W) order.</summary>
    public virtual bool ChannelsLast => false;

    /// <summary>Scratch floats <see cref="Forward"/> needs per example.</summary>
    public virtual int ScratchSize => 0;

    /// <summary>Computes h_l of <paramref name="rows"/> examples from their h_{l-1}.</summary>
    public void Forward(ReadOnlySpan<float> input, int rows, Span<float> output, Span<float> scratch)
    {
        Linear(input, rows, output, scratch);
        var values = output[..(rows * OutputSize)];
        switch (Activation)
        {
            case Model.Activation.Tanh: TensorPrimitives.Tanh(values, values); break;
            case Model.Activation.Relu: TensorPrimitives.Max(values, 0f, values); break;
        }
    }

    /// <summary>Writes h_l of <paramref name="rows"/> examples, as <see cref="Forward"/> stored them, in the model's order.</summary>
    public virtual void ToModelOrder(ReadOnlySpan<float> values, int rows, Span<float> target) => values[..(rows * OutputSize)].CopyTo(target);

    /// <summary>a_l = W_l h_{l-1} + b_l for each example.</summary>
    protected abstract void Linear(ReadOnlySpan<float> input, int rows, Span<float> output, Span<float> scratch);
}
