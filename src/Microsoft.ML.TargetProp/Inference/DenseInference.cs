using System;
using System.Threading.Tasks;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Inference;

/// <summary>
/// Managed fully-connected layer, W [out, in] row-major. Blocks of examples go through a 4-row SIMD kernel (a weight row
/// is loaded once for four examples); a single example of a large layer is split over the cores.
/// </summary>
internal sealed class DenseInference : InferenceLayer
{
    private const long ParallelSingleRowWork = 1 << 20;

    private readonly float[] _weight;
    private readonly float[] _bias;

    public DenseInference(LayerParameters parameters, int inputSize, int outputSize, Activation? activation) : base(inputSize, outputSize, activation)
    {
        // Copies: the model's public arrays may be changed by a caller; scoring must not change with them.
        _weight = (float[])parameters.Weight.Clone();
        _bias = (float[])parameters.Bias.Clone();
    }

    protected override void Linear(ReadOnlySpan<float> input, int rows, Span<float> output, Span<float> scratch)
    {
        int n = InputSize;
        if (rows == 1 && (long)n * OutputSize >= ParallelSingleRowWork && Environment.ProcessorCount > 1)
        {
            SingleRowParallel(input[..n].ToArray(), output);
            return;
        }
        DotKernels.MatMulTransposed(_weight, _bias, OutputSize, n, input, rows, output, OutputSize, 0, 1);
    }

    private void SingleRowParallel(float[] input, Span<float> output)
    {
        int n = InputSize, outputs = OutputSize;
        int chunks = Math.Min(Environment.ProcessorCount * 2, outputs);
        var result = new float[outputs];
        Parallel.For(0, chunks, c =>
        {
            int start = (int)((long)outputs * c / chunks), end = (int)((long)outputs * (c + 1) / chunks);
            for (int o = start; o < end; o++)
                result[o] = DotKernels.Dot1(_weight.AsSpan(o * n, n), input) + _bias[o];
        });
        result.CopyTo(output);
    }
}
