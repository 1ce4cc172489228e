using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Training;

[TestClass]
public sealed class NetworkTrainerTests
{
    private static readonly NetworkSpec Spec = NetworkSpec.Parse("lc(3x3,8,2) fc(64)");

    // The per-epoch alternating schedule (two passes an epoch) is what these tests take apart; per-minibatch alternation,
    // the default, is one pass like the parallel schedule.
    private static TrainingOptions Options(AlgorithmDescriptor algorithm, int epochs = 2, int seed = 3, AlternationGranularity alternateEvery = AlternationGranularity.Epoch) => new()
    {
        AlternateEvery = alternateEvery,
        Algorithm = algorithm,
        Epochs = epochs,
        BatchSize = 32,
        Seed = seed,
        HyperParameters = new HyperParameters { Forward = new AdamSettings(1e-3), Inverse = new AdamSettings(1e-3), AuxiliaryUnits = 16 },
    };

    private static float[] Weights(NetworkTrainer trainer) =>
        trainer.Network.ForwardParameters.SelectMany(p => p.data<float>().ToArray()).ToArray();

    private static float[] RuleState(NetworkTrainer trainer) =>
        trainer.Algorithm.state_dict().Values.Where(t => t.dtype == ScalarType.Float32).SelectMany(t => t.data<float>().ToArray()).ToArray();

    /// <summary>Every registered rule, by short name.</summary>
    public static IEnumerable<object[]> Rules => AlgorithmRegistry.All.Select(d => new object[] { d.ShortName });

    [TestMethod]
    [DynamicData(nameof(Rules))]
    public void SameSeedGivesSameWeights(string rule)
    {
        var algorithm = AlgorithmRegistry.Get(rule);
        var data = TestData.MnistTrain(10);
        using var a = new NetworkTrainer(Spec, data.Shape, 10, Options(algorithm));
        using var b = new NetworkTrainer(Spec, data.Shape, 10, Options(algorithm));
        using var c = new NetworkTrainer(Spec, data.Shape, 10, Options(algorithm, seed: 4));
        CollectionAssert.AreEqual(Weights(a), Weights(b), "initial weights");
        CollectionAssert.AreNotEqual(Weights(a), Weights(c), "another seed must give other weights");
        a.Fit(data);
        b.Fit(data);
        CollectionAssert.AreEqual(Weights(a), Weights(b), "trained weights");
    }

    [TestMethod]
    [DynamicData(nameof(Rules))]
    public void ResumingFromACheckpointContinuesExactlyLikeAnUninterruptedRun(string rule)
    {
        var algorithm = AlgorithmRegistry.Get(rule);
        var data = TestData.MnistTrain(10);
        string path = Path.Combine(TestSetup.TempFolder(), "run.ckpt");
        using var straight = new NetworkTrainer(Spec, data.Shape, 10, Options(algorithm, epochs: 3));
        straight.Fit(data);

        using (var first = new NetworkTrainer(Spec, data.Shape, 10, Options(algorithm, epochs: 1)))
        {
            first.Fit(data);
            first.SaveCheckpoint(path);
        }
        using var resumed = new NetworkTrainer(Spec, data.Shape, 10, Options(algorithm, epochs: 3, seed: 99));
        resumed.LoadCheckpoint(path);
        Assert.AreEqual(1, resumed.CompletedEpochs);
        var result = resumed.Fit(data);
        Assert.AreEqual(3, result.History.Count);
        CollectionAssert.AreEqual(Weights(straight), Weights(resumed));
        CollectionAssert.AreEqual(RuleState(straight), RuleState(resumed), "the rule's own state (feedback, inverses)");
        Assert.AreEqual(straight.History[^1].TrainLoss, resumed.History[^1].TrainLoss, 1e-12);
        Assert.IsFalse(Directory.GetFiles(Path.GetDirectoryName(path)!).Any(f => f.Contains(".tmp")), "no temporary file may remain");
    }

    [TestMethod]
    public void CheckpointOfAnotherRunIsRejected()
    {
        var data = TestData.MnistTrain(5);
        string path = Path.Combine(TestSetup.TempFolder(), "run.ckpt");
        using (var t = new NetworkTrainer(Spec, data.Shape, 10, Options(AlgorithmKind.Backprop, epochs: 1))) t.SaveCheckpoint(path);
        using var other = new NetworkTrainer(Spec, data.Shape, 10, Options(AlgorithmKind.SimplifiedTargetProp));
        var e = Assert.ThrowsExactly<InvalidDataException>(() => other.LoadCheckpoint(path));
        StringAssert.Contains(e.Message, "Backprop");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        Assert.ThrowsExactly<InvalidDataException>(() => other.LoadCheckpoint(path));
    }

