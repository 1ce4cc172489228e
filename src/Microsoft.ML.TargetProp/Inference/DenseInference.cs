using System;
using System.Threading.Tasks;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>
/// Managed fully-connected layer, W [out, in] row-major in the model, packed into <see cref="PanelKernel"/> panels at
/// construction. A block of examples goes through the register-blocked tiles; a single example of a large layer is
/// split over the cores by panels.
/// </summary>
internal sealed class DenseInference : InferenceLayer
{
    private const long ParallelSingleRowWork = 1 << 20;

    private readonly PackedLinear _linear;

    /// <summary>
    /// Packs the layer's weights (copies: scoring must not change when a caller changes the model's arrays). A
    /// <paramref name="channelsLastInput"/> shape says the input comes from a locally-connected layer stored (H, W, C):
    /// the weight columns are permuted to that order here, once.
    /// </summary>
    public DenseInference(LayerParameters parameters, int inputSize, int outputSize, ImageShape? channelsLastInput, Activation? activation, PanelKernel.Path path)
        : base(inputSize, outputSize, activation)
    {
        var weight = parameters.Weight;
        var bias = parameters.Bias;
        Func<int, int> modelIndex = q => q;
        if (channelsLastInput is { } shape)
        {
            int c = shape.Channels, plane = shape.Height * shape.Width;
            modelIndex = q => (q % c) * plane + q / c;   // q = (h·W + w)·C + c  →  (c·H + h)·W + w
        }
        _linear = new PackedLinear(1, outputSize, inputSize, (_, o, q) => weight[(long)o * inputSize + modelIndex(q)], (_, o) => bias[o], path);
    }

    protected override void Linear(ReadOnlySpan<float> input, int rows, Span<float> output, Span<float> scratch)
    {
        int n = InputSize;
        if (rows == 1 && (long)n * OutputSize >= ParallelSingleRowWork && Environment.ProcessorCount > 1 && _linear.Panels > 1)
        {
            SingleRowParallel(input[..n].ToArray(), output);
            return;
        }
        _linear.Multiply(0, input, n, rows, output, OutputSize, 1);
    }

    private void SingleRowParallel(float[] input, Span<float> output)
    {
        int panels = _linear.Panels, outputs = OutputSize;
        int chunks = Math.Min(Environment.ProcessorCount * 2, panels);
        var result = new float[outputs];
        Parallel.For(0, chunks, c =>
        {
            int first = (int)((long)panels * c / chunks), end = (int)((long)panels * (c + 1) / chunks);
            _linear.Multiply(0, input, input.Length, 1, result, outputs, 1, first, end);
        });
        result.CopyTo(output);
    }
}
