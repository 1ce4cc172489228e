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
/// one Adam optimizer per parameter group the rule declares (θ, λ, its own), the parallel or alternating schedule, per-epoch metrics and diagnostics,
/// cancellation, divergence detection and checkpoints. Deterministic for a seed on CPU.
/// </summary>
public sealed partial class NetworkTrainer : IDisposable
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
        string? divergence = null;
        bool cancelled = false;
        for (int epoch = CompletedEpochs + 1; epoch <= Options.Epochs; epoch++)
        {
            var resume = _interrupted is { } r && r.Epoch == epoch ? r : null;
            _interrupted = null;
            if (_history.Count > 0 && _history[^1].Partial) _history.RemoveAt(_history.Count - 1);
            using var snapshot = new DivergenceGuard(Network, Algorithm);
            var watch = Stopwatch.StartNew();
            var (totals, inverseLoss) = TrainEpoch(x, y, epoch, cancellation, ref resume);
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
            var metrics = Measure(new EpochMetrics
            {
                Epoch = epoch,
                TrainLoss = totals.Loss,
                TrainAccuracy = totals.Accuracy,
                InverseLoss = inverseLoss,
                Partial = cancelled,
                Seconds = (resume?.Seconds ?? 0) + watch.Elapsed.TotalSeconds,
            }, validation, probeX, probeY);
            if (cancelled) _interrupted = totals.Progress! with { Seconds = metrics.Seconds };
            _history.Add(metrics);
            if (Options.CheckpointPath is { } checkpoint && (epoch % Options.CheckpointInterval == 0 || epoch == Options.Epochs || cancelled))
                SaveCheckpoint(checkpoint);
            onEpoch?.Invoke(metrics);
            if (cancelled) break;
        }
        return new TrainingResult { History = _history.ToList(), Cancelled = cancelled, Divergence = divergence };
    }

    /// <summary>
    /// One epoch's passes from <paramref name="resume"/> (null: the start): for the per-epoch alternating schedule an
    /// inverse-only pass then a forward-only pass, the paper's; otherwise one pass of parallel or per-minibatch steps.
    /// Returns the forward pass's totals and the epoch's inverse loss; <paramref name="resume"/> is cleared once used.
    /// </summary>
    private (PassTotals Totals, double? InverseLoss) TrainEpoch(Tensor x, Tensor y, int epoch, CancellationToken cancellation, ref PassProgress? resume)
    {
        if (!AlternatesPerEpoch)
        {
            var totals = RunPass(x, y, AlternatesPerBatch ? PassPhase.Interleaved : PassPhase.Both, epoch, cancellation, resume);
            return (totals, totals.InverseLoss);
        }
        PassTotals? inverse = null;
        double? inverseLoss;
        var from = resume;
        if (from is null || from.Phase == PassPhase.InverseOnly)
        {
            inverse = RunPass(x, y, PassPhase.InverseOnly, epoch, cancellation, from);
            inverseLoss = inverse.Value.InverseLoss;
            from = null;
        }
        else inverseLoss = from.InversePassLoss;
        var forward = inverse is { } i && (i.Cancelled || i.Diverged is not null)
            ? i
            : RunPass(x, y, PassPhase.ForwardOnly, epoch, cancellation, from, inverseLoss);
        if (forward.Examples == 0 && inverse is { } done) forward = done with { Cancelled = forward.Cancelled, Progress = forward.Progress };
        resume = from;
        return (forward, inverseLoss);
    }

    /// <summary><paramref name="metrics"/> with the validation loss and accuracy and, with <see cref="TrainingOptions.Diagnostics"/>, the per-layer diagnostics.</summary>
    private EpochMetrics Measure(EpochMetrics metrics, InMemoryDataset? validation, Tensor probeX, Tensor probeY)
    {
        if (validation is not null)
        {
            var eval = Evaluate(validation);
            metrics = metrics with { ValidationLoss = eval.Loss, ValidationAccuracy = eval.Accuracy };
        }
        return Options.Diagnostics
            ? AlignmentDiagnostics.Add(metrics, Network, Algorithm, () => ZeroGrad(TrainingPhase.Forward), probeX, probeY)
            : metrics;
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