    [TestMethod]
    public void DiagnosticsAreRecordedPerLayer()
    {
        var data = TestData.MnistTrain(10);
        using var bp = new NetworkTrainer(Spec, data.Shape, 10, Options(AlgorithmKind.Backprop, epochs: 1));
        var bpMetrics = bp.Fit(data).History[0];
        Assert.IsTrue(bpMetrics.AlignmentAngles.All(a => a is < 1e-2), "BP is aligned with itself: " + string.Join(", ", bpMetrics.AlignmentAngles));

        using var sdtp = new NetworkTrainer(Spec, data.Shape, 10, Options(AlgorithmKind.SimplifiedTargetProp, epochs: 1));
        var m = sdtp.Fit(data, validation: TestData.MnistTest(100)).History[0];
        Assert.AreEqual(3, m.AlignmentAngles.Count);
        Assert.IsTrue(m.AlignmentAngles[0] is > 1 and < 180, "a TP update of the first layer is not BP's");
        Assert.IsTrue(m.AlignmentAngles[2] is < 1e-2, "the output layer is trained on the task loss in every algorithm");
        Assert.IsNull(m.ReconstructionErrors[0]);
        Assert.IsTrue(m.ReconstructionErrors[1] > 0 && m.ReconstructionErrors[2] > 0);
        Assert.IsTrue(m.TargetDistances[0] > 0 && m.TargetDistances[1] > 0);
        Assert.IsNotNull(m.ValidationAccuracy);
        Assert.IsNotNull(m.InverseLoss);
    }

    private static float[] InverseWeights(NetworkTrainer trainer) =>
        trainer.Algorithm.InverseParameters.SelectMany(p => p.data<float>().ToArray()).ToArray();

    [TestMethod]
    public void AlternatingScheduleTrainsInversesThenForwardWeights()
    {
        var data = TestData.MnistTrain(20);   // 200 examples: 7 batches of 32 per pass
        var options = Options(AlgorithmKind.DifferenceTargetProp, epochs: 3) with { HyperParameters = Options(AlgorithmKind.DifferenceTargetProp).HyperParameters with { Schedule = TrainingSchedule.Alternating } };
        using var trainer = new NetworkTrainer(NetworkSpec.Parse("fc(64) fc(64)"), data.Shape, 10, options);
        var theta0 = Weights(trainer);
        var lambda0 = InverseWeights(trainer);
        float[]? lambdaAfterInversePass = null, thetaAfterEpoch1 = null;
        int batch = 0;
        var history = trainer.Fit(data, beforeBatch: () =>
        {
            batch++;
            if (batch <= 7)
            {
                // Epoch 1's first pass trains only the inverses λ: θ stays at its initial value.
                CollectionAssert.AreEqual(theta0, Weights(trainer), $"θ changed during the inverse-only pass (batch {batch})");
                if (batch > 1) CollectionAssert.AreNotEqual(lambda0, InverseWeights(trainer), "λ must be trained by the inverse pass");
            }
            else if (batch == 8) lambdaAfterInversePass = InverseWeights(trainer);
            else if (batch <= 14)
                CollectionAssert.AreEqual(lambdaAfterInversePass, InverseWeights(trainer), $"λ changed during the forward-only pass (batch {batch})");
            else if (batch == 15) thetaAfterEpoch1 = Weights(trainer);
        }).History;
        Assert.AreEqual(42, batch, "3 epochs × (inverse pass + forward pass) × 7 batches");
        CollectionAssert.AreNotEqual(theta0, thetaAfterEpoch1, "θ must be trained by the forward pass");
        Assert.AreEqual(3, history.Count);
        Assert.IsTrue(history.All(h => h.InverseLoss is not null));
        Assert.IsTrue(history[^1].TrainLoss < history[0].TrainLoss);
    }

