using System;
using System.Numerics.Tensors;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>Managed fully-connected layer: each output is a SIMD dot product of a row of W [out, in] with the input.</summary>
internal sealed class DenseInference : InferenceLayer
{
    private readonly float[] _weight;
    private readonly float[] _bias;

    public DenseInference(LayerParameters parameters, int inputSize, int outputSize, Activation? activation) : base(inputSize, outputSize, activation)
    {
        _weight = parameters.Weight;
        _bias = parameters.Bias;
    }

    protected override void Linear(ReadOnlySpan<float> input, Span<float> output, Span<float> scratch)
    {
        int n = InputSize;
        for (int o = 0; o < OutputSize; o++)
            output[o] = TensorPrimitives.Dot(_weight.AsSpan(o * n, n), input) + _bias[o];
    }
}
