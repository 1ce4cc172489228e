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
/// Trains a <see cref="TargetPropNetwork"/> with a <see cref="LearningAlgorithm"/> on in-memory data: minibatches,
/// separate Adam optimizers for θ and λ, the parallel or alternating schedule, per-epoch metrics and diagnostics,
/// cancellation, divergence detection and checkpoints. Deterministic for a seed on CPU.
/// </summary>
public sealed class NetworkTrainer : IDisposable
{
    private readonly Device _device;
    private readonly Generator _generator;
    private readonly Generator _noise;
    private readonly (ParameterGroup Group, AdamOptimizer Optimizer)[] _optimizers;
    private readonly List<EpochMetrics> _history = new();
    private Action? _beforeBatch;
    private PassProgress? _interrupted;   // where a cancelled epoch stopped; the next Fit continues from there

    /// <summary>
    /// Creates the network (Glorot-initialised from the seed), the algorithm's state and the optimizers. With
    /// <see cref="TaskObjective.Reconstruction"/> the network is an autoencoder (<paramref name="classes"/> = input size,
    /// see <see cref="ForAutoencoder"/>) and the targets of every batch are its inputs.
    /// </summary>
    public NetworkTrainer(NetworkSpec spec, ImageShape inputShape, int classes, TrainingOptions options, TaskObjective? objective = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _device = TorchDevices.Resolve(options.Device);
        if (options.TuneAllocator) MallocTuning.EnsureApplied();
        if (options.NumberOfThreads is int threads) set_num_threads(threads);
        _generator = new Generator((ulong)options.Seed, CPU);
        Network = new TargetPropNetwork(spec, inputShape, classes, _generator, objective, options.Initialization);
        Network.Precision = options.MatmulPrecision;   // before the algorithm: its inverses take their layer's precision
        if (_device.type != global::TorchSharp.DeviceType.CPU) Network.to(_device);
        Algorithm = options.Algorithm.Create(new AlgorithmContext(Network, options.HyperParameters, _generator, options.LocalLoss, options.RelativeSigma));
        if (_device.type != global::TorchSharp.DeviceType.CPU) Algorithm.to(_device);
        _noise = _device.type == global::TorchSharp.DeviceType.CPU ? _generator : new Generator((ulong)options.Seed + 1, _device);
        _optimizers = Algorithm.ParameterGroups(options.HyperParameters)
            .Select(g => (g, new AdamOptimizer(g.Parameters, g.Adam, options.AdamEpsilon, g.WeightDecay))).ToArray();
    }

    /// <summary>The parameter groups the rule trains, each with its Adam optimizer, in the order checkpoints store them.</summary>
    public IReadOnlyList<ParameterGroup> ParameterGroups => _optimizers.Select(o => o.Group).ToArray();

    /// <summary>True when the rule trains a group in the inverse phase (target propagation's λ).</summary>
    public bool TrainsInverses => _optimizers.Any(o => o.Group.Phase == TrainingPhase.Inverse);

    private void ZeroGrad(TrainingPhase phase)
    {
        foreach (var (group, optimizer) in _optimizers)
            if (group.Phase == phase) optimizer.ZeroGrad();
    }

    private void StepOptimizers(TrainingPhase phase)
    {
        foreach (var (group, optimizer) in _optimizers)
            if (group.Phase == phase) optimizer.Step();
    }

    /// <summary>A trainer of an autoencoder with hidden layers <paramref name="spec"/> (section 5.5: "fc(512) fc(64) fc(512)") reconstructing inputs of <paramref name="inputShape"/>.</summary>
    public static NetworkTrainer ForAutoencoder(NetworkSpec spec, ImageShape inputShape, TrainingOptions options) =>
        new(spec, inputShape, inputShape.Size, options, TaskObjective.Reconstruction);

    /// <summary>The run's options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>What the network is trained for.</summary>
    public TaskObjective Objective => Network.Objective;

    /// <summary>The network being trained.</summary>
    public TargetPropNetwork Network { get; }

    /// <summary>The learning algorithm and its state (feedback matrices or inverses).</summary>
    public LearningAlgorithm Algorithm { get; }

    /// <summary>
    /// The input standardisation training reads (set by the first <see cref="Fit"/> from its training set when
    /// <see cref="TrainingOptions.StandardizeInputs"/> is on; null otherwise).
    /// </summary>
    public InputStandardization? Standardization { get; private set; }

