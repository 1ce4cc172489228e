using System;
using System.Linq;
using Microsoft.ML.TargetProp.Inference;
using Microsoft.ML.TargetProp.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Inference;

/// <summary>The managed locally-connected layer against a naive loop over its definition, with strides, padding and odd sizes, on every kernel path.</summary>
[TestClass]
public sealed class LocallyConnectedInferenceTests
{
    [TestMethod]
    [DataRow(3, 5, 2, 3, 9, 11, DisplayName = "lc(3x3,5,2) on 3×9×11")]
    [DataRow(2, 7, 1, 2, 5, 6, DisplayName = "lc(2x2,7): padding after only")]
    [DataRow(5, 33, 3, 2, 7, 8, DisplayName = "lc(5x5,33,3): more than one panel")]
    [DataRow(3, 32, 2, 1, 28, 28, DisplayName = "lc(3x3,32,2) on 1×28×28 (MNIST-LC's first layer)")]
    public void MatchesTheNaiveLoop(int kernel, int channels, int stride, int inChannels, int height, int width)
    {
        var spec = new LocallyConnectedLayerSpec(kernel, channels, stride);
        var input = new ImageShape(inChannels, height, width);
        var output = spec.OutputShape(input);
        int locations = output.Height * output.Width, patch = inChannels * kernel * kernel;
        var random = new Random(kernel * 100 + channels);
        var parameters = new LayerParameters(Random(random, locations * patch * channels), Random(random, channels * locations));
        foreach (int rows in new[] { 1, 3, 8, 17 })
        {
            var x = Random(random, rows * input.Size);
            var expected = Naive(parameters, spec, input, x, rows);
            foreach (bool channelsLastInput in new[] { false, true })
            {
            float[]? first = null;
            foreach (var path in Enum.GetValues<PanelKernel.Path>())
            {
                var layer = new LocallyConnectedInference(parameters, spec, input, channelsLastInput, activation: null, path);
                var stored = new float[rows * output.Size];
                layer.Forward(channelsLastInput ? ChannelsLast(x, input, rows) : x, rows, stored, new float[rows * layer.ScratchSize]);
                CollectionAssert.AreEqual(ChannelsLast(ModelOrder(layer, stored, rows), output, rows), stored, "the layer stores its output channels-last");
                var y = ModelOrder(layer, stored, rows);
                for (int i = 0; i < y.Length; i++)
                    Assert.AreEqual(expected[i], y[i], 1e-5 * (1 + Math.Abs(expected[i])) + 1e-6 * patch, $"{path}, {rows} rows, channels-last input {channelsLastInput}: value {i}");
                first ??= y;
                CollectionAssert.AreEqual(first, y, $"{path}, {rows} rows, channels-last input {channelsLastInput}: every path gives the same bits");
            }
            }
        }
    }

    private static float[] ModelOrder(LocallyConnectedInference layer, float[] stored, int rows)
    {
        var y = new float[stored.Length];
        layer.ToModelOrder(stored, rows, y);
        return y;
    }

    /// <summary>(C, H, W) images as (H, W, C).</summary>
    internal static float[] ChannelsLast(float[] x, ImageShape shape, int rows)
    {
        var y = new float[x.Length];
        int plane = shape.Height * shape.Width;
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < shape.Channels; c++)
        for (int l = 0; l < plane; l++)
            y[r * shape.Size + l * shape.Channels + c] = x[r * shape.Size + c * plane + l];
        return y;
    }

    /// <summary>y[r, o, i, j] = b[o, l] + Σ_{c, a, e} W[l, (c, a, e), o] · x[r, c, i·s + a − top, j·s + e − left], zero outside the image.</summary>
    internal static float[] Naive(LayerParameters parameters, LocallyConnectedLayerSpec spec, ImageShape input, float[] x, int rows)
    {
        var output = spec.OutputShape(input);
        int k = spec.Kernel, locations = output.Height * output.Width, patch = input.Channels * k * k, top = spec.Padding(input.Height).Before, left = spec.Padding(input.Width).Before;
        var y = new float[rows * output.Size];
        for (int r = 0; r < rows; r++)
        for (int o = 0; o < output.Channels; o++)
        for (int i = 0; i < output.Height; i++)
        for (int j = 0; j < output.Width; j++)
        {
            int l = i * output.Width + j;
            double sum = parameters.Bias[o * locations + l];
            for (int c = 0; c < input.Channels; c++)
            for (int a = 0; a < k; a++)
            for (int e = 0; e < k; e++)
            {
                int row = i * spec.Stride + a - top, column = j * spec.Stride + e - left;
                if (row < 0 || row >= input.Height || column < 0 || column >= input.Width) continue;
                sum += (double)parameters.Weight[((long)l * patch + (c * k + a) * k + e) * output.Channels + o]
                    * x[r * input.Size + (c * input.Height + row) * input.Width + column];
            }
            y[r * output.Size + (o * output.Height + i) * output.Width + j] = (float)sum;
        }
        return y;
    }

    private static float[] Random(Random random, int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}
