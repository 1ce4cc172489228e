using System;
using System.Linq;
using System.Numerics.Tensors;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>
/// The forward pass of a trained network in plain .NET (System.Numerics.Tensors and AVX2/FMA SIMD), so scoring needs
/// no libtorch. Batches are processed in blocks of <see cref="BlockRows"/> examples, blocks in parallel. Immutable
/// and thread-safe: every call uses its own buffers.
/// </summary>
public sealed class ManagedNetwork
{
    /// <summary>Examples per block of the batched pass.</summary>
    public const int BlockRows = 16;

    private readonly InferenceLayer[] _layers;
    private readonly int _bufferSize;
    private readonly int _scratchSize;
    private readonly ThreadLocal<float[]> _single;
    private readonly ThreadLocal<float[]> _block;

    /// <summary>Builds the forward pass of <paramref name="model"/>.</summary>
    public ManagedNetwork(TargetPropModelParameters model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        var shapes = model.LayerInputShapes;
        var spec = model.Network;
        _layers = new InferenceLayer[model.Layers.Count];
        for (int i = 0; i < spec.HiddenLayers.Count; i++)
        {
            _layers[i] = spec.HiddenLayers[i] switch
            {
                LocallyConnectedLayerSpec lc => new LocallyConnectedInference(model.Layers[i], lc, shapes[i], spec.Activation),
                _ => new DenseInference(model.Layers[i], shapes[i].Size, shapes[i + 1].Size, spec.Activation),
            };
        }
        _layers[^1] = new DenseInference(model.Layers[^1], shapes[^1].Size, model.Classes, activation: null);
        _bufferSize = _layers.Max(l => Math.Max(l.InputSize, l.OutputSize));
        _scratchSize = _layers.Max(l => l.ScratchSize);
        _single = new ThreadLocal<float[]>(() => new float[2 * _bufferSize + _scratchSize]);
        _block = new ThreadLocal<float[]>(() => new float[BlockRows * (2 * _bufferSize + _scratchSize)]);
    }

    /// <summary>The model computed.</summary>
    public TargetPropModelParameters Model { get; }

    /// <summary>Number of input values (C·H·W).</summary>
    public int InputSize => Model.InputShape.Size;

    /// <summary>Number of classes K.</summary>
    public int Classes => Model.Classes;

    /// <summary>Writes the logits a_L of one example to <paramref name="logits"/>.</summary>
    public void Logits(ReadOnlySpan<float> input, Span<float> logits)
    {
        if (input.Length != InputSize)
            throw new ArgumentException($"The network expects {InputSize} input values ({Model.InputShape}); got {input.Length}.", nameof(input));
        if (logits.Length < Classes)
            throw new ArgumentException($"The output span holds {logits.Length} values; {Classes} are needed.", nameof(logits));
        Run(input, 1, logits, _single.Value!);
    }

    /// <summary>Writes the class probabilities softmax(a_L) of one example to <paramref name="probabilities"/>.</summary>
    public void Predict(ReadOnlySpan<float> input, Span<float> probabilities)
    {
        Logits(input, probabilities);
        TensorPrimitives.SoftMax(probabilities[..Classes], probabilities[..Classes]);
    }

    /// <summary>Class probabilities of <paramref name="count"/> examples stored row after row; blocks run in parallel.</summary>
    public void PredictBatch(ReadOnlyMemory<float> inputs, int count, Memory<float> probabilities, int? maxDegreeOfParallelism = null)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"count must be ≥ 0; got {count}.");
        if (inputs.Length < (long)count * InputSize) throw new ArgumentException($"{count} examples need {(long)count * InputSize} input values; got {inputs.Length}.", nameof(inputs));
        if (probabilities.Length < (long)count * Classes) throw new ArgumentException($"{count} examples need {(long)count * Classes} output values; got {probabilities.Length}.", nameof(probabilities));
        int blocks = (count + BlockRows - 1) / BlockRows;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Environment.ProcessorCount };
        Parallel.For(0, blocks, options, block =>
        {
            int start = block * BlockRows, rows = Math.Min(BlockRows, count - start);
            var output = probabilities.Span.Slice(start * Classes, rows * Classes);
            Run(inputs.Span.Slice(start * InputSize, rows * InputSize), rows, output, _block.Value!);
            for (int r = 0; r < rows; r++)
                TensorPrimitives.SoftMax(output.Slice(r * Classes, Classes), output.Slice(r * Classes, Classes));
        });
    }

    private void Run(ReadOnlySpan<float> input, int rows, Span<float> logits, float[] work)
    {
        int size = rows * _bufferSize;
        var a = work.AsSpan(0, size);
        var b = work.AsSpan(size, size);
        var scratch = work.AsSpan(2 * size, rows * _scratchSize);
        ReadOnlySpan<float> current = input;
        for (int i = 0; i < _layers.Length; i++)
        {
            var layer = _layers[i];
            var target = i == _layers.Length - 1 ? logits[..(rows * Classes)] : (i % 2 == 0 ? a : b)[..(rows * layer.OutputSize)];
            layer.Forward(current, rows, target, scratch);
            current = target;
        }
    }
}
