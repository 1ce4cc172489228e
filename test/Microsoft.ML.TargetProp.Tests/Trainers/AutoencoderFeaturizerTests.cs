using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.Tests.Transforms;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.ML.TargetProp.Transforms;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Trainers;

/// <summary>The autoencoder featurizer: an ML.NET estimator whose code feeds any trainer, saved in and loaded from a zip.</summary>
[TestClass]
public sealed class AutoencoderFeaturizerTests
{
    private static IDataView Digits(MLContext ml, int perClass) => ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTrain(perClass)));

    private static IDataView TestDigits(MLContext ml) => ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTest(500)));

    [TestMethod]
    public void ResumingFromACheckpointMatchesAnUninterruptedFit()
    {
        var ml = new MLContext(seed: 1);
        var train = Digits(ml, 10);
        string path = Path.Combine(TestSetup.TempFolder(), "ae.ckpt");
        TargetProp.TorchSharp.Trainers.AutoencoderEstimator.Options Small(int epochs) => new()
        {
            HiddenLayers = "fc(32) fc(8) fc(32)",
            NumberOfEpochs = epochs,
            BatchSize = 25,
            Seed = 4,
            Diagnostics = false,
        };
        var straight = ml.Transforms.FeaturizeByAutoencoder(Small(3)).Fit(train);
        var first = Small(2);
        first.CheckpointPath = path;
        ml.Transforms.FeaturizeByAutoencoder(first).Fit(train);
        Assert.IsTrue(File.Exists(path), "a checkpoint is written (its history holds NaN accuracies)");
        var resume = Small(3);
        resume.CheckpointPath = path;
        int callbacks = 0;
        resume.MetricsCallback = _ => callbacks++;
        var resumed = ml.Transforms.FeaturizeByAutoencoder(resume).Fit(train);
        Assert.AreEqual(1, callbacks, "only epoch 3 is trained");
        Assert.AreEqual(3, resumed.Model.Network.History.Count);
        CollectionAssert.AreEqual(straight.Model.Network.Layers.SelectMany(l => l.Weight).ToArray(), resumed.Model.Network.Layers.SelectMany(l => l.Weight).ToArray());
    }

    [TestMethod]
    public void CodeFeedsAnMLNetTrainerAndTheZipRoundTrips()
    {
        var ml = new MLContext(seed: 1);
        var train = Digits(ml, 60);
        var epochs = new System.Collections.Generic.List<EpochMetrics>();
        var pipeline = ml.Transforms.FeaturizeByAutoencoder(new TargetProp.TorchSharp.Trainers.AutoencoderEstimator.Options
            {
                Algorithm = AlgorithmKind.DifferenceTargetProp,
                NumberOfEpochs = 6,
                BatchSize = 50,
                ReconstructionColumnName = "Reconstruction",
                HyperParameters = new HyperParameters { Forward = new AdamSettings(1e-3), Inverse = new AdamSettings(1e-3) },
                ValidationSet = TestDigits(ml),
                MetricsCallback = epochs.Add,
            })
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Code", maximumNumberOfIterations: 30));
        var model = pipeline.Fit(train);

        Assert.AreEqual(6, epochs.Count);
        Assert.IsTrue(epochs[^1].ValidationLoss < epochs[0].ValidationLoss, "held-out reconstruction error must fall");
        var scored = model.Transform(TestDigits(ml));
        var codeType = (VectorDataViewType)scored.Schema["Code"].Type;
        Assert.AreEqual(64, codeType.Size, "the paper's 784-512-64-512-784 autoencoder has a 64-unit code");
        var reconstructionType = (VectorDataViewType)scored.Schema["Reconstruction"].Type;
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, reconstructionType.Dimensions.ToArray(), "the reconstruction is shaped like the input");
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Console.WriteLine($"SDCA on the 64-d DTP code: accuracy {metrics.MicroAccuracy:P1}; validation ‖x − x̂‖² per epoch {string.Join(" ", epochs.Select(e => e.ValidationLoss!.Value.ToString("F2")))}");
        Assert.IsTrue(metrics.MicroAccuracy > 0.6, $"a linear classifier on the learned code must be far above chance; got {metrics.MicroAccuracy:P1}");

        string path = Path.Combine(Path.GetTempPath(), $"ae-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(model, train.Schema, path);
            var loaded = new MLContext().Model.Load(path, out _);
            var before = Read(scored);
            var after = Read(loaded.Transform(TestDigits(ml)));
            for (int i = 0; i < before.Length; i++)
            {
                CollectionAssert.AreEqual(before[i].Code, after[i].Code, $"row {i}: code differs after the zip round trip");
                CollectionAssert.AreEqual(before[i].Reconstruction, after[i].Reconstruction, $"row {i}: reconstruction differs after the zip round trip");
                Assert.AreEqual(before[i].PredictedLabel, after[i].PredictedLabel);
            }
            var engine = ml.Model.CreatePredictionEngine<MnistRow, CodeRow>(loaded);
            var row = MnistRow.From(TestData.MnistTest(1)).Single();
            var single = engine.Predict(row);
            CollectionAssert.AreEqual(before[0].Code, single.Code, "PredictionEngine gives the batched code");
            CollectionAssert.AreEqual(before[0].Reconstruction, single.Reconstruction, "PredictionEngine gives the batched reconstruction");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void ManagedCodeAndReconstructionMatchTorchSharp()
    {
        var data = TestData.MnistTrain(10);
        using var trainer = NetworkTrainer.ForAutoencoder(NetworkSpec.Parse("fc(512) fc(64) fc(512)"), data.Shape,
            new TrainingOptions { Algorithm = AlgorithmKind.SimplifiedTargetProp, Epochs = 2, BatchSize = 20, Diagnostics = false });
        trainer.Fit(data);
        var network = trainer.Network.ToModelParameters(AlgorithmKind.SimplifiedTargetProp);
        var transformer = new AutoencoderTransformer(new AutoencoderModelParameters(network), "Code", "Features", "Reconstruction");
        Assert.AreEqual(1, transformer.Model.CodeLayer, "the narrowest hidden layer (64 units) is the code by default");

        float[] torchCode, torchReconstruction = trainer.PredictOutputs(data);
        using (no_grad())
        using (var x = tensor(data.Features, new long[] { data.Count, 784 }))
        {
            var pass = trainer.Network.Run(x, layerLocal: true);
            torchCode = pass.Outputs[1].contiguous().data<float>().ToArray();
        }
        var ml = new MLContext();
        var rows = Read(transformer.Transform(ml.Data.LoadFromEnumerable(MnistRow.From(data))), withLabel: false);
        for (int i = 0; i < rows.Length; i++)
        {
            for (int j = 0; j < 64; j++) Assert.AreEqual(torchCode[i * 64 + j], rows[i].Code[j], 1e-4, $"code {i},{j}");
            for (int j = 0; j < 784; j++) Assert.AreEqual(torchReconstruction[i * 784 + j], rows[i].Reconstruction[j], 1e-4, $"reconstruction {i},{j}");
        }
    }

    [TestMethod]
    public void BadOptionsAndColumnsAreNamed()
    {
        var ml = new MLContext();
        var data = Digits(ml, 2);
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.FeaturizeByAutoencoder("Code", "Pixels").Fit(data));
        StringAssert.Contains(missing.Message, "'Pixels'");
        var same = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.FeaturizeByAutoencoder("Code", reconstructionColumnName: "Code").Fit(data));
        StringAssert.Contains(same.Message, "ReconstructionColumnName");
        var layer = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.FeaturizeByAutoencoder(new TargetProp.TorchSharp.Trainers.AutoencoderEstimator.Options { CodeLayer = 3 }).Fit(data));
        StringAssert.Contains(layer.Message, "CodeLayer");
        var spec = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.FeaturizeByAutoencoder(hiddenLayers: "fc(512) fc(").Fit(data));
        StringAssert.Contains(spec.Message, "HiddenLayers");
        var label = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.Transforms.FeaturizeByAutoencoder("Code", "Label").Fit(data));
        StringAssert.Contains(label.Message, "'Label'");
    }

    [TestMethod]
    public void MutatedAutoencoderZipsLoadIdenticallyOrThrowCleanly()
    {
        var data = TestData.MnistTrain(3);
        using var trainer = NetworkTrainer.ForAutoencoder(NetworkSpec.Parse("fc(32) fc(8) fc(32)"), data.Shape,
            new TrainingOptions { Algorithm = AlgorithmKind.Backprop, Epochs = 1, BatchSize = 10, Diagnostics = false });
        trainer.Fit(data);
        var transformer = new AutoencoderTransformer(new AutoencoderModelParameters(trainer.Network.ToModelParameters(AlgorithmKind.Backprop)));
        var ml = new MLContext();
        var input = ml.Data.LoadFromEnumerable(MnistRow.From(data));
        using var saved = new MemoryStream();
        ml.Model.Save(transformer, input.Schema, saved);
        var original = saved.ToArray();
        var expected = Codes(transformer.Transform(input));
        var random = new Random(5);
        int rejected = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            var bytes = ModelZipTests.Mutate(original, random, trial);
            try
            {
                var model = new MLContext().Model.Load(new MemoryStream(bytes), out _);
                var actual = Codes(model.Transform(input));
                for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i], $"trial {trial} loaded but encodes differently");
            }
            catch (Exception e) when (e is not (OutOfMemoryException or AssertFailedException or InsufficientExecutionStackException))
            {
                rejected++;
            }
        }
        Assert.IsTrue(rejected > 150, $"most mutations must be detected; {rejected} of 300 were");
    }

    private static float[][] Codes(IDataView scored) =>
        scored.GetColumn<float[]>(scored.Schema["Code"]).ToArray();

    private static CodeRow[] Read(IDataView scored, bool withLabel = true)
    {
        var ml = new MLContext();
        if (!withLabel)
        {
            var codes = scored.GetColumn<float[]>(scored.Schema["Code"]).ToArray();
            var reconstructions = scored.GetColumn<float[]>(scored.Schema["Reconstruction"]).ToArray();
            return codes.Select((c, i) => new CodeRow { Code = c, Reconstruction = reconstructions[i] }).ToArray();
        }
        return ml.Data.CreateEnumerable<CodeRow>(scored, reuseRowObject: false).ToArray();
    }

    /// <summary>The featurizer's outputs as a PredictionEngine or CreateEnumerable returns them.</summary>
    public sealed class CodeRow
    {
        public float[] Code { get; set; } = Array.Empty<float>();

        [VectorType(1, 28, 28)]
        public float[] Reconstruction { get; set; } = Array.Empty<float>();

        [ColumnName("PredictedLabel")]
        public uint PredictedLabel { get; set; }
    }
}
