using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Onnx;

/// <summary>
/// Writes a trained network's forward pass as standard ONNX operators (opset 9 and later): dense layers as Gemm,
/// locally-connected layers as a Gather of precomputed patch indices, a batched MatMul with the per-location weights
/// [L, C·k·k, O] and a bias Add (zero padding folded into the weights: a padded tap has weight 0), then Tanh or Relu.
/// </summary>
internal sealed class NetworkOnnxWriter
{
    private readonly TargetPropModelParameters _model;

    public NetworkOnnxWriter(TargetPropModelParameters model) => _model = model;

    /// <summary>How locally-connected layers are written (tpnet bench measures both in ONNX Runtime).</summary>
    public enum LocallyConnectedForm
    {
        /// <summary>Gather → Transpose to [L, N, P] → MatMul with [L, P, O] → Transpose to [N, O, L] (opset 9+).</summary>
        TransposedMatMul,

        /// <summary>Gather → Einsum "nlp,lpo-&gt;nol" (opset 12).</summary>
        Einsum,
    }

    /// <summary>The form used by exports in this process (default <see cref="LocallyConnectedForm.TransposedMatMul"/>, see docs/performance.md).</summary>
    public static LocallyConnectedForm Form { get; set; } = LocallyConnectedForm.TransposedMatMul;

    /// <summary>
    /// Adds the layers 1 … <paramref name="lastLayer"/> (0-based) to <paramref name="graph"/> reading <paramref name="input"/>
    /// (any shape with C·H·W values per row); returns the variable of every layer's output h_l, [N, size], up to it.
    /// </summary>
    public string[] WriteLayers(IOnnxGraph graph, string input, int lastLayer)
    {
        var shapes = _model.Network.Shapes(_model.InputShape);
        var outputs = new List<string>();
        string h = Reshape(graph, input, _model.InputShape.Size, "Input");
        int hidden = _model.Network.HiddenLayers.Count;
        for (int i = 0; i <= lastLayer; i++)
        {
            var parameters = _model.Layers[i];
            var activation = i < hidden ? _model.Network.Activation : (Activation?)null;
            string a = i < hidden && _model.Network.HiddenLayers[i] is LocallyConnectedLayerSpec lc
                ? LocallyConnected(graph, h, lc, shapes[i], parameters, i)
                : Dense(graph, h, parameters, shapes[i].Size, i == hidden ? _model.Classes : ((DenseLayerSpec)_model.Network.HiddenLayers[i]).Units, i);
            h = activation switch
            {
                Activation.Tanh => Unary(graph, "Tanh", a, i),
                Activation.Relu => Unary(graph, "Relu", a, i),
                null => a,
                var other => throw new NotSupportedException($"Layer {i + 1}: activation {other} has no ONNX export."),
            };
            outputs.Add(h);
        }
        return outputs.ToArray();
    }

    /// <summary>Score = Softmax(logits) and PredictedLabel = ArgMax + 1 as a UInt32 key [N, 1], as ML.NET's multiclass scorers export it.</summary>
    public static void WriteClassifierOutputs(IOnnxGraph graph, string logits, string score, string predictedLabel)
    {
        graph.Node("Softmax", new[] { logits }, new[] { score }, ("axis", 1L));
        string index = graph.Temporary("ArgMax");
        graph.Node("ArgMax", new[] { logits }, new[] { index }, ("axis", 1L), ("keepdims", 1L));
        string one = graph.Longs("KeyOffset", new long[] { 1 }, new long[] { 1 });
        string key = graph.Temporary("Key");
        graph.Node("Add", new[] { index, one }, new[] { key });
        graph.Node("Cast", new[] { key }, new[] { predictedLabel }, ("to", typeof(uint)));
    }

    /// <summary><paramref name="input"/> reshaped to [N, <paramref name="size"/>] (or to [N, …<paramref name="dims"/>]) into <paramref name="output"/> (a new temporary when null).</summary>
    public static string Reshape(IOnnxGraph graph, string input, long size, string hint, long[]? dims = null, string? output = null)
    {
        var shape = new[] { -1L }.Concat(dims ?? new[] { size }).ToArray();
        string target = graph.Longs(hint + "Shape", shape, new long[] { shape.Length });
        output ??= graph.Temporary(hint + "Flat");
        graph.Node("Reshape", new[] { input, target }, new[] { output });
        return output;
    }

