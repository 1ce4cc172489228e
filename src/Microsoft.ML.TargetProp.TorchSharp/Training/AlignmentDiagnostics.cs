using System;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// Per-epoch diagnostics on a probe batch: the angle between each layer's update under the algorithm and BP's gradient,
/// the inverses' reconstruction errors and the target distances ‖ĥ_l − h_l‖. Leaves every gradient at zero.
/// </summary>
internal static class AlignmentDiagnostics
{
    /// <summary><paramref name="metrics"/> with the diagnostics of <paramref name="algorithm"/> on (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static EpochMetrics Add(EpochMetrics metrics, TargetPropNetwork network, LearningAlgorithm algorithm, Action zeroGrad, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        var layers = network.Layers;
        var diagnostics = new LayerDiagnostics(layers.Count);
        var local = network.Run(x, algorithm.IsLayerLocal);
        zeroGrad();
        algorithm.ForwardLoss(local, y, diagnostics).backward();
        var algorithmGrads = layers.Select(l => l.Weight.grad is { } g ? g.clone() : zeros_like(l.Weight)).ToArray();
        zeroGrad();
        var full = network.Run(x, layerLocal: false);
        network.Objective.Loss(full.Output, y).backward();
        var angles = new double?[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            var bp = layers[i].Weight.grad;
            if (bp is null) continue;
            var a = algorithmGrads[i].flatten().to_type(float64);
            var b = bp.flatten().to_type(float64);
            double na = a.norm().item<double>(), nb = b.norm().item<double>();
            if (na == 0 || nb == 0) continue;
            double cos = Math.Clamp(a.dot(b).item<double>() / (na * nb), -1, 1);
            angles[i] = Math.Acos(cos) * 180 / Math.PI;
        }
        zeroGrad();
        var reconstruction = algorithm.ReconstructionErrors(local);
        return metrics with
        {
            AlignmentAngles = angles,
            ReconstructionErrors = reconstruction,
            TargetDistances = diagnostics.TargetDistance,
        };
    }
}
