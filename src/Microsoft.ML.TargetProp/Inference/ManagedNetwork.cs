using System;
using System.Linq;
using System.Numerics.Tensors;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>
/// The forward pass of a trained network in plain .NET (a register-blocked AVX-512/AVX2/NEON kernel, System.Numerics.Tensors),
/// so scoring needs no libtorch. Batches are processed in blocks of <see cref="BlockRows"/> examples, blocks in parallel. Immutable
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
    public ManagedNetwork(TargetPropModelParameters model) : this(model, PanelKernel.Preferred)
    {
    }

    /// <summary>Builds the forward pass of <paramref name="model"/> on an explicit kernel <paramref name="path"/> (tests run every path on any machine).</summary>
    internal ManagedNetwork(TargetPropModelParameters model, PanelKernel.Path path)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        var shapes = model.LayerInputShapes;
        var spec = model.Network;
        _layers = new InferenceLayer[model.Layers.Count];
        bool channelsLast = false;   // how the previous layer stores its output
        for (int i = 0; i < spec.HiddenLayers.Count; i++)
        {
            _layers[i] = spec.HiddenLayers[i] switch
            {
                LocallyConnectedLayerSpec lc => new LocallyConnectedInference(model.Layers[i], lc, shapes[i], channelsLast, spec.Activation, path),
                _ => new DenseInference(model.Layers[i], shapes[i].Size, shapes[i + 1].Size, channelsLast ? shapes[i] : null, spec.Activation, path),
            };
            channelsLast = _layers[i].ChannelsLast;
        }
        _layers[^1] = new DenseInference(model.Layers[^1], shapes[^1].Size, model.Classes, channelsLast ? shapes[^1] : null, activation: null, path);
        _bufferSize = _layers.Max(l => Math.Max(l.InputSize, l.OutputSize));
        _scratchSize = _layers.Max(l => l.ScratchSize);
        _single = new ThreadLocal<float[]>(() => new float[2 * _bufferSize + _scratchSize]);
        _block = new ThreadLocal<float[]>(() => new float[BlockRows * (2 * _bufferSize + _scratchSize)]);
    }

    /// <summary>The model computed.</summary>
    public TargetPropModelParameters Model { get; }

    /// <summary>Number of input values (C·H·W).</summary>
    public int InputSize => Model.InputShape.Size;

    /// <summary>Number of classes K (output units; the input size for an autoencoder).</summary>
    public int Classes => Model.Classes;

    /// <summary>Number of layers L (hidden layers plus the output layer).</summary>
    public int LayerCount => _layers.Length;

    /// <summary>Number of values in the output h_l of 0-based layer <paramref name="layer"/>.</summary>
    public int OutputSizeOf(int layer) => _layers[CheckLayer(layer)].OutputSize;

    /// <summary>
    /// Writes the output of 0-based layer <paramref name="layer"/> for one example: φ(a_l) for a hidden layer (e.g. an
    /// autoencoder's code), the linear a_L for the last.
    /// </summary>
    public void Activations(ReadOnlySpan<float> input, int layer, Span<float> activations)
    {
        CheckLayer(layer);
        if (input.Length != InputSize)
            throw new ArgumentException($"The network expects {InputSize} input values ({Model.InputShape}); got {input.Length}.", nameof(input));
        if (activations.Length < _layers[layer].OutputSize)
            throw new ArgumentException($"The output span holds {activations.Length} values; {_layers[layer].OutputSize} are needed.", nameof(activations));
        Run(input, 1, layer, activations, _single.Value!);
    }

    /// <summary>
    /// As <see cref="Activations(ReadOnlySpan{float}, int, Span{float})"/>, also copying the output of an earlier layer
    /// <paramref name="captureLayer"/> to <paramref name="captured"/> in the same pass (e.g. an autoencoder's code and its reconstruction).
    /// </summary>
    public void Activations(ReadOnlySpan<float> input, int layer, Span<float> activations, int captureLayer, Span<float> captured)
    {
        CheckCapture(layer, captureLayer, captured.Length, 1);
        if (input.Length != InputSize)
            throw new ArgumentException($"The network expects {InputSize} input values ({Model.InputShape}); got {input.Length}.", nameof(input));
        if (activations.Length < _layers[layer].OutputSize)
            throw new ArgumentException($"The output span holds {activations.Length} values; {_layers[layer].OutputSize} are needed.", nameof(activations));
        Run(input, 1, layer, activations, _single.Value!, captureLayer, captured);
    }

    /// <summary>The output of layer <paramref name="layer"/> for <paramref name="count"/> examples stored row after row; blocks run in parallel.</summary>
    public void ActivationsBatch(ReadOnlyMemory<float> inputs, int count, int layer, Memory<float> activations, int? maxDegreeOfParallelism = null)
    {
        int size = OutputSizeOf(layer);
        ForBlocks(inputs, count, activations, size, maxDegreeOfParallelism, (input, rows, output, work) => Run(input, rows, layer, output, work));
    }

    /// <summary>
    /// As <see cref="ActivationsBatch(ReadOnlyMemory{float}, int, int, Memory{float}, int?)"/>, also copying the outputs of
    /// an earlier layer <paramref name="captureLayer"/> to <paramref name="captured"/> (row after row) in the same pass.
    /// </summary>
    public void ActivationsBatch(ReadOnlyMemory<float> inputs, int count, int layer, Memory<float> activations, int captureLayer, Memory<float> captured, int? maxDegreeOfParallelism = null)
    {
        int size = OutputSizeOf(layer);
        CheckCapture(layer, captureLayer, captured.Length, count);
        int captureSize = _layers[captureLayer].OutputSize;
        ForBlocks(inputs, count, activations, size, maxDegreeOfParallelism, (input, rows, output, work, start) =>
            Run(input, rows, layer, output, work, captureLayer, captured.Span.Slice(start * captureSize, rows * captureSize)));
    }

    private void CheckCapture(int layer, int captureLayer, int capturedLength, int count)
    {
        CheckLayer(layer);
        if (captureLayer < 0 || captureLayer >= layer)
            throw new ArgumentOutOfRangeException(nameof(captureLayer), $"The captured layer must come before layer {layer}; got {captureLayer}.");
        if (capturedLength < (long)count * _layers[captureLayer].OutputSize)
            throw new ArgumentException($"{count} examples need {(long)count * _layers[captureLayer].OutputSize} captured values; got {capturedLength}.", "captured");
    }

    private int CheckLayer(int layer) => (uint)layer < (uint)_layers.Length ? layer
        : throw new ArgumentOutOfRangeException(nameof(layer), $"Layer index must be in [0, {_layers.Length - 1}]; got {layer}.");

    /// <summary>Writes the logits a_L of one example to <paramref name="logits"/>.</summary>
    public void Logits(ReadOnlySpan<float> input, Span<float> logits)
    {
        if (input.Length != InputSize)
            throw new ArgumentException($"The network expects {InputSize} input values ({Model.InputShape}); got {input.Length}.", nameof(input));
        if (logits.Length < Classes)
            throw new ArgumentException($"The output span holds {logits.Length} values; {Classes} are needed.", nameof(logits));
        Run(input, 1, _layers.Length - 1, logits, _single.Value!);
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
        int last = _layers.Length - 1;
        ForBlocks(inputs, count, probabilities, Classes, maxDegreeOfParallelism, (input, rows, output, work) =>
        {
            Run(input, rows, last, output, work);
            for (int r = 0; r < rows; r++)
                TensorPrimitives.SoftMax(output.Slice(r * Classes, Classes), output.Slice(r * Classes, Classes));
        });
    }

    private delegate void BlockAction(ReadOnlySpan<float> input, int rows, Span<float> output, float[] work);

    private delegate void OffsetBlockAction(ReadOnlySpan<float> input, int rows, Span<float> output, float[] work, int start);

    private void ForBlocks(ReadOnlyMemory<float> inputs, int count, Memory<float> outputs, int outputSize, int? maxDegreeOfParallelism, BlockAction action) =>
        ForBlocks(inputs, count, outputs, outputSize, maxDegreeOfParallelism, (input, rows, output, work, _) => action(input, rows, output, work));

    /// <summary>Checks the buffers and runs <paramref name="action"/> over blocks of <see cref="BlockRows"/> examples in parallel.</summary>
    private void ForBlocks(ReadOnlyMemory<float> inputs, int count, Memory<float> outputs, int outputSize, int? maxDegreeOfParallelism, OffsetBlockAction action)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"count must be ≥ 0; got {count}.");
        if (inputs.Length < (long)count * InputSize) throw new ArgumentException($"{count} examples need {(long)count * InputSize} input values; got {inputs.Length}.", nameof(inputs));
        if (outputs.Length < (long)count * outputSize) throw new ArgumentException($"{count} examples need {(long)count * outputSize} output values; got {outputs.Length}.", nameof(outputs));
        int blocks = (count + BlockRows - 1) / BlockRows;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Environment.ProcessorCount };
        Parallel.For(0, blocks, options, block =>
        {
            int start = block * BlockRows, rows = Math.Min(BlockRows, count - start);
            action(inputs.Span.Slice(start * InputSize, rows * InputSize), rows, outputs.Span.Slice(start * outputSize, rows * outputSize), _block.Value!, start);
        });
    }

    /// <summary>
    /// Runs layers 0 … <paramref name="lastLayer"/> on <paramref name="rows"/> examples, writing the last one's output to
    /// <paramref name="output"/> and, when <paramref name="captureLayer"/> ≥ 0, that layer's output to <paramref name="capture"/>,
    /// both in the model's order (layers may store theirs channels-last in between).
    /// </summary>
    private void Run(ReadOnlySpan<float> input, int rows, int lastLayer, Span<float> output, float[] work, int captureLayer = -1, Span<float> capture = default)
    {
        int size = rows * _bufferSize;
        var a = work.AsSpan(0, size);
        var b = work.AsSpan(size, size);
        var scratch = work.AsSpan(2 * size, rows * _scratchSize);
        ReadOnlySpan<float> current = input;
        for (int i = 0; i <= lastLayer; i++)
        {
            var layer = _layers[i];
            bool direct = i == lastLayer && !layer.ChannelsLast;
            var target = (direct ? output : i % 2 == 0 ? a : b)[..(rows * layer.OutputSize)];
            layer.Forward(current, rows, target, scratch);
            if (i == lastLayer && !direct) layer.ToModelOrder(target, rows, output);
            if (i == captureLayer) layer.ToModelOrder(target, rows, capture);
            current = target;
        }
    }
}
