using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using Microsoft.ML.TargetProp.Transforms;
using Microsoft.ML.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Trainers;

/// <summary>ML.NET trainer conventions: trainer and transformer interfaces, Fit(train, validation), seeds from the MLContext, checkpoints, divergence.</summary>
[TestClass]
public sealed class TrainerConventionsTests
{
    private static IDataView Keyed(MLContext ml, int perClass = 5)
    {
        var data = ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTrain(perClass)));
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
    }

    private static SimplifiedTargetPropTrainer.Options Small(int epochs = 1, int? seed = null) => new()
    {
        Architecture = "fc(16)",
        NumberOfEpochs = epochs,
        BatchSize = 10,
        LearningRate = 1e-3,
        Seed = seed,
    };

    private static float[] Weights(TargetPropModelParameters model) => model.Layers.SelectMany(l => l.Weight.Concat(l.Bias)).ToArray();

    [TestMethod]
    public void TrainersAreTrainerEstimatorsAndFitTakesValidationData()
    {
        var ml = new MLContext(seed: 1);
        var train = Keyed(ml);
        var validation = Keyed(ml, perClass: 2);
        var trainer = ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Small(epochs: 2));
        ITrainerEstimator<ISingleFeaturePredictionTransformer<TargetPropModelParameters>, TargetPropModelParameters> asTrainer = trainer;
        Assert.IsFalse(asTrainer.Info.NeedNormalization);
        Assert.IsFalse(asTrainer.Info.WantCaching);
        // SupportsValidation is internal in ML.NET 5.0 (its trainers and AutoML read it).
        var supportsValidation = typeof(TrainerInfo).GetProperty("SupportsValidation", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)!;
        Assert.AreEqual(true, supportsValidation.GetValue(asTrainer.Info));

        var withValidation = trainer.Fit(train, validation);
        Assert.AreEqual(2, withValidation.Model.History.Count);
        Assert.IsTrue(withValidation.Model.History.All(h => h.ValidationAccuracy is >= 0 and <= 1 && h.ValidationLoss is > 0), "Fit(train, validation) measures the validation data every epoch");
        Assert.IsTrue(trainer.Fit(train).Model.History.All(h => h.ValidationAccuracy is null), "without validation data there is no validation metric");

        ISingleFeaturePredictionTransformer<TargetPropModelParameters> transformer = withValidation;
        Assert.AreEqual("Features", transformer.FeatureColumnName);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 784), transformer.FeatureColumnType);
        Assert.AreSame(withValidation.Model, transformer.Model);
        Assert.ThrowsExactly<ArgumentNullException>(() => trainer.Fit(train, null!));
    }

    [TestMethod]
    public void AnUnsetSeedComesFromTheMLContext()
    {
        float[] Fit(int contextSeed, int? seed = null)
        {
            var ml = new MLContext(seed: contextSeed);
            var model = ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Small(seed: seed)).Fit(Keyed(ml));
            var scores = ml.Data.CreateEnumerable<DigitScores>(model.Transform(Keyed(ml, perClass: 1)), reuseRowObject: false).SelectMany(r => r.Score);
            return Weights(model.Model).Concat(scores).ToArray();
        }

        CollectionAssert.AreEqual(Fit(7), Fit(7), "the same MLContext seed gives the same model and scores");
        CollectionAssert.AreNotEqual(Fit(7), Fit(8), "another MLContext seed gives another model");
        CollectionAssert.AreEqual(Fit(7, seed: 3), Fit(8, seed: 3), "an explicit Options.Seed wins over the MLContext's");

        float[] Autoencoder(int contextSeed)
        {
            var ml = new MLContext(seed: contextSeed);
            var model = ml.Transforms.FeaturizeByAutoencoder(hiddenLayers: "fc(8)", numberOfEpochs: 1, batchSize: 10).Fit(Keyed(ml));
            return model.Model.Network.Layers.SelectMany(l => l.Weight).ToArray();
        }

        CollectionAssert.AreEqual(Autoencoder(7), Autoencoder(7));
        CollectionAssert.AreNotEqual(Autoencoder(7), Autoencoder(8));
    }

    [TestMethod]
    public void ResumingFromACheckpointMatchesAnUninterruptedFit()
    {
        var ml = new MLContext(seed: 1);
        var train = Keyed(ml);
        string path = Path.Combine(TestSetup.TempFolder(), "sdtp.ckpt");
        var straight = ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Small(epochs: 3, seed: 5)).Fit(train);

        var first = Small(epochs: 2, seed: 5);
        first.CheckpointPath = path;
        Assert.AreEqual(2, ml.MulticlassClassification.Trainers.SimplifiedTargetProp(first).Fit(train).Model.History.Count);
        Assert.IsTrue(File.Exists(path), "a checkpoint is written");

        var messages = new System.Collections.Concurrent.ConcurrentQueue<string>();
        ml.Log += (_, e) => messages.Enqueue(e.Message);
        int callbacks = 0;
        var resume = Small(epochs: 3, seed: 99);   // the checkpoint's random state wins over the seed
        resume.CheckpointPath = path;
        resume.MetricsCallback = _ => callbacks++;
        var resumed = ml.MulticlassClassification.Trainers.SimplifiedTargetProp(resume).Fit(train);
        Assert.IsTrue(messages.Any(m => m.Contains("Resumed after epoch 2")), "the resume is logged");
        Assert.AreEqual(1, callbacks, "only epoch 3 is trained");
        Assert.AreEqual(3, resumed.Model.History.Count);
        CollectionAssert.AreEqual(Weights(straight.Model), Weights(resumed.Model));
        Assert.AreEqual(straight.Model.History[^1].TrainLoss, resumed.Model.History[^1].TrainLoss);

        var other = new BackpropTrainer.Options { Architecture = "fc(16)", NumberOfEpochs = 1, BatchSize = 10, CheckpointPath = path };
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.Backprop(other).Fit(train));
        StringAssert.Contains(e.Message, "CheckpointPath");
        var badInterval = Small();
        badInterval.CheckpointInterval = 0;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(badInterval).Fit(train)).Message, "CheckpointInterval");

    }

    /// <summary>Issue 31: inside an epoch, mlContext.Log gets a line every ProgressLogInterval (batch, samples/s).</summary>
    [TestMethod]
    public void ALongEpochLogsProgressLinesThroughMLContextLog()
    {
        var ml = new MLContext(seed: 1);
        var messages = new System.Collections.Concurrent.ConcurrentQueue<string>();
        ml.Log += (_, e) => { if (e.Source.Contains(nameof(SimplifiedTargetPropTrainer), StringComparison.Ordinal)) messages.Enqueue(e.Message); };
        var saved = Microsoft.ML.TargetProp.TorchSharp.Trainers.EstimatorRun.ProgressLogInterval;
        try
        {
            Microsoft.ML.TargetProp.TorchSharp.Trainers.EstimatorRun.ProgressLogInterval = TimeSpan.Zero;
            ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Small(epochs: 2)).Fit(Keyed(ml));
        }
        finally
        {
            Microsoft.ML.TargetProp.TorchSharp.Trainers.EstimatorRun.ProgressLogInterval = saved;
        }
        var lines = messages.Where(m => System.Text.RegularExpressions.Regex.IsMatch(m, @"\] epoch [12]/2: batch [0-9]+/5, [0-9,]+ samples/s$")).ToArray();
        Assert.IsTrue(lines.Length >= 6, "a progress line per batch with a zero interval:\n" + string.Join("\n", messages));
        Assert.IsTrue(lines.Any(l => l.Contains("] epoch 2/2", StringComparison.Ordinal)), "the epoch number advances");
    }

    [TestMethod]
    public void DivergenceIsRecordedOnTheModel()
    {
        var ml = new MLContext(seed: 1);
        var train = Keyed(ml);
        var options = new BackpropTrainer.Options { Architecture = "fc(16)", NumberOfEpochs = 3, BatchSize = 10, LearningRate = 3e37, Beta1 = 0, Seed = 0 };
        var diverged = ml.MulticlassClassification.Trainers.Backprop(options).Fit(train);
        Assert.IsNotNull(diverged.Model.Divergence, "a learning rate of 3e37 must diverge");
        StringAssert.Contains(diverged.Model.Divergence, "epoch 1");
        Assert.IsTrue(Weights(diverged.Model).All(float.IsFinite), "the last good weights are kept");
        Assert.IsNull(ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Small()).Fit(train).Model.Divergence);

        var autoencoder = ml.Transforms.FeaturizeByAutoencoder(new AutoencoderEstimator.Options
        {
            Algorithm = AlgorithmKind.Backprop, HiddenLayers = "fc(8)", NumberOfEpochs = 3, BatchSize = 10, Seed = 0,
            HyperParameters = new HyperParameters { Forward = new AdamSettings(3e37, Beta1: 0) },
        }).Fit(train);
        Assert.IsNotNull(autoencoder.Model.Divergence);
        StringAssert.Contains(autoencoder.Model.Divergence, "epoch 1");
    }

    private sealed class DigitScores
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }
}