    /// <summary>
    /// The trained network as a model that scores raw inputs: the weights, with <see cref="Standardization"/> folded into
    /// the first layer.
    /// </summary>
    public TargetPropModelParameters ToModelParameters(AlgorithmKind algorithm, HyperParameters? hyperParameters = null, IReadOnlyList<EpochMetrics>? history = null) =>
        Network.ToModelParameters(algorithm.ToString(), hyperParameters, history, Standardization);

    /// <summary>The trained network as a model (see the other overload) recording <paramref name="algorithm"/>'s name.</summary>
    public TargetPropModelParameters ToModelParameters(AlgorithmDescriptor algorithm, HyperParameters? hyperParameters = null, IReadOnlyList<EpochMetrics>? history = null) =>
        Network.ToModelParameters((algorithm ?? throw new ArgumentNullException(nameof(algorithm))).Name, hyperParameters, history, Standardization);

    /// <summary>Number of passes over the training data one epoch makes: 2 for the per-epoch alternating schedule, else 1.</summary>
    public int PassesPerEpoch => AlternatesPerEpoch ? 2 : 1;

    private bool AlternatesPerEpoch => Options.HyperParameters.Schedule == TrainingSchedule.Alternating && TrainsInverses
        && Options.AlternateEvery == AlternationGranularity.Epoch;

    private bool AlternatesPerBatch => Options.HyperParameters.Schedule == TrainingSchedule.Alternating && TrainsInverses
        && Options.AlternateEvery == AlternationGranularity.Minibatch;

    /// <summary>Epochs completed so far (restored by <see cref="LoadCheckpoint"/>); an interrupted epoch does not count.</summary>
    public int CompletedEpochs => _history.Count(h => !h.Partial);

    /// <summary>Metrics of the completed epochs, then of an interrupted one (<see cref="EpochMetrics.Partial"/>) if training was cancelled mid-epoch.</summary>
    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>
    /// Trains from epoch <see cref="CompletedEpochs"/> + 1 to <see cref="TrainingOptions.Epochs"/>. After each epoch the
    /// network is evaluated on <paramref name="validation"/> (if given) and <paramref name="onEpoch"/> is called.
    /// Cancellation stops after the current batch, keeping what was trained and recording the interrupted epoch as
    /// <see cref="EpochMetrics.Partial"/>; calling Fit again (or resuming from the checkpoint written then) continues that
    /// epoch at the next batch exactly as an uninterrupted run would (CPU). A non-finite loss or weight stops training at
    /// the batch where it appears and restores the weights from the start of the epoch. <paramref name="beforeBatch"/> runs
    /// before every minibatch (a host's liveness check may throw from it).
    /// </summary>
    public TrainingResult Fit(InMemoryDataset train, InMemoryDataset? validation = null, Action<EpochMetrics>? onEpoch = null,
        CancellationToken cancellation = default, Action? beforeBatch = null)
    {
        _beforeBatch = beforeBatch;
        CheckData(train, nameof(train));
        if (validation is not null) CheckData(validation, nameof(validation));
        if (Options.StandardizeInputs && Objective.HasClasses && Standardization is null)
            Standardization = InputStandardization.Compute(train);
        using var x = ToTensor(train);
        using var y = TargetsTensor(train, x);
        using var probeX = x.narrow(0, 0, Math.Min(Options.BatchSize, train.Count));
        using var probeY = y.narrow(0, 0, Math.Min(Options.BatchSize, train.Count));
        bool alternating = AlternatesPerEpoch;
        string? divergence = null;
        bool cancelled = false;
        for (int epoch = CompletedEpochs + 1; epoch <= Options.Epochs; epoch++)
        {
            var resume = _interrupted is { } r && r.Epoch == epoch ? r : null;
            _interrupted = null;
            if (_history.Count > 0 && _history[^1].Partial) _history.RemoveAt(_history.Count - 1);
            using var snapshot = new DivergenceGuard(Network, Algorithm);
            var watch = Stopwatch.StartNew();
            PassTotals totals;
            double? inverseLoss;
            if (alternating)
            {
                // The paper's alternating schedule: an inverse-only pass, then a forward-only pass over the data.
                PassTotals? inverse = null;
                if (resume is null || resume.Phase == PassPhase.InverseOnly)
                {
                    inverse = RunPass(x, y, PassPhase.InverseOnly, epoch, cancellation, resume);
                    inverseLoss = inverse.Value.InverseLoss;
                    resume = null;
                }
                else inverseLoss = resume.InversePassLoss;
                totals = inverse is { } i && (i.Cancelled || i.Diverged is not null)
                    ? i
                    : RunPass(x, y, PassPhase.ForwardOnly, epoch, cancellation, resume, inverseLoss);
                if (totals.Examples == 0 && inverse is { } done) totals = done with { Cancelled = totals.Cancelled, Progress = totals.Progress };
            }
            else
            {
                totals = RunPass(x, y, AlternatesPerBatch ? PassPhase.Interleaved : PassPhase.Both, epoch, cancellation, resume);
                inverseLoss = totals.InverseLoss;
            }
            watch.Stop();
            cancelled = totals.Cancelled;
            divergence = totals.Diverged ?? DivergenceGuard.DescribeEpoch(Network, epoch, totals.Examples, totals.Loss, totals.InverseLoss);
            if (divergence is not null)
            {
                snapshot.Restore();
                break;
            }
            bool trained = totals.Examples > 0 || resume is not null || totals.Progress is { Phase: PassPhase.ForwardOnly };
            if (cancelled && !trained) break;
            var metrics = new EpochMetrics
            {
                Epoch = epoch,
                TrainLoss = totals.Loss,
                TrainAccuracy = totals.Accuracy,
                InverseLoss = inverseLoss,
                Partial = cancelled,
                Seconds = (resume?.Seconds ?? 0) + watch.Elapsed.TotalSeconds,
            };
            if (cancelled) _interrupted = totals.Progress! with { Seconds = metrics.Seconds };
            if (validation is not null)
            {
                var eval = Evaluate(validation);
                metrics = metrics with { ValidationLoss = eval.Loss, ValidationAccuracy = eval.Accuracy };
            }
            if (Options.Diagnostics)
                metrics = AlignmentDiagnostics.Add(metrics, Network, Algorithm, () => ZeroGrad(TrainingPhase.Forward), probeX, probeY);
            _history.Add(metrics);
            if (Options.CheckpointPath is { } checkpoint && (epoch % Options.CheckpointInterval == 0 || epoch == Options.Epochs || cancelled))
                SaveCheckpoint(checkpoint);
            onEpoch?.Invoke(metrics);
            if (cancelled) break;
        }
        return new TrainingResult { History = _history.ToList(), Cancelled = cancelled, Divergence = divergence };
    }

