using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.ML.TargetProp.Transforms;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary>The measurements behind <c>tpnet bench</c>'s rows: matmul, forward, Adam, LC layers beside their bare bmm, copy bandwidth, training steps, malloc, scoring, ONNX Runtime and memory.</summary>
public static partial class BenchCommand
{
    private static double Median(Func<double> measure, int repeats, int warmup)
    {
        for (int i = 0; i < warmup; i++) measure();
        return StepProfiler.MedianOf(Enumerable.Range(0, repeats).Select(_ => measure()).ToArray());
    }

    private static double Time(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static double MatmulGflops(int repeats, int warmup, ScalarType dtype = ScalarType.Float32)
    {
        using var a = rand(2048, 2048, dtype: dtype);
        using var b = rand(2048, 2048, dtype: dtype);
        double seconds = Median(() => Time(() => { using var c = a.mm(b); }), repeats, warmup);
        return 2.0 * 2048 * 2048 * 2048 / seconds / 1e9;
    }

    private static double ForwardSeconds(NetworkPreset preset, int batch, int repeats, int warmup)
    {
        using var net = new TargetPropNetwork(preset.Network, preset.InputShape, preset.Classes, new Generator(0, CPU));
        using var x = rand(batch, preset.InputShape.Size);
        using var _ = no_grad();
        return Median(() => Time(() => { using var scope = NewDisposeScope(); net.forward(x); }), repeats, warmup);
    }

    /// <summary>The preset's parameter count and the median milliseconds of one Adam step over all of them, with random gradients.</summary>
    private static (long Weights, double Milliseconds) AdamMilliseconds(NetworkPreset preset, bool fused, int repeats, int warmup)
    {
        using var net = new TargetPropNetwork(preset.Network, preset.InputShape, preset.Classes, new Generator(0, CPU));
        var parameters = net.parameters().ToArray();
        foreach (var p in parameters) p.grad = randn_like(p).DetachFromDisposeScope();
        using var adam = new AdamOptimizer(parameters, new AdamSettings(1e-4)) { UseFusedKernel = fused };
        return (parameters.Sum(p => p.numel()), 1000 * Median(() => Time(adam.Step), repeats, warmup));
    }

    private static IEnumerable<(string Name, double Gflops)> LocallyConnectedGflops(NetworkPreset preset, int batch, int repeats, int warmup, ScalarType dtype)
    {
        var shapes = preset.Network.Shapes(preset.InputShape);
        for (int i = 0; i < preset.Network.HiddenLayers.Count; i++)
        {
            if (preset.Network.HiddenLayers[i] is not LocallyConnectedLayerSpec spec) continue;
            using var layer = new LocallyConnected2d(spec, shapes[i], Activation.Tanh, new Generator(0, CPU));
            layer.to(dtype);
            // As in training: the first layer's input is the data, so its backward is ∂W alone (2 products, not 3).
            bool input = i > 0;
            using var x = rand(new long[] { batch, shapes[i].Channels, shapes[i].Height, shapes[i].Width }, dtype: dtype, requires_grad: input);
            var geometry = layer.Geometry;
            double macs = (double)geometry.Locations * batch * geometry.PatchSize * geometry.Output.Channels;
            double seconds = Median(() => Time(() =>
            {
                using var scope = NewDisposeScope();
                var y = layer.Linear(x);
                y.backward(new[] { ones_like(y) });
                layer.zero_grad();
                x.grad?.zero_();
            }), repeats, warmup);
            yield return ($"LC layer {i + 1} {spec}{(input ? "" : " (∂W only)")}", 2 * (input ? 3 : 2) * macs / seconds / 1e9);
        }
    }

    /// <summary>A bare <c>bmm</c> of each LC layer's forward shape, [L × N × C·k·k] · [L × C·k·k × O], in GFLOP/s.</summary>
    private static IEnumerable<(string Name, double Gflops)> LocallyConnectedBmmGflops(NetworkPreset preset, int batch, int repeats, int warmup)
    {
        var shapes = preset.Network.Shapes(preset.InputShape);
        for (int i = 0; i < preset.Network.HiddenLayers.Count; i++)
        {
            if (preset.Network.HiddenLayers[i] is not LocallyConnectedLayerSpec spec) continue;
            var g = new LocalGeometry(spec, shapes[i]);
            using var patches = rand(g.Locations, batch, g.PatchSize);
            using var w = rand(g.WeightShape);
            double seconds = Median(() => Time(() => { using var y = patches.bmm(w); }), repeats, warmup);
            yield return ($"LC layer {i + 1} {spec}", 2.0 * g.Locations * batch * g.PatchSize * g.Output.Channels / seconds / 1e9);
        }
    }

    /// <summary>Memory bandwidth: a 256 MiB float32 copy, counted as bytes read + written per second.</summary>
    private static double CopyGigabytesPerSecond(int repeats, int warmup)
    {
        using var a = rand(64L << 20);
        using var b = empty_like(a);
        double seconds = Median(() => Time(() => b.copy_(a)), repeats, warmup);
        return 2.0 * a.numel() * sizeof(float) / seconds / 1e9;
    }

    /// <summary>
    /// Bytes the batch-last first LC layer moves per batch, forward + ∂W, counted (float32): x read and written once
    /// batch-last, the patches Pᵀ written by the gather and read by both products, W read twice and ∂W written, yᵀ written
    /// and ∂yᵀ read.
    /// </summary>
    private static double FirstLayerBytes(NetworkPreset preset, int batch)
    {
        var spec = (LocallyConnectedLayerSpec)preset.Network.HiddenLayers[0];
        var g = new LocalGeometry(spec, preset.InputShape);
        double x = (double)batch * preset.InputShape.Size, patches = (double)g.Locations * g.PatchSize * batch;
        double w = (double)g.Locations * g.PatchSize * g.Output.Channels, y = (double)g.Locations * g.Output.Channels * batch;
        return sizeof(float) * (2 * x + 3 * patches + 3 * w + 2 * y);
    }

    /// <summary>The first LC layer's fwd + ∂W time per batch from its GFLOP/s row (2 products).</summary>
    private static double FirstLayerSeconds(NetworkPreset preset, int batch, double gflops)
    {
        var g = new LocalGeometry((LocallyConnectedLayerSpec)preset.Network.HiddenLayers[0], preset.InputShape);
        return 2 * 2.0 * g.Locations * batch * g.PatchSize * g.Output.Channels / (gflops * 1e9);
    }

    /// <summary>
    /// Times <paramref name="repeats"/> training steps after <paramref name="warmup"/>: the profiler holds the phases, and
    /// the returned median is of whole iterations (the step, the loss read-out and the dispose scope's teardown).
    /// </summary>
    private static (StepProfiler Phases, double Seconds, long MultiplyAdds) StepSeconds(NetworkPreset preset, AlgorithmDescriptor algorithm, int batch, int repeats, int warmup, MatmulPrecision precision,
        bool alternate = false)
    {
        var options = new TrainingOptions
        {
            Algorithm = algorithm,
            HyperParameters = algorithm.Defaults(preset.Name) with { AuxiliaryUnits = HyperParameters.DefaultAuxiliaryUnits },
            BatchSize = batch,
            Diagnostics = false,
            TuneAllocator = false,   // the bench decides (--malloc)
            MatmulPrecision = precision,
        };
        using var trainer = new NetworkTrainer(preset.Network, preset.InputShape, preset.Classes, options);
        using var x = rand(batch, preset.InputShape.Size);
        using var y = randint(0, preset.Classes, new long[] { batch });
        var profiler = new StepProfiler();
        var whole = new List<double>();
        for (int i = 0; i < warmup + repeats; i++)
        {
            double seconds = Time(() =>
            {
                using var scope = NewDisposeScope();
                var (logits, inverse) = alternate ? trainer.AlternatingStep(x, y, profiler) : trainer.Step(x, y, true, true, profiler);
                using var loss = logits.sum();
                loss.item<float>();
            });
            if (i >= warmup) whole.Add(seconds);
        }
        return (profiler, StepProfiler.MedianOf(whole.ToArray()), trainer.Algorithm.StepMultiplyAdds());
    }

    private static void CompareMalloc(Report report, NetworkPreset[] presets, AlgorithmDescriptor[] algorithms, int batch, int repeats, int warmup)
    {
        var algorithm = algorithms.Contains(SimplifiedTargetProp.Descriptor) ? SimplifiedTargetProp.Descriptor : algorithms[0];
        var before = presets.ToDictionary(p => p.Name, p => StepSeconds(p, algorithm, batch, repeats, warmup, MatmulPrecision.Float32).Seconds);
        bool applied = MallocTuning.Apply();
        foreach (var p in presets)
        {
            double after = StepSeconds(p, algorithm, batch, repeats, warmup, MatmulPrecision.Float32).Seconds;
            report.Rows.Add(new Row(p.Name, get_num_threads(), $"{AlgorithmNames.Of(algorithm)} step, default malloc (samples/s)", batch / before[p.Name], null, null));
            report.Rows.Add(new Row(p.Name, get_num_threads(), $"{AlgorithmNames.Of(algorithm)} step, tuned malloc (samples/s)", batch / after, before[p.Name] / after, null));
        }
        report.Notes.Add($"malloc: mallopt(M_MMAP_THRESHOLD = 32 MiB, M_TRIM_THRESHOLD = 2 GiB) applied = {applied}; measured at libtorch's default {get_num_threads()} thread(s), default allocator first (mallopt cannot be undone in a process); the rows after the comparison use the tuned allocator; ratio = default time / tuned time.");
    }

    private static void Scoring(Report report, int images, int repeats, int warmup)
    {
        var preset = NetworkPresets.MnistLc;
        using var net = new TargetPropNetwork(preset.Network, preset.InputShape, preset.Classes, new Generator(0, CPU));
        var transformer = new TargetPropTransformer(net.ToModelParameters(AlgorithmKind.SimplifiedTargetProp));
        var ml = new MLContext(0);
        var random = new Random(0);
        var rows = Enumerable.Range(0, images).Select(_ => new ImageRow { Features = Enumerable.Range(0, 784).Select(_ => (float)random.NextDouble()).ToArray() }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        double seconds = Median(() => Time(() =>
        {
            using var cursor = transformer.Transform(data).GetRowCursor(new[] { transformer.GetOutputSchema(data.Schema)["Score"] });
            var getter = cursor.GetGetter<VBuffer<float>>(cursor.Schema["Score"]);
            VBuffer<float> score = default;
            while (cursor.MoveNext()) getter(ref score);
        }), repeats, warmup);
        report.Rows.Add(new Row(preset.Name, Environment.ProcessorCount, "managed scoring via Transform (images/s)", images / seconds, null, null));
        var batchOutput = new float[images * 10];
        var flat = rows.SelectMany(r => r.Features).ToArray();
        double batchSeconds = Median(() => Time(() => transformer.Network.PredictBatch(flat, images, batchOutput)), repeats, warmup);
        report.Rows.Add(new Row(preset.Name, Environment.ProcessorCount, "managed scoring via ManagedNetwork.PredictBatch (images/s)", images / batchSeconds, null, null));
        var engine = ml.Model.CreatePredictionEngine<ImageRow, ScoreRow>(transformer);
        for (int i = 0; i < Math.Min(100, images); i++) engine.Predict(rows[i]);   // warm-up
        var latencies = rows.Take(1000).Select(r => Time(() => engine.Predict(r))).ToArray();
        report.Rows.Add(new Row(preset.Name, 1, "PredictionEngine single image (ms)", 1000 * StepProfiler.MedianOf(latencies), null, null));
        foreach (var form in Enum.GetValues<Onnx.NetworkOnnxWriter.LocallyConnectedForm>())
            OnnxRuntimeScoring(report, ml, transformer, data, flat, images, repeats, warmup, form);
    }

    /// <summary>The same network exported with ConvertToOnnx and scored by ONNX Runtime: a batch of every image, and single images.</summary>
    private static void OnnxRuntimeScoring(Report report, MLContext ml, TargetPropTransformer transformer, IDataView data, float[] flat, int images, int repeats, int warmup,
        Onnx.NetworkOnnxWriter.LocallyConnectedForm form)
    {
        Onnx.NetworkOnnxWriter.Form = form;
        byte[] model;
        using (var stream = new MemoryStream())
        {
            ml.Model.ConvertToOnnx(transformer, data, stream);
            model = stream.ToArray();
        }
        Onnx.NetworkOnnxWriter.Form = default;
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model);
        var batch = Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("Features", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(flat, new[] { images, 1, 28, 28 }));
        double seconds = Median(() => Time(() => { using var r = session.Run(new[] { batch }, new[] { "Score.output" }); }), repeats, warmup);
        report.Rows.Add(new Row(NetworkPresets.MnistLc.Name, Environment.ProcessorCount, $"ONNX Runtime batch of {images}, LC as {form} (images/s)", images / seconds, null, null));
        var one = Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("Features", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(flat.AsMemory(0, 784), new[] { 1, 1, 28, 28 }));
        for (int i = 0; i < 100; i++) { using var r = session.Run(new[] { one }, new[] { "Score.output" }); }
        var latencies = Enumerable.Range(0, 1000).Select(_ => Time(() => { using var r = session.Run(new[] { one }, new[] { "Score.output" }); })).ToArray();
        report.Rows.Add(new Row(NetworkPresets.MnistLc.Name, 1, $"ONNX Runtime single image, LC as {form} (ms)", 1000 * StepProfiler.MedianOf(latencies), null, null));
    }

    /// <summary>
    /// Peak RSS of the first SDTP epoch and RSS after each epoch, for <paramref name="preset"/>: on MNIST for the mnist-*
    /// presets, else on random images of the preset's shape (memory does not depend on the pixel values).
    /// </summary>
    private static void Memory(Report report, DatasetLocator locator, NetworkPreset preset, int epochs, int examples, int batch)
    {
        InMemoryDataset train;
        string data;
        if (preset.Name.StartsWith("mnist", StringComparison.Ordinal))
        {
            train = locator.Load("mnist", trainLimit: examples > 0 ? examples : null, testLimit: 1).Train;
            data = $"{train.Count} MNIST examples";
        }
        else
        {
            int n = examples > 0 ? examples : 10000;
            var random = new Random(0);
            var features = new float[(long)n * preset.InputShape.Size];
            for (long i = 0; i < features.LongLength; i++) features[i] = (float)random.NextDouble();
            train = new InMemoryDataset(features, Enumerable.Range(0, n).Select(i => i % preset.Classes).ToArray(), preset.InputShape, preset.Classes);
            data = $"{n} random {preset.InputShape} images";
        }
        var options = new TrainingOptions
        {
            Algorithm = AlgorithmKind.SimplifiedTargetProp,
            HyperParameters = SimplifiedTargetProp.Descriptor.Defaults(preset.Name),
            Epochs = epochs,
            BatchSize = batch,
            Diagnostics = false,
            TuneAllocator = false,
        };
        GC.Collect();
        bool reset = MallocTuning.ResetPeak();
        var rss = new List<long>();
        long peakFirst = 0;
        using (var trainer = new NetworkTrainer(preset.Network, preset.InputShape, preset.Classes, options))
        {
            trainer.Fit(train, onEpoch: m =>
            {
                var (now, peak) = MallocTuning.ResidentMemory();
                rss.Add(now);
                if (m.Epoch == 1) peakFirst = peak;
            });
        }
        report.Rows.Add(new Row(preset.Name, get_num_threads(), $"peak RSS of SDTP epoch 1 on {data} (MiB)", peakFirst / 1048576.0, null, null));
        for (int i = 0; i < rss.Count; i++)
            report.Rows.Add(new Row(preset.Name, get_num_threads(), $"RSS after epoch {i + 1} (MiB)", rss[i] / 1048576.0, i == 0 ? null : (double)rss[i] / rss[0], null));
        if (!reset) report.Notes.Add($"{preset.Name}: peak RSS could not be reset before training; it includes earlier measurements.");
    }

    private sealed class ImageRow
    {
        [VectorType(1, 28, 28)]
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    private sealed class ScoreRow
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }
}
