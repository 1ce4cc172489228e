using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using TorchSharp;
using TorchSharp.Modules;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// The pass over the data and the minibatch step of <see cref="NetworkTrainer"/>: one pass accumulates the task error,
/// accuracy and inverse loss on the device (one scalar read per batch to catch a non-finite sum), and a step runs the
/// forward pass, the rule's losses, one backward pass and each trained phase's optimizers.
/// </summary>
public sealed partial class NetworkTrainer
{
    private readonly record struct PassTotals(double Loss, double Accuracy, double? InverseLoss, int Examples, bool Cancelled,
        PassProgress? Progress = null, string? Diverged = null);

    private PassTotals RunPass(Tensor x, Tensor y, PassPhase phase, int epoch, CancellationToken cancellation, PassProgress? from,
        double? inversePassLoss = null)
    {
        bool trainForward = phase != PassPhase.InverseOnly;
        bool trainInverse = phase != PassPhase.ForwardOnly && TrainsInverses;
        bool interleaved = phase == PassPhase.Interleaved;
        bool augment = Options.Augmentation.AppliesTo(Network.InputShape);
        long n = x.shape[0];
        int batch = Options.BatchSize;
        using var scope = NewDisposeScope();
        byte[] passStart = from?.PassStartState ?? GeneratorStates.Get(_generator);
        Tensor order;
        if (from is null)
            order = randperm(n, generator: _generator).to(_device);
        else
        {
            // Redraw the interrupted pass's order from the state it started with, then continue from the saved state.
            byte[] now = GeneratorStates.Get(_generator);
            GeneratorStates.Set(_generator, from.PassStartState);
            order = randperm(n, generator: _generator).to(_device);
            GeneratorStates.Set(_generator, now);
        }
        var lossSum = full(1, from?.LossSum ?? 0, dtype: float64, device: _device);
        var correct = full(1, from?.Correct ?? 0L, dtype: int64, device: _device);
        var inverseSum = full(1, from?.InverseSum ?? 0, dtype: float64, device: _device);
        int examples = from?.Examples ?? 0, batches = from?.Batches ?? 0;
        bool cancelled = false;
        string? diverged = null;
        for (long start = (long)batches * batch; start < n; start += batch)
        {
            if (cancellation.IsCancellationRequested) { cancelled = true; break; }
            _beforeBatch?.Invoke();
            long size = Math.Min(batch, n - start);
            using var step = NewDisposeScope();
            var index = order.narrow(0, start, size);
            var xb = x.index_select(0, index);
            if (augment) xb = Options.Augmentation.Apply(xb, Network.InputShape, _noise);
            var yb = Objective.HasClasses ? y.index_select(0, index) : xb;   // an autoencoder's targets are its inputs
            Tensor logits;
            Tensor? inverseLoss;
            if (interleaved) (logits, inverseLoss) = AlternatingStep(xb, yb, Profiler);
            else (logits, inverseLoss) = Step(xb, yb, trainForward, trainInverse, Profiler);
            using (no_grad())
            {
                Accumulate(logits, yb, lossSum, correct);
                if (inverseLoss is not null) inverseSum.add_(inverseLoss.to_type(float64), TorchScalars.One);
            }
            examples += (int)size;
            batches++;
            // One scalar read per batch (on CPU a memory read): the running sums turn NaN/Inf at the first bad batch.
            using (var sums = lossSum + inverseSum)
            using (var finite = sums.isfinite())
                if (!finite.item<bool>()) { diverged = DivergenceGuard.DescribeBatch(Network, epoch, batches, xb, lossSum); break; }
            if (batches % NativeMemoryReclaim.EveryBatches == 0) NativeMemoryReclaim.Now();
        }
        PassProgress? progress = cancelled
            ? new PassProgress(epoch, phase, batches, examples, lossSum.item<double>(), correct.item<long>(), inverseSum.item<double>(),
                passStart, inversePassLoss, 0)
            : null;
        if (examples == 0) return new PassTotals(double.NaN, double.NaN, null, 0, cancelled, progress, diverged);
        return new PassTotals(
            lossSum.item<double>() / examples,
            Accuracy(correct, examples),
            trainInverse ? inverseSum.item<double>() / batches : null,
            examples,
            cancelled,
            progress,
            diverged);
    }

    /// <summary>Adds the batch's summed task error and (for classification) its correct count to the running totals.</summary>
    private void Accumulate(Tensor output, Tensor targets, Tensor errorSum, Tensor correct)
    {
        using var _ = no_grad();
        using var error = Objective.SumError(output, targets);
        errorSum.add_(error, TorchScalars.One);
        using var hits = Objective.CountCorrect(output, targets);
        if (hits is not null) correct.add_(hits, TorchScalars.IntegerOne);
    }

