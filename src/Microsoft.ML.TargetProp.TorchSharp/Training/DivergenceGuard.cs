using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// Divergence detection: a copy of θ and λ taken at the start of an epoch (restored when the epoch produces NaN/Inf)
/// and the messages that name where training diverged — the first layer whose weights, bias or output are not finite.
/// </summary>
internal sealed class DivergenceGuard : System.IDisposable
{
    private readonly List<(Tensor Target, Tensor Copy)> _copies;

    /// <summary>Copies every parameter of <paramref name="network"/> and <paramref name="algorithm"/>.</summary>
    public DivergenceGuard(TargetPropNetwork network, LearningAlgorithm algorithm)
    {
        using var _ = no_grad();
        _copies = network.parameters().Concat(algorithm.parameters()).Select(p => ((Tensor)p, p.clone())).ToList();
    }

    /// <summary>Puts the copied values back.</summary>
    public void Restore()
    {
        using var _ = no_grad();
        foreach (var (target, copy) in _copies) target.copy_(copy);
    }

    public void Dispose()
    {
        foreach (var (_, copy) in _copies) copy.Dispose();
    }

    private static string Kept(int epoch) => $"the weights from the start of epoch {epoch} were kept";

    /// <summary>"layer L (Name) weights|bias" of the first non-finite forward parameter, or null.</summary>
    public static string? NonFiniteParameter(TargetPropNetwork network)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var layers = network.Layers;
        for (int i = 0; i < layers.Count; i++)
            foreach (var (p, name) in new[] { (layers[i].Weight, "weights"), (layers[i].Bias, "bias") })
                if (!p.isfinite().all().item<bool>())
                    return $"layer {i + 1} ({layers[i].GetName()}) {name}";
        return null;
    }

    /// <summary>After a non-finite running sum at <paramref name="batch"/>: names the first layer whose weights or outputs on <paramref name="xb"/> are not finite.</summary>
    public static string DescribeBatch(TargetPropNetwork network, int epoch, int batch, Tensor xb, Tensor lossSum)
    {
        string where = $"Training diverged in epoch {epoch}, batch {batch}";
        if (NonFiniteParameter(network) is { } parameter)
            return $"{where}: {parameter} became NaN/Inf; {Kept(epoch)}.";
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var pass = network.Run(xb, layerLocal: false);
        for (int l = 0; l < pass.Count; l++)
            if (!pass.Outputs[l].isfinite().all().item<bool>())
                return $"{where}: the output of layer {l + 1} ({network.Layers[l].GetName()}) became NaN/Inf; {Kept(epoch)}.";
        string loss = lossSum.isfinite().item<bool>() ? "inverse loss" : "training loss";
        return $"{where}: the {loss} became NaN/Inf; {Kept(epoch)}.";
    }

    /// <summary>After an epoch: a message when a weight, the training loss or the inverse loss is not finite, else null.</summary>
    public static string? DescribeEpoch(TargetPropNetwork network, int epoch, int examples, double loss, double? inverseLoss)
    {
        string where = $"Training diverged in epoch {epoch}";
        if (NonFiniteParameter(network) is { } parameter)
            return $"{where}: {parameter} became NaN/Inf; {Kept(epoch)}.";
        if (examples > 0 && !double.IsFinite(loss))
            return $"{where}: the training loss became {loss}; {Kept(epoch)}.";
        if (inverseLoss is { } inv && !double.IsFinite(inv))
            return $"{where}: the inverse loss became {inv}; {Kept(epoch)}.";
        return null;
    }
}