    /// <summary>
    /// Mean task error and accuracy of the current network on <paramref name="data"/>: cross-entropy, or for an
    /// autoencoder the squared reconstruction error ‖x − x̂‖² per example (accuracy NaN).
    /// </summary>
    public EvaluationResult Evaluate(InMemoryDataset data) => AtFloat32(() => EvaluateAtNetworkPrecision(data));

    /// <summary>Runs <paramref name="evaluate"/> with float32 products whatever <see cref="TrainingOptions.MatmulPrecision"/> is: evaluation measures the float32 model that is saved.</summary>
    private T AtFloat32<T>(Func<T> evaluate)
    {
        var precision = Network.Precision;
        Network.Precision = MatmulPrecision.Float32;
        try { return evaluate(); }
        finally { Network.Precision = precision; }
    }

    private EvaluationResult EvaluateAtNetworkPrecision(InMemoryDataset data)
    {
        CheckData(data, nameof(data));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = ToTensor(data);
        var y = TargetsTensor(data, x);
        var lossSum = zeros(1, dtype: float64, device: _device);
        var correct = zeros(1, dtype: int64, device: _device);
        const int chunk = 1000;
        for (long start = 0; start < data.Count; start += chunk)
        {
            long n = Math.Min(chunk, data.Count - start);
            using var inner = NewDisposeScope();
            var logits = Network.forward(x.narrow(0, start, n));
            var yb = y.narrow(0, start, n);
            Accumulate(logits, yb, lossSum, correct);
            NativeMemoryReclaim.Now();
        }
        return new EvaluationResult(lossSum.item<double>() / data.Count, Accuracy(correct, data.Count), data.Count);
    }

    /// <summary>Class probabilities (softmax) of every example in <paramref name="data"/>, row-major [N, classes] (named for classifiers; use <see cref="PredictOutputs"/>).</summary>
    [Obsolete("Use PredictOutputs: for an autoencoder it returns reconstructions, not probabilities. Will be removed.")]
    public float[] PredictProbabilities(InMemoryDataset data) => PredictOutputs(data);

    /// <summary>The network's output for every example in <paramref name="data"/>, row-major: a classifier's class probabilities (softmax) [N, classes], an autoencoder's reconstructions [N, input size].</summary>
    public float[] PredictOutputs(InMemoryDataset data) => AtFloat32(() =>
    {
        CheckData(data, nameof(data));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logits = Network.forward(ToTensor(data));
        return Objective.OutputCode(logits).cpu().data<float>().ToArray();
    });