    private static string Unary(IOnnxGraph graph, string op, string input, int layer)
    {
        string output = graph.Temporary($"Layer{layer + 1}{op}");
        graph.Node(op, new[] { input }, new[] { output });
        return output;
    }

    private static string Dense(IOnnxGraph graph, string h, LayerParameters p, int inputs, int units, int layer)
    {
        string w = graph.Floats($"Layer{layer + 1}W", p.Weight, new long[] { units, inputs });   // [out, in]
        string b = graph.Floats($"Layer{layer + 1}B", p.Bias, new long[] { units });
        string a = graph.Temporary($"Layer{layer + 1}Gemm");
        graph.Node("Gemm", new[] { h, w, b }, new[] { a }, ("transB", 1L));
        return a;
    }

    private static string LocallyConnected(IOnnxGraph graph, string h, LocallyConnectedLayerSpec spec, ImageShape input, LayerParameters p, int layer)
    {
        var output = spec.OutputShape(input);
        int k = spec.Kernel, locations = output.Height * output.Width, patch = input.Channels * k * k, channels = output.Channels;
        var (padTop, _) = spec.Padding(input.Height);
        var (padLeft, _) = spec.Padding(input.Width);
        // Flat input index of every tap (c, ky, kx) of every location, in unfold's order; a tap in the zero padding
        // reads index 0 and gets weight 0, so no Pad node is needed (and opset 9 suffices).
        var indices = new long[(long)locations * patch];
        var weight = (float[])p.Weight.Clone();   // [L, P, O]
        for (int oy = 0; oy < output.Height; oy++)
        for (int ox = 0; ox < output.Width; ox++)
        {
            int l = oy * output.Width + ox;
            for (int c = 0; c < input.Channels; c++)
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int tap = (c * k + ky) * k + kx;
                int y = oy * spec.Stride - padTop + ky, x = ox * spec.Stride - padLeft + kx;
                bool inside = y >= 0 && y < input.Height && x >= 0 && x < input.Width;
                indices[(long)l * patch + tap] = inside ? ((long)c * input.Height + y) * input.Width + x : 0;
                if (!inside) Array.Clear(weight, (l * patch + tap) * channels, channels);
            }
        }
        string name = $"Layer{layer + 1}";
        string gathered = graph.Temporary(name + "Patches");
        graph.Node("Gather", new[] { h, graph.Longs(name + "PatchIndex", indices, new long[] { indices.Length }) }, new[] { gathered }, ("axis", 1L));
        string patches = Reshape(graph, gathered, 0, name + "Patch", new long[] { locations, patch });                      // [N, L, P]
        string w = graph.Floats(name + "W", weight, new long[] { locations, patch, channels });
        string b = graph.Floats(name + "B", p.Bias, new long[] { (long)channels * locations });   // bias [O, H', W']
        string a = graph.Temporary(name + "Linear");
        if (Form == LocallyConnectedForm.Einsum)
        {
            graph.RequireOpset(12, "TargetProp locally-connected layer as Einsum");
            string planarEinsum = graph.Temporary(name + "Einsum");
            graph.Node("Einsum", new[] { patches, w }, new[] { planarEinsum }, ("equation", "nlp,lpo->nol"));                   // [N, O, L]
            graph.Node("Add", new[] { Reshape(graph, planarEinsum, (long)channels * locations, name + "Out"), b }, new[] { a });
            return a;
        }
        string byLocation = graph.Temporary(name + "ByLocation");
        graph.Node("Transpose", new[] { patches }, new[] { byLocation }, ("perm", new long[] { 1, 0, 2 }));                // [L, N, P]
        string product = graph.Temporary(name + "MatMul");
        graph.Node("MatMul", new[] { byLocation, w }, new[] { product });   // [L, N, O]
        string planar = graph.Temporary(name + "Planar");
        graph.Node("Transpose", new[] { product }, new[] { planar }, ("perm", new long[] { 1, 2, 0 }));                  // [N, O, L]
        string flat = Reshape(graph, planar, (long)channels * locations, name + "Out");
        graph.Node("Add", new[] { flat, b }, new[] { a });
        return a;
    }
}
