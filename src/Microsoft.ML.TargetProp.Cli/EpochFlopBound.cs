using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// The FLOP bound of an epoch (issue 32): its matrix-product FLOPs, counted from the layer shapes, divided by the rate of
/// a 2048² float32 matmul measured in the same process before training. Training steps count
/// <c>LearningAlgorithm.StepMultiplyAdds</c> per example (forward, ∂/∂W, and each rule's backward, target and inverse
/// products; a per-epoch alternating schedule's two passes are counted as one parallel step), the per-epoch evaluation
/// the forward products per monitored example. Elementwise work is not counted, so an epoch takes longer than its bound.
/// </summary>
internal static class EpochFlopBound
{
    /// <summary>GFLOP/s of a 2048² float32 matmul on the current libtorch threads: the median of 3 after 1 warm-up.</summary>
    public static double MeasureMatmulGflops()
    {
        using var a = rand(2048, 2048);
        using var b = rand(2048, 2048);
        var seconds = new List<double>();
        for (int i = 0; i < 4; i++)
        {
            long start = Stopwatch.GetTimestamp();
            using (var c = a.mm(b)) { }
            if (i > 0) seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return 2.0 * 2048 * 2048 * 2048 / seconds.OrderBy(s => s).ElementAt(1) / 1e9;
    }

    /// <summary>Matrix-product FLOPs of one epoch: <paramref name="trainExamples"/> training steps' worth and a forward pass over <paramref name="monitorExamples"/>.</summary>
    public static double EpochFlops(NetworkTrainer trainer, long trainExamples, long monitorExamples) =>
        2.0 * trainExamples * trainer.Algorithm.StepMultiplyAdds() + 2.0 * monitorExamples * trainer.Network.Layers.Sum(l => l.MultiplyAdds);

    /// <summary>One line: the bound in seconds, the matmul rate, and each whole epoch's time ÷ the bound.</summary>
    public static string Describe(IEnumerable<EpochMetrics> history, double epochFlops, double matmulGflops)
    {
        double bound = epochFlops / (matmulGflops * 1e9);
        var ratios = history.Where(h => !h.Partial).Select(h => $"{h.Epoch}: {h.Seconds / bound:F2}×");
        return string.Create(CultureInfo.InvariantCulture,
            $"FLOP bound {bound:F1} s per epoch ({epochFlops / 1e12:F2} TFLOP of matrix products at the {matmulGflops:F0} GFLOP/s matmul measured before training); epoch time ÷ bound: {string.Join(", ", ratios)}");
    }
}