    /// <summary>
    /// Writes weights, the algorithm's state, both optimizers' states, the random generator state and the history to
    /// <paramref name="path"/> atomically (a temporary file renamed over the target).
    /// </summary>
    public void SaveCheckpoint(string path) =>
        CheckpointFile.Save(path, Identity() with { History = _history, Interrupted = _interrupted, GeneratorState = GeneratorStates.Get(_generator) }, writer =>
        {
            Network.save(writer);
            Algorithm.save(writer);
            foreach (var (_, optimizer) in _optimizers) optimizer.Save(writer);
        });

    /// <summary>
    /// Test hook: when this environment variable is "1", <see cref="SaveCheckpoint"/> kills the process after writing the
    /// temporary file and before renaming it, to prove an interrupted save leaves the previous checkpoint intact.
    /// </summary>
    public const string CrashBeforeRenameVariable = CheckpointFile.CrashBeforeRenameVariable;

    private CheckpointFile.Header Identity() =>
        new(Options.Algorithm.Name, Network.Spec.ToString(), Network.InputShape.ToString(), Network.OutputSize, new List<EpochMetrics>(), null, Array.Empty<byte>());

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/> for the same architecture and algorithm; <see cref="Fit"/> then resumes after its last epoch.</summary>
    public void LoadCheckpoint(string path)
    {
        var header = CheckpointFile.Load(path, Identity(), reader =>
        {
            Network.load(reader);
            Algorithm.load(reader);
            foreach (var (_, optimizer) in _optimizers) optimizer.Load(reader);
        });
        GeneratorStates.Set(_generator, header.GeneratorState);
        _history.Clear();
        _history.AddRange(header.History);
        _interrupted = header.Interrupted;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, optimizer) in _optimizers) optimizer.Dispose();
        Algorithm.Dispose();
        Network.Dispose();
        if (!ReferenceEquals(_noise, _generator)) _noise.Dispose();
        _generator.Dispose();
    }

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
    public StepProfiler? Profiler { get; set; }

    /// <summary>
    /// One minibatch update: forward pass, the algorithm's forward loss (targets) and inverse loss, one backward pass,
    /// one step of each optimizer. Returns the detached logits and inverse loss (the caller disposes them via its scope).
    /// </summary>
    public (Tensor Output, Tensor? InverseLoss) Step(Tensor xb, Tensor yb, bool trainForward = true, bool trainInverse = true, StepProfiler? profiler = null)
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
    /// h_l, unchanged, so this equals an inverse-only <see cref="Step"/> followed by a forward-only one at one forward
    /// pass less. Returns the detached logits and inverse loss.
    /// </summary>
    public (Tensor Output, Tensor? InverseLoss) AlternatingStep(Tensor xb, Tensor yb, StepProfiler? profiler = null)
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

    private void CheckData(InMemoryDataset data, string name)
    {
        ArgumentNullException.ThrowIfNull(data, name);
        if (data.Count == 0)
            throw new ArgumentException($"The {name} set is empty.", name);
        if (data.Shape.Size != Network.InputShape.Size)
            throw new ArgumentException($"The {name} set has examples of shape {data.Shape} ({data.Shape.Size} values) but the network expects {Network.InputShape} ({Network.InputShape.Size}).", name);
        if (Objective.HasClasses && data.Classes > Network.OutputSize)
            throw new ArgumentException($"The {name} set has {data.Classes} classes but the network has {Network.OutputSize} outputs.", name);
    }

    private Tensor ToTensor(InMemoryDataset data)
    {
        var t = tensor(data.Features, new long[] { data.Count, data.Shape.Size });
        if (_device.type != global::TorchSharp.DeviceType.CPU)
        {
            var moved = t.to(_device);
            t.Dispose();
            t = moved;
        }
        if (Standardization is null) return t;
        using (t) return Standardization.Apply(t);
    }

    /// <summary>The task targets of <paramref name="data"/>: its class indices, or for an autoencoder its features <paramref name="features"/> (an alias).</summary>
    private Tensor TargetsTensor(InMemoryDataset data, Tensor features)
    {
        if (!Objective.HasClasses) return features.alias();
        var t = tensor(data.Labels.Select(l => (long)l).ToArray());
        if (_device.type == global::TorchSharp.DeviceType.CPU) return t;
        using (t) return t.to(_device);
    }
}