    [TestMethod]
    [DataRow(AlgorithmKind.DifferenceTargetProp)]
    [DataRow(AlgorithmKind.SimplifiedTargetProp)]
    [DataRow(AlgorithmKind.AugmentedOutputTargetProp)]
    public void AlternatingStepEqualsAnInverseStepThenAForwardStep(AlgorithmKind algorithm)
    {
        // One forward pass serves both halves of a per-minibatch alternation: the targets must still come from the
        // inverses after λ's step (a stale-target implementation gives other θ), and the noise draws must be the same.
        var data = TestData.MnistTrain(10);
        var options = Options(algorithm, alternateEvery: AlternationGranularity.Minibatch) with { HyperParameters = Options(algorithm).HyperParameters with { Schedule = TrainingSchedule.Alternating } };
        using var fused = new NetworkTrainer(Spec, data.Shape, 10, options);
        using var split = new NetworkTrainer(Spec, data.Shape, 10, options);
        using var x = tensor(data.Features, new long[] { data.Count, data.Shape.Size });
        using var y = tensor(data.Labels.Select(l => (long)l).ToArray());
        for (int b = 0; b < 3; b++)
        {
            using var scope = NewDisposeScope();
            var xb = x.narrow(0, 32 * b, 32);
            var yb = y.narrow(0, 32 * b, 32);
            var (logits, inverse) = fused.AlternatingStep(xb, yb);
            var (_, splitInverse) = split.Step(xb, yb, trainForward: false, trainInverse: true);
            var (splitLogits, _) = split.Step(xb, yb, trainForward: true, trainInverse: false);
            Assert.AreEqual(splitInverse!.item<float>(), inverse!.item<float>(), $"inverse loss, batch {b}");
            CollectionAssert.AreEqual(splitLogits.data<float>().ToArray(), logits.data<float>().ToArray(), $"logits, batch {b}");
            CollectionAssert.AreEqual(InverseWeights(split), InverseWeights(fused), $"λ after batch {b}");
            CollectionAssert.AreEqual(Weights(split), Weights(fused), $"θ after batch {b}");
        }
    }

    [TestMethod]
    [DataRow(AlgorithmKind.SimplifiedTargetProp, TrainingSchedule.Parallel, 3, false)]
    [DataRow(AlgorithmKind.DifferenceTargetProp, TrainingSchedule.Alternating, 3, true)]    // inside the inverse-only pass
    [DataRow(AlgorithmKind.DifferenceTargetProp, TrainingSchedule.Alternating, 10, true)]   // inside the forward-only pass
    [DataRow(AlgorithmKind.DifferenceTargetProp, TrainingSchedule.Alternating, 7, false)]   // between the two passes
    [DataRow(AlgorithmKind.SimplifiedTargetProp, TrainingSchedule.Alternating, 4, true, AlternationGranularity.Minibatch)]   // per-minibatch alternation
    public void CancellingMidEpochAndResumingContinuesExactlyLikeAnUninterruptedRun(AlgorithmKind algorithm, TrainingSchedule schedule, int cancelAtBatch, bool viaCheckpoint,
        AlternationGranularity alternateEvery = AlternationGranularity.Epoch)
    {
        var data = TestData.MnistTrain(20);   // 7 batches per pass
        var options = Options(algorithm, epochs: 2, alternateEvery: alternateEvery) with { HyperParameters = Options(algorithm).HyperParameters with { Schedule = schedule } };
        var spec = NetworkSpec.Parse("fc(64) fc(64)");
        using var straight = new NetworkTrainer(spec, data.Shape, 10, options);
        straight.Fit(data);

        string path = Path.Combine(TestSetup.TempFolder(), "cancelled.ckpt");
        using var first = new NetworkTrainer(spec, data.Shape, 10, options with { CheckpointPath = viaCheckpoint ? path : null });
        using var cts = new CancellationTokenSource();
        int batch = 0;
        var cancelled = first.Fit(data, cancellation: cts.Token, beforeBatch: () => { if (++batch == cancelAtBatch) cts.Cancel(); });
        Assert.IsTrue(cancelled.Cancelled);
        Assert.AreEqual(1, cancelled.History.Count);
        Assert.IsTrue(cancelled.History[0].Partial, "the interrupted epoch is marked partial");
        Assert.AreEqual(0, first.CompletedEpochs, "an interrupted epoch does not count as completed");
        CollectionAssert.AreNotEqual(Weights(straight), Weights(first));

        NetworkTrainer resumed = first;
        if (viaCheckpoint)
        {
            resumed = new NetworkTrainer(spec, data.Shape, 10, options with { Seed = 99 });
            resumed.LoadCheckpoint(path);
            Assert.AreEqual(0, resumed.CompletedEpochs);
        }
        try
        {
            var result = resumed.Fit(data);
            Assert.IsFalse(result.Cancelled);
            Assert.AreEqual(2, result.History.Count);
            Assert.IsTrue(result.History.All(h => !h.Partial));
            CollectionAssert.AreEqual(Weights(straight), Weights(resumed), "resumed weights equal the uninterrupted run's");
            CollectionAssert.AreEqual(InverseWeights(straight), InverseWeights(resumed));
            for (int e = 0; e < 2; e++)
                Assert.AreEqual(straight.History[e].TrainLoss, result.History[e].TrainLoss, 1e-9, $"epoch {e + 1} train loss");
        }
        finally
        {
            if (!ReferenceEquals(resumed, first)) resumed.Dispose();
        }
    }