    private double Accuracy(Tensor correct, int examples) => Objective.HasClasses ? correct.item<long>() / (double)examples : double.NaN;

    /// <summary>Optional phase timer of every training step (used by <c>tpnet bench</c>).</summary>
    internal StepProfiler? Profiler { get; set; }

    /// <summary>
    /// One minibatch update: forward pass, the algorithm's forward loss (targets) and inverse loss, one backward pass,
    /// one step of each optimizer. Returns the detached logits and inverse loss (the caller disposes them via its scope).
    /// </summary>
    public (Tensor Output, Tensor? InverseLoss) Step(Tensor xb, Tensor yb, bool trainForward = true, bool trainInverse = true) =>
        Step(xb, yb, trainForward, trainInverse, Profiler);

    /// <summary><see cref="Step(Tensor, Tensor, bool, bool)"/> timing its phases with <paramref name="profiler"/>.</summary>
    internal (Tensor Output, Tensor? InverseLoss) Step(Tensor xb, Tensor yb, bool trainForward, bool trainInverse, StepProfiler? profiler)
    {
        trainInverse &= TrainsInverses;
        Tensor? forwardLoss = null, inverseLoss = null;
        ForwardPass pass;
        using (profiler?.Phase(StepPhase.Forward))
        using (trainForward ? null : no_grad())
            pass = Network.Run(xb, Algorithm.IsLayerLocal);
        if (trainForward)
            using (profiler?.Phase(StepPhase.Targets))
                forwardLoss = Algorithm.ForwardLoss(pass, yb);
        if (trainInverse)
            using (profiler?.Phase(StepPhase.InverseForward))
                inverseLoss = Algorithm.InverseLoss(pass, _noise);
        var total = forwardLoss is null ? inverseLoss : inverseLoss is null ? forwardLoss : forwardLoss + inverseLoss;
        if (total is not null)
        {
            using (profiler?.Phase(StepPhase.Backward))
            {
                if (forwardLoss is not null) ZeroGrad(TrainingPhase.Forward);
                if (inverseLoss is not null) ZeroGrad(TrainingPhase.Inverse);
                total.backward();
                if (forwardLoss is not null) Algorithm.CompleteGradients();
            }
            using (profiler?.Phase(StepPhase.Optimizer))
            {
                if (forwardLoss is not null) StepOptimizers(TrainingPhase.Forward);
                if (inverseLoss is not null) StepOptimizers(TrainingPhase.Inverse);
            }
        }
        profiler?.EndStep();
        return (pass.Output.detach(), inverseLoss?.detach());
    }

    /// <summary>
    /// One minibatch of the alternating schedule (per minibatch): λ steps on the inverse loss, then θ steps on the
    /// targets ĥ_l computed through the updated inverses. Both use one forward pass: λ's step leaves θ, and so every
    /// h_l, unchanged, so this equals an inverse-only <see cref="Step(Tensor, Tensor, bool, bool)"/> followed by a forward-only one at one forward
    /// pass less. Returns the detached logits and inverse loss.
    /// </summary>
    public (Tensor Output, Tensor? InverseLoss) AlternatingStep(Tensor xb, Tensor yb) => AlternatingStep(xb, yb, Profiler);

    /// <summary><see cref="AlternatingStep(Tensor, Tensor)"/> timing its phases with <paramref name="profiler"/>.</summary>
    internal (Tensor Output, Tensor? InverseLoss) AlternatingStep(Tensor xb, Tensor yb, StepProfiler? profiler)
    {
        if (!TrainsInverses) return Step(xb, yb, trainForward: true, trainInverse: false, profiler);
        ForwardPass pass;
        using (profiler?.Phase(StepPhase.Forward))
            pass = Network.Run(xb, Algorithm.IsLayerLocal);
        Tensor? inverseLoss;
        using (profiler?.Phase(StepPhase.InverseForward))
            inverseLoss = Algorithm.InverseLoss(pass, _noise);
        if (inverseLoss is not null) Descend(inverseLoss, TrainingPhase.Inverse, profiler);
        Tensor forwardLoss;
        using (profiler?.Phase(StepPhase.Targets))
            forwardLoss = Algorithm.ForwardLoss(pass, yb);
        Descend(forwardLoss, TrainingPhase.Forward, profiler);
        profiler?.EndStep();
        return (pass.Output.detach(), inverseLoss?.detach());
    }

    /// <summary>One phase's step on one loss: zero its groups' gradients, backward, Adam for each group.</summary>
    private void Descend(Tensor loss, TrainingPhase phase, StepProfiler? profiler)
    {
        using (profiler?.Phase(StepPhase.Backward))
        {
            ZeroGrad(phase);
            loss.backward();
            if (phase == TrainingPhase.Forward) Algorithm.CompleteGradients();
        }
        using (profiler?.Phase(StepPhase.Optimizer))
            StepOptimizers(phase);
    }
}
