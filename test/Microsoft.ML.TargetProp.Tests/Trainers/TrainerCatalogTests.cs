using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using Microsoft.ML.TargetProp.Transforms;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Trainers;

/// <summary>The trainers used exactly like ML.NET's own multiclass trainers.</summary>
[TestClass]
public sealed class TrainerCatalogTests
{
    private const string SmallLc = "lc(3x3,8,2) fc(64)";

    private static (MLContext Ml, IDataView Train, IDataView Test) Data(int perClass = 60, int test = 300)
    {
        var ml = new MLContext(seed: 1);
        var train = ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTrain(perClass)));
        var testData = ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTest(test)));
        return (ml, train, testData);
    }

    private static SimplifiedTargetPropTrainer.Options SmallOptions() => new()
    {
        Architecture = SmallLc,
        NumberOfEpochs = 5,
        BatchSize = 20,
        LearningRate = 2e-3,
        InverseLearningRate = 2e-3,
        Sigma = 0.1,
    };

    [TestMethod]
    public void FitEvaluateSaveLoadAndPredict()
    {
        var (ml, train, test) = Data();
        int epochsSeen = 0;
        var options = SmallOptions();
        options.MetricsCallback = m => epochsSeen = m.Epoch;
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.SimplifiedTargetProp(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(train);
        Assert.AreEqual(5, epochsSeen, "MetricsCallback must see every epoch");

        var scored = model.Transform(test);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Console.WriteLine($"micro accuracy {metrics.MicroAccuracy}, log-loss {metrics.LogLoss}, history: {string.Join("; ", model.OfType<TargetPropTransformer>().Single().Model.History.Select(h => $"{h.TrainLoss:F3} {h.TrainAccuracy:P0}"))}");
        Assert.IsTrue(metrics.MicroAccuracy > 0.6, $"micro accuracy {metrics.MicroAccuracy}");
        Assert.IsTrue(metrics.LogLoss < 1.5, $"log-loss {metrics.LogLoss}");

        var score = scored.Schema["Score"];
        Assert.AreEqual(10, ((VectorDataViewType)score.Type).Size);
        VBuffer<ReadOnlyMemory<char>> slots = default;
        score.GetSlotNames(ref slots);
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(), slots.DenseValues().Select(s => s.ToString()).OrderBy(s => s).ToArray());

        var transformer = model.OfType<TargetPropTransformer>().Single();
        Assert.AreEqual(AlgorithmKind.SimplifiedTargetProp, transformer.Model.Algorithm);
        Assert.AreEqual(5, transformer.Model.History.Count);
        Assert.AreEqual(3, transformer.Model.History[0].AlignmentAngles.Count);

        string path = Path.Combine(TestSetup.TempFolder(), "model.zip");
        ml.Model.Save(model, train.Schema, path);
        var fresh = new MLContext(seed: 5);
        var loaded = fresh.Model.Load(path, out var schema);
        Assert.AreEqual(train.Schema.Count, schema.Count);
        var before = ml.Data.CreateEnumerable<DigitPrediction>(scored, reuseRowObject: false).ToArray();
        var after = fresh.Data.CreateEnumerable<DigitPrediction>(loaded.Transform(test), reuseRowObject: false).ToArray();
        Assert.AreEqual(300, after.Length);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.AreEqual(before[i].PredictedLabel, after[i].PredictedLabel);
            CollectionAssert.AreEqual(before[i].Score, after[i].Score);
        }

        var engine = fresh.Model.CreatePredictionEngine<MnistRow, DigitPrediction>(loaded);
        var rows = MnistRow.From(TestData.MnistTest(20)).ToArray();
        for (int i = 0; i < rows.Length; i++)
        {
            var p = engine.Predict(rows[i]);
            Assert.AreEqual(before[i].PredictedLabel, p.PredictedLabel, $"row {i}");
            CollectionAssert.AreEqual(before[i].Score, p.Score, $"row {i}");
        }
    }

    [TestMethod]
    public void EpochsAreLoggedUnderTheTrainersNameAndCancelExecutionStopsTraining()
    {
        var (ml, train, _) = Data(perClass: 10, test: 10);
        var messages = new System.Collections.Concurrent.ConcurrentQueue<(string Source, string Message)>();
        ml.Log += (_, e) => messages.Enqueue((e.Source, e.Message));
        var options = SmallOptions();
        options.NumberOfEpochs = 2;
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(train);
        ml.MulticlassClassification.Trainers.SimplifiedTargetProp(options).Fit(keyed);
        Assert.IsTrue(messages.Any(m => m.Source.Contains(nameof(SimplifiedTargetPropTrainer)) && m.Message.Contains("Epoch 2/2")),
            "each epoch is logged through mlContext.Log with the trainer's name as source");

        using var source = new System.Threading.CancellationTokenSource();
        var byToken = SmallOptions();
        byToken.NumberOfEpochs = 50;
        byToken.CancellationToken = source.Token;
        byToken.MetricsCallback = m => { if (m.Epoch == 1) source.Cancel(); };
        Assert.ThrowsExactly<OperationCanceledException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(byToken).Fit(keyed));

        // MLContext.CancelExecution is internal in ML.NET 5.0 (hosts such as AutoML call it); the trainers honour it.
        var cancelExecution = typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!;
        var byHost = SmallOptions();
        byHost.NumberOfEpochs = 50;
        byHost.MetricsCallback = m => { if (m.Epoch == 1) cancelExecution.Invoke(ml, null); };
        Assert.ThrowsExactly<OperationCanceledException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(byHost).Fit(keyed));
    }

    [TestMethod]
    public void EveryTrainerIsReachableFromTheCatalog()
    {
        var (ml, train, test) = Data(perClass: 20, test: 100);
        var trainers = new IEstimator<ITransformer>[]
        {
            ml.MulticlassClassification.Trainers.SimplifiedTargetProp(architecture: SmallLc, numberOfEpochs: 2, batchSize: 20, learningRate: 1e-3),
            ml.MulticlassClassification.Trainers.DifferenceTargetProp(architecture: SmallLc, numberOfEpochs: 2, batchSize: 20, learningRate: 1e-3),
            ml.MulticlassClassification.Trainers.AugmentedOutputTargetProp(architecture: SmallLc, numberOfEpochs: 2, batchSize: 20, auxiliaryUnits: 16, learningRate: 1e-3),
            ml.MulticlassClassification.Trainers.FeedbackAlignment(architecture: SmallLc, numberOfEpochs: 2, batchSize: 20, learningRate: 1e-3),
            ml.MulticlassClassification.Trainers.DirectFeedbackAlignment(architecture: SmallLc, numberOfEpochs: 2, batchSize: 20, learningRate: 1e-3),
            ml.MulticlassClassification.Trainers.Backprop(architecture: SmallLc, numberOfEpochs: 2, batchSize: 20, learningRate: 1e-3),
            ml.MulticlassClassification.Trainers.SimplifiedTargetProp(SimplifiedTargetPropTrainer.Options.FromPaper("mnist-fc", TrainingSchedule.Alternating) is var o ? Shrink(o) : null!),
        };
        var kinds = new[] { AlgorithmKind.SimplifiedTargetProp, AlgorithmKind.DifferenceTargetProp, AlgorithmKind.AugmentedOutputTargetProp,
            AlgorithmKind.FeedbackAlignment, AlgorithmKind.DirectFeedbackAlignment, AlgorithmKind.Backprop, AlgorithmKind.SimplifiedTargetProp };
        for (int i = 0; i < trainers.Length; i++)
        {
            var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainers[i]).Fit(train);
            var transformer = ((TransformerChain<ITransformer>)model).OfType<TargetPropTransformer>().Single();
            Assert.AreEqual(kinds[i], transformer.Model.Algorithm);
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
            Assert.IsTrue(metrics.MicroAccuracy > 0 && double.IsFinite(metrics.LogLoss), $"{kinds[i]}: evaluation must run");
            var history = transformer.Model.History;
            Assert.AreEqual(2, history.Count);
            Assert.IsTrue(history.All(h => double.IsFinite(h.TrainLoss)), $"{kinds[i]}: finite training losses");
            // How well each algorithm learns is tested in Training/LearningTests; here: it is reachable and trains.
        }

        // The Options overload of every trainer, on tiny data for one epoch.
        var tiny = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTrain(5))));
        var trainersCatalog = ml.MulticlassClassification.Trainers;
        var byOptions = new (AlgorithmKind Kind, Func<TargetPropTrainerOptions, IEstimator<TargetPropTransformer>> Create, TargetPropTrainerOptions Options)[]
        {
            (AlgorithmKind.SimplifiedTargetProp, o => trainersCatalog.SimplifiedTargetProp((SimplifiedTargetPropTrainer.Options)o), new SimplifiedTargetPropTrainer.Options()),
            (AlgorithmKind.DifferenceTargetProp, o => trainersCatalog.DifferenceTargetProp((DifferenceTargetPropTrainer.Options)o), new DifferenceTargetPropTrainer.Options()),
            (AlgorithmKind.AugmentedOutputTargetProp, o => trainersCatalog.AugmentedOutputTargetProp((AugmentedOutputTargetPropTrainer.Options)o), new AugmentedOutputTargetPropTrainer.Options { AuxiliaryUnits = 8 }),
            (AlgorithmKind.FeedbackAlignment, o => trainersCatalog.FeedbackAlignment((FeedbackAlignmentTrainer.Options)o), new FeedbackAlignmentTrainer.Options()),
            (AlgorithmKind.DirectFeedbackAlignment, o => trainersCatalog.DirectFeedbackAlignment((DirectFeedbackAlignmentTrainer.Options)o), new DirectFeedbackAlignmentTrainer.Options()),
            (AlgorithmKind.Backprop, o => trainersCatalog.Backprop((BackpropTrainer.Options)o), new BackpropTrainer.Options()),
        };
        foreach (var (kind, create, options) in byOptions)
        {
            options.Architecture = "fc(16)";
            options.NumberOfEpochs = 1;
            options.BatchSize = 10;
            var model = create(options).Fit(tiny);
            Assert.AreEqual(kind, model.Model.Algorithm, $"{kind}: Options overload");
            Assert.AreEqual(1, model.Model.History.Count, $"{kind}: Options overload");
        }
    }

    [TestMethod]
    public void EveryRegisteredRuleHasATrainerAndAFlatAndOptionsCatalogPair()
    {
        var catalogMethods = typeof(TargetPropCatalog).GetMethods().Where(m => m.IsStatic && m.IsPublic).ToList();
        foreach (var rule in Microsoft.ML.TargetProp.TorchSharp.Algorithms.AlgorithmRegistry.All)
        {
            var trainer = typeof(TargetPropCatalog).Assembly.GetType($"Microsoft.ML.TargetProp.TorchSharp.Trainers.{rule.Name}Trainer");
            Assert.IsNotNull(trainer, $"{rule.Name}Trainer");
            var pair = catalogMethods.Where(m => m.Name == rule.Name && m.ReturnType == trainer).ToList();
            Assert.AreEqual(2, pair.Count, $"{rule.Name}: a flat and an Options overload");
            Assert.IsTrue(pair.Any(m => m.GetParameters().Length == 2 && m.GetParameters()[1].ParameterType == trainer.GetNestedType("Options")), $"{rule.Name}: the Options overload");
        }
    }

    [TestMethod]
    public void TheLaterRulesTrainThroughTheCatalogAndTheirModelsKeepNameAndSettings()
    {
        var (ml, train, test) = Data(perClass: 20, test: 100);
        var catalog = ml.MulticlassClassification.Trainers;
        var trainers = new (string Name, IEstimator<ITransformer> Trainer)[]
        {
            ("KolenPollack", catalog.KolenPollack(architecture: SmallLc, numberOfEpochs: 2, batchSize: 20, learningRate: 1e-3, weightDecay: 2)),
            ("SignSymmetry", catalog.SignSymmetry(architecture: SmallLc, numberOfEpochs: 2, batchSize: 20, learningRate: 1e-3)),
            ("DirectRandomTargetProjection", catalog.DirectRandomTargetProjection(architecture: SmallLc, numberOfEpochs: 2, batchSize: 20, learningRate: 1e-3)),
            ("FixedWeightTargetProp", catalog.FixedWeightTargetProp(architecture: SmallLc, numberOfEpochs: 2, batchSize: 20, learningRate: 1e-3, alpha: 0.05)),
        };
        string folder = TestSetup.TempFolder();
        foreach (var (name, estimator) in trainers)
        {
            var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(estimator).Fit(train);
            var transformer = ((TransformerChain<ITransformer>)model).OfType<TargetPropTransformer>().Single();
            Assert.AreEqual(name, transformer.Model.AlgorithmName);
            Assert.AreEqual(AlgorithmKind.Unknown, transformer.Model.Algorithm, "the scoring assembly does not know the later rules, and needs not");
            Assert.AreEqual(2, transformer.Model.History.Count);
            var scored = model.Transform(test);
            var metrics = ml.MulticlassClassification.Evaluate(scored);
            Assert.IsTrue(metrics.MicroAccuracy > 0 && double.IsFinite(metrics.LogLoss), $"{name}: evaluation must run");   // how well: Training/LearningTests
            string path = Path.Combine(folder, name + ".zip");
            ml.Model.Save(model, train.Schema, path);
            var loaded = ml.Model.Load(path, out _);
            var reloaded = ((TransformerChain<ITransformer>)loaded).OfType<TargetPropTransformer>().Single();
            Assert.AreEqual(name, reloaded.Model.AlgorithmName);
            Assert.AreEqual(transformer.Model.HyperParameters, reloaded.Model.HyperParameters);
            CollectionAssert.AreEqual(scored.GetColumn<float[]>("Score").SelectMany(v => v).ToArray(), loaded.Transform(test).GetColumn<float[]>("Score").SelectMany(v => v).ToArray());
        }
        var kp = ((TransformerChain<ITransformer>)ml.Transforms.Conversion.MapValueToKey("Label").Append(trainers[0].Trainer).Fit(train)).OfType<TargetPropTransformer>().Single();
        Assert.AreEqual(2.0, kp.Model.HyperParameters.Settings.Get("WeightDecay", double.NaN));

        // The Options overloads, their defaults, and a setting's range error under the Options field's name.
        Assert.AreEqual(Microsoft.ML.TargetProp.TorchSharp.Algorithms.KolenPollack.WeightDecay.Default, new KolenPollackTrainer.Options().WeightDecay);
        Assert.AreEqual(FeedbackAlignmentTrainer.Options.FromPaper("mnist-fc").LearningRate, KolenPollackTrainer.Options.FromPaper("mnist-fc").LearningRate, "KP starts from FA's Table 5 column");
        Assert.AreEqual(DifferenceTargetPropTrainer.Options.FromPaper("cifar-fc").Alpha, FixedWeightTargetPropTrainer.Options.FromPaper("cifar-fc").Alpha, "FW-DTP reads DTP's α");
        var bad = new KolenPollackTrainer.Options { Architecture = "fc(16)", NumberOfEpochs = 1, WeightDecay = -1 };
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => catalog.KolenPollack(bad).Fit(ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(train)));
        StringAssert.Contains(error.Message, "Options.WeightDecay must be in [0, 1000]; got -1");
        var options = new SignSymmetryTrainer.Options { Architecture = "fc(16)", NumberOfEpochs = 1, BatchSize = 10, Scale = 0.5 };
        var ss = catalog.SignSymmetry(options).Fit(ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(train));
        Assert.AreEqual(0.5, ss.Model.HyperParameters.Settings.Get("Scale", double.NaN));
    }

    private static SimplifiedTargetPropTrainer.Options Shrink(SimplifiedTargetPropTrainer.Options o)
    {
        Assert.AreEqual("mnist-fc", o.Architecture);
        Assert.AreEqual(0.009572, o.InverseLearningRate);
        Assert.AreEqual(TrainingSchedule.Alternating, o.Schedule);
        o.Architecture = "fc(32)";
        o.NumberOfEpochs = 2;
        o.BatchSize = 20;
        return o;
    }

    [TestMethod]
    public void FlatOverloadsWithAPresetStartFromThatPresetsTable5Values()
    {
        var trainers = new MLContext(seed: 1).MulticlassClassification.Trainers;
        AssertSameFields(BackpropTrainer.Options.FromPaper("cifar-fc"), trainers.Backprop(architecture: "cifar-fc").TrainerOptions);
        AssertSameFields(FeedbackAlignmentTrainer.Options.FromPaper("cifar-fc"), trainers.FeedbackAlignment(architecture: "cifar-fc").TrainerOptions);
        AssertSameFields(DirectFeedbackAlignmentTrainer.Options.FromPaper("cifar-fc"), trainers.DirectFeedbackAlignment(architecture: "cifar-fc").TrainerOptions);
        AssertSameFields(DifferenceTargetPropTrainer.Options.FromPaper("cifar-fc"), trainers.DifferenceTargetProp(architecture: "cifar-fc").TrainerOptions);
        AssertSameFields(SimplifiedTargetPropTrainer.Options.FromPaper("cifar-fc"), trainers.SimplifiedTargetProp(architecture: "cifar-fc").TrainerOptions);
        AssertSameFields(AugmentedOutputTargetPropTrainer.Options.FromPaper("cifar-fc"), trainers.AugmentedOutputTargetProp(architecture: "cifar-fc").TrainerOptions);
        Assert.AreNotEqual(new SimplifiedTargetPropTrainer.Options().LearningRate, trainers.SimplifiedTargetProp(architecture: "cifar-fc").TrainerOptions.LearningRate,
            "cifar-fc's Table 5 learning rate differs from MNIST-LC's, so this test can tell them apart");

        // A spec (not a preset) keeps the defaults; explicit arguments still win over Table 5.
        AssertSameFields(new SimplifiedTargetPropTrainer.Options { Architecture = SmallLc }, trainers.SimplifiedTargetProp(architecture: SmallLc).TrainerOptions);
        var explicitRate = trainers.SimplifiedTargetProp(architecture: "cifar-fc", learningRate: 0.5, sigma: 0.25).TrainerOptions;
        Assert.AreEqual(0.5, explicitRate.LearningRate);
        Assert.AreEqual(0.25, explicitRate.Sigma);
        Assert.AreEqual(SimplifiedTargetPropTrainer.Options.FromPaper("cifar-fc").InverseLearningRate, explicitRate.InverseLearningRate);
    }

    [TestMethod]
    public void DefaultsAreTheSearchedPresetWhereOneIsCommittedAndTable5Elsewhere()
    {
        // What the MNIST-LC search decided (docs/results.md): SDTP's defaults are presets/mnist-lc-sdtp-parallel.json.
        var file = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(TestSetup.RepoRoot, "presets", "mnist-lc-sdtp-parallel.json"))).RootElement.GetProperty("hyperParameters");
        var sdtp = new SimplifiedTargetPropTrainer.Options();
        Assert.AreEqual(file.GetProperty("forward").GetProperty("learningRate").GetDouble(), sdtp.LearningRate);
        Assert.AreEqual(file.GetProperty("forward").GetProperty("epsilon").GetDouble(), sdtp.Epsilon);
        Assert.AreEqual(file.GetProperty("inverse").GetProperty("learningRate").GetDouble(), sdtp.InverseLearningRate);
        Assert.AreEqual(file.GetProperty("inverse").GetProperty("beta2").GetDouble(), sdtp.InverseBeta2);
        Assert.AreEqual(file.GetProperty("sigma").GetDouble(), sdtp.Sigma);
        Assert.AreNotEqual(SimplifiedTargetPropTrainer.Options.FromPaper("mnist-lc").InverseLearningRate, sdtp.InverseLearningRate, "FromPaper stays Table 5's");
        var trainers = new MLContext(seed: 1).MulticlassClassification.Trainers;
        AssertSameFields(sdtp, trainers.SimplifiedTargetProp(architecture: "mnist-lc").TrainerOptions);
        AssertSameFields(SimplifiedTargetPropTrainer.Options.Recommended("mnist-lc"), sdtp);

        // Searched presets of other cells are picked up by Recommended and the flat overloads; unsearched cells keep Table 5.
        AssertSameFields(FeedbackAlignmentTrainer.Options.Recommended("mnist-fc"), trainers.FeedbackAlignment(architecture: "mnist-fc").TrainerOptions);
        Assert.AreNotEqual(FeedbackAlignmentTrainer.Options.FromPaper("mnist-fc").LearningRate, FeedbackAlignmentTrainer.Options.Recommended("mnist-fc").LearningRate);
        var alternating = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(TestSetup.RepoRoot, "presets", "mnist-fc-sdtp-alternating.json"))).RootElement.GetProperty("hyperParameters");
        Assert.AreEqual(alternating.GetProperty("inverse").GetProperty("learningRate").GetDouble(),
            SimplifiedTargetPropTrainer.Options.Recommended("mnist-fc", TrainingSchedule.Alternating).InverseLearningRate);
        // SDTP alternating on MNIST-LC carries the parallel cell's winner (measured on its own schedule in docs/results.md).
        var lcAlternating = SimplifiedTargetPropTrainer.Options.Recommended("mnist-lc", TrainingSchedule.Alternating);
        Assert.AreEqual(sdtp.InverseLearningRate, lcAlternating.InverseLearningRate);
        Assert.AreEqual(TrainingSchedule.Alternating, lcAlternating.Schedule);
        Assert.AreNotEqual(SimplifiedTargetPropTrainer.Options.FromPaper("mnist-lc", TrainingSchedule.Alternating).InverseLearningRate, lcAlternating.InverseLearningRate);
        AssertSameFields(new AugmentedOutputTargetPropTrainer.Options(), AugmentedOutputTargetPropTrainer.Options.FromPaper("mnist-lc"));
        AssertSameFields(new BackpropTrainer.Options(), BackpropTrainer.Options.FromPaper("mnist-lc"));
        AssertSameFields(new DifferenceTargetPropTrainer.Options(), DifferenceTargetPropTrainer.Options.FromPaper("mnist-lc"));
        Assert.AreEqual(Directory.GetFiles(Path.Combine(TestSetup.RepoRoot, "presets"), "*.json").Length,
            Microsoft.ML.TargetProp.TorchSharp.Algorithms.SearchedPresets.Cells.Count, "every presets/*.json is embedded");
    }

    private static void AssertSameFields<T>(T expected, T actual)
    {
        foreach (var field in typeof(T).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
            Assert.AreEqual(field.GetValue(expected), field.GetValue(actual), $"{typeof(T).DeclaringType?.Name}.Options.{field.Name}");
    }

    [TestMethod]
    public void ClearErrorsForBadColumnsAndShapes()
    {
        var ml = new MLContext(1);
        var rows = MnistRow.From(TestData.MnistTrain(3)).ToArray();
        var raw = ml.Data.LoadFromEnumerable(rows);
        var trainer = ml.MulticlassClassification.Trainers.SimplifiedTargetProp(architecture: SmallLc, numberOfEpochs: 2, batchSize: 20, learningRate: 1e-3);

        var notKey = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(raw));
        StringAssert.Contains(notKey.Message, "'Label'");
        StringAssert.Contains(notKey.Message, "MapValueToKey");

        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.MulticlassClassification.Trainers.SimplifiedTargetProp(featureColumnName: "Pixels", architecture: SmallLc).Fit(keyed));
        StringAssert.Contains(missing.Message, "'Pixels'");
        var noLabel = ml.MulticlassClassification.Trainers.SimplifiedTargetProp(labelColumnName: "Digit", architecture: SmallLc);
        var missingLabel = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => noLabel.Fit(keyed));
        StringAssert.Contains(missingLabel.Message, "Label column 'Digit' not found");
        StringAssert.Contains(missingLabel.Message, "Features", "the error lists the available columns");

        var flat = ml.Data.LoadFromEnumerable(rows.Select(r => new FlatRow { Features = r.Features, Label = r.Label }));
        var flatKeyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(flat).Transform(flat);
        var noShape = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(flatKeyed));
        StringAssert.Contains(noShape.Message, "ImageShape");
        var withShape = new SimplifiedTargetPropTrainer.Options { Architecture = SmallLc, NumberOfEpochs = 1, ImageShape = new ImageShape(1, 28, 28) };
        Assert.IsNotNull(ml.MulticlassClassification.Trainers.SimplifiedTargetProp(withShape).Fit(flatKeyed));
        var wrongShape = new SimplifiedTargetPropTrainer.Options { Architecture = SmallLc, ImageShape = new ImageShape(3, 28, 28) };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(wrongShape).Fit(flatKeyed)).Message, "3x28x28");

        var badSigma = new SimplifiedTargetPropTrainer.Options { Sigma = -0.5 };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(badSigma).Fit(keyed)).Message, "Sigma");
        var badSpec = new SimplifiedTargetPropTrainer.Options { Architecture = "lc(3x3,8" };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(badSpec).Fit(keyed)).Message, "Options.Architecture: ");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(badSpec).Fit(keyed)).Message, "position");
    }
}