    [TestMethod]
    public void CancellationStopsAndKeepsCompletedEpochs()
    {
        var data = TestData.MnistTrain(10);
        using var trainer = new NetworkTrainer(Spec, data.Shape, 10, Options(AlgorithmKind.Backprop, epochs: 50));
        using var cts = new CancellationTokenSource();
        var result = trainer.Fit(data, onEpoch: m => { if (m.Epoch == 2) cts.Cancel(); }, cancellation: cts.Token);
        Assert.IsTrue(result.Cancelled);
        Assert.AreEqual(2, result.History.Count);
    }

    [TestMethod]
    public void DivergenceStopsAndKeepsTheLastGoodWeights()
    {
        var data = TestData.MnistTrain(10);
        var options = Options(AlgorithmKind.Backprop, epochs: 3) with { HyperParameters = new HyperParameters { Forward = new AdamSettings(3e37, Beta1: 0) } };
        using var trainer = new NetworkTrainer(Spec, data.Shape, 10, options);
        var before = Weights(trainer);
        var result = trainer.Fit(data);
        Assert.IsNotNull(result.Divergence, "a learning rate of 3e37 must diverge");
        StringAssert.Contains(result.Divergence, "epoch 1, batch ");
        StringAssert.Contains(result.Divergence, "layer ");
        Assert.IsTrue(Weights(trainer).All(float.IsFinite), "weights must be the last finite ones");
        CollectionAssert.AreEqual(before, Weights(trainer));
    }

    [TestMethod]
    public void BadOptionsAndDataGiveErrorsNamingThem()
    {
        var data = TestData.MnistTrain(5);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NetworkTrainer(Spec, data.Shape, 10, Options(AlgorithmKind.Backprop) with { BatchSize = 0 })).Message, "BatchSize");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NetworkTrainer(Spec, data.Shape, 10, Options(AlgorithmKind.Backprop) with { Epochs = 0 })).Message, "Epochs");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NetworkTrainer(Spec, data.Shape, 10,
            Options(AlgorithmKind.Backprop) with { HyperParameters = new HyperParameters { Forward = new AdamSettings(0) } })).Message, "LearningRate");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new NetworkTrainer(Spec, data.Shape, 10,
            Options(AlgorithmKind.Backprop) with { HyperParameters = new HyperParameters { Sigma = -1 } })).Message, "Sigma");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new NetworkTrainer(Spec, data.Shape, 10, Options(AlgorithmKind.Backprop) with { Device = "tpu" })).Message, "tpu");
        using var trainer = new NetworkTrainer(Spec, data.Shape, 10, Options(AlgorithmKind.Backprop));
        var wrong = new InMemoryDataset(new float[3 * 100], new int[3], new ImageShape(1, 10, 10), 10);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => trainer.Fit(wrong)).Message, "1x28x28");
    }

    [TestMethod]
    public void CudaWithoutCudaGivesAClearError()
    {
        if (cuda.is_available()) Assert.Inconclusive("CUDA is available here; the error path cannot be exercised.");
        var data = TestData.MnistTrain(5);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => new NetworkTrainer(Spec, data.Shape, 10, Options(AlgorithmKind.Backprop) with { Device = "cuda" }));
        StringAssert.Contains(e.Message, "TorchSharp-cuda-linux");
    }
}
