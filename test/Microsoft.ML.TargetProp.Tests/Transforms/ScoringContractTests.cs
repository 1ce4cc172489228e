using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using Microsoft.ML.TargetProp.Transforms;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Transforms;

/// <summary>Issue 14: scoring reads its input once, never gives a class for an unscorable row, and carries ML.NET's scorer annotations.</summary>
[TestClass]
public sealed class ScoringContractTests
{
    private static readonly string[] Digits = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>An untrained mnist-lc classifier with the digits as label values (scores are still distinct per image).</summary>
    private static TargetPropTransformer Classifier(string architecture = "lc(3x3,4,2) fc(16)")
    {
        using var net = new TargetPropNetwork(NetworkSpec.Parse(architecture), new ImageShape(1, 28, 28), 10, new Generator(3, CPU));
        return new TargetPropTransformer(net.ToModelParameters(AlgorithmKind.Backprop), labelValues: LabelKeyValues.FromNames(Digits));
    }

    /// <summary>Rows that can be enumerated once; a second enumeration throws.</summary>
    private sealed class OnceOnly<T> : IEnumerable<T>
    {
        private readonly IEnumerable<T> _items;
        private int _enumerations;

        public OnceOnly(IEnumerable<T> items) => _items = items;

        public IEnumerator<T> GetEnumerator()
        {
            if (++_enumerations > 1) throw new InvalidOperationException("this source can be read only once");
            return _items.GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public sealed class Scored
    {
        [VectorType(1, 28, 28)] public float[] Features { get; set; } = Array.Empty<float>();
        public string Label { get; set; } = "";
        public uint PredictedLabel { get; set; }
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    [TestMethod]
    public void ASourceReadableOnlyOnceGetsEveryRowWithItsOwnScores()
    {
        var ml = new MLContext(0);
        var rows = MnistRow.From(TestData.MnistTrain(60)).ToArray();   // 600 rows: more than two scoring blocks
        var transformer = Classifier();
        var engine = ml.Model.CreatePredictionEngine<MnistRow, Scored>(transformer);
        var expected = rows.Select(r => engine.Predict(r)).ToArray();

        foreach (bool consuming in new[] { false, true })
        {
            IEnumerable<MnistRow> source;
            if (consuming)
            {
                var queue = new BlockingCollection<MnistRow>();
                foreach (var r in rows) queue.Add(r);
                queue.CompleteAdding();
                source = queue.GetConsumingEnumerable();
            }
            else source = new OnceOnly<MnistRow>(rows);
            var scored = ml.Data.CreateEnumerable<Scored>(transformer.Transform(ml.Data.LoadFromEnumerable(source)), reuseRowObject: false).ToArray();
            Assert.AreEqual(rows.Length, scored.Length, consuming ? "BlockingCollection" : "once-only enumerable");
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.AreEqual(rows[i].Label, scored[i].Label, $"row {i}: the pass-through column");
                CollectionAssert.AreEqual(rows[i].Features, scored[i].Features, $"row {i}: the features");
                Assert.AreEqual(expected[i].PredictedLabel, scored[i].PredictedLabel, $"row {i}");
                for (int k = 0; k < 10; k++) Assert.AreEqual(expected[i].Score[k], scored[i].Score[k], 1e-6f, $"row {i}, class {k}");
            }
        }
    }

    [TestMethod]
    public void CursorSetsAndShuffledCursorsScoreEachRowTheirOwn()
    {
        var ml = new MLContext(0);
        var rows = MnistRow.From(TestData.MnistTrain(30)).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var scored = Classifier().Transform(ml.Data.Cache(data));
        var reference = ml.Data.CreateEnumerable<Scored>(scored, reuseRowObject: false).ToDictionary(s => string.Join(",", s.Features.Take(400).Select(f => f.ToString("R"))), s => s.Score);
        var score = scored.Schema["Score"];
        var features = scored.Schema["Features"];
        foreach (var cursor in scored.GetRowCursorSet(new[] { score, features }, 3).Append(scored.GetRowCursor(new[] { score, features }, new Random(4))))
        {
            using (cursor)
            {
                var getScore = cursor.GetGetter<VBuffer<float>>(score);
                var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
                VBuffer<float> s = default, f = default;
                while (cursor.MoveNext())
                {
                    getScore(ref s);
                    getFeatures(ref f);
                    var want = reference[string.Join(",", f.DenseValues().Take(400).Select(v => v.ToString("R")))];
                    CollectionAssert.AreEqual(want, s.DenseValues().ToArray());
                }
            }
        }
    }

    [TestMethod]
    public void ANaNFeatureGetsTheMissingKeyAndEvaluateSkipsIt()
    {
        var ml = new MLContext(0);
        var rows = MnistRow.From(TestData.MnistTrain(2)).ToArray();
        rows[3].Features[200] = float.NaN;
        var transformer = Classifier();
        var scored = ml.Data.CreateEnumerable<Scored>(transformer.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToArray();
        Assert.AreEqual(0u, scored[3].PredictedLabel, "Transform: a NaN row has no class");
        Assert.IsTrue(scored[3].Score.All(float.IsNaN));
        Assert.IsTrue(scored.Where((_, i) => i != 3).All(s => s.PredictedLabel is >= 1 and <= 10));
        var engine = ml.Model.CreatePredictionEngine<MnistRow, Scored>(transformer);
        Assert.AreEqual(0u, engine.Predict(rows[3]).PredictedLabel, "PredictionEngine: a NaN row has no class");

        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows));
        var metrics = ml.MulticlassClassification.Evaluate(transformer.Transform(keyed.Transform(ml.Data.LoadFromEnumerable(rows))));
        var clean = ml.MulticlassClassification.Evaluate(transformer.Transform(keyed.Transform(ml.Data.LoadFromEnumerable(rows.Where((_, i) => i != 3)))));
        Assert.AreEqual(clean.MicroAccuracy, metrics.MicroAccuracy, 1e-12, "Evaluate drops the NaN row");
        Assert.AreEqual(clean.LogLoss, metrics.LogLoss, 1e-9);
    }

    [TestMethod]
    public void ScoreColumnsCarryTheScoreColumnSetIdAndTrainingLabelValuesAsPromised()
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTrain(2)));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var model = ml.MulticlassClassification.Trainers.Backprop(new BackpropTrainer.Options { Architecture = "fc(8)", NumberOfEpochs = 1, Seed = 1 });
        // SchemaShape.Create is internal to ML.NET (its estimators' tests reach it the same way).
        var create = typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, new[] { typeof(DataViewSchema) })!;
        var promised = model.GetOutputSchema((SchemaShape)create.Invoke(null, new object[] { keyed.Schema })!);
        var schema = model.Fit(keyed).Transform(keyed).Schema;
        foreach (var name in new[] { "Score", "PredictedLabel" })
        {
            var annotations = schema[name].Annotations;
            var type = annotations.Schema["ScoreColumnSetId"].Type;
            Assert.IsInstanceOfType<KeyDataViewType>(type, name);
            uint id = 0;
            annotations.GetValue("ScoreColumnSetId", ref id);
            Assert.AreEqual(1u, id, $"{name}: the first set of score columns");
            var shape = promised.Single(c => c.Name == name);
            CollectionAssert.AreEquivalent(annotations.Schema.Select(c => c.Name).ToArray(), shape.Annotations.Select(c => c.Name).ToArray(), $"{name}: promised = delivered");
        }
        VBuffer<ReadOnlyMemory<char>> labels = default;
        schema["Score"].Annotations.GetValue("TrainingLabelValues", ref labels);
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        keyed.Schema["Label"].GetKeyValues(ref keyValues);
        CollectionAssert.AreEqual(keyValues.DenseValues().Select(v => v.ToString()).ToArray(), labels.DenseValues().Select(v => v.ToString()).ToArray(),
            "TrainingLabelValues are the label's key values");

        // A second scorer over the scored data opens the next set, as ML.NET's scorers do.
        var second = new TargetPropTransformer(Classifier().Model, labelValues: LabelKeyValues.FromNames(Digits), scoreColumnName: "Score2", predictedLabelColumnName: "Predicted2");
        uint next = 0;
        second.GetOutputSchema(schema)["Score2"].Annotations.GetValue("ScoreColumnSetId", ref next);
        Assert.AreEqual(2u, next);
    }

    [TestMethod]
    public void APresetReadsAFlatVectorOfItsInputSizeAndRejectsOtherSizes()
    {
        var ml = new MLContext(0);
        var messages = new ConcurrentQueue<string>();
        ml.Log += (_, e) => messages.Enqueue(e.Message);
        var train = TestData.MnistTrain(2);
        var flat = ml.Data.LoadFromEnumerable(Enumerable.Range(0, train.Count).Select(i => new FlatRow
        {
            Features = train.Features.AsSpan(i * 784, 784).ToArray(),
            Label = train.Labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).ToArray());
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(flat).Transform(flat);
        var options = new SimplifiedTargetPropTrainer.Options { Architecture = "mnist-lc", NumberOfEpochs = 1, Seed = 1, Diagnostics = false };
        var model = ml.MulticlassClassification.Trainers.SimplifiedTargetProp(options).Fit(keyed);
        Assert.AreEqual(new ImageShape(1, 28, 28), model.Model.InputShape);
        Assert.IsTrue(messages.Any(m => m.Contains("mnist-lc's input 1x28x28", StringComparison.Ordinal)), "the log says how the flat vector was read");

        var small = ml.Data.LoadFromEnumerable(new[] { new Flat100 { Label = "a" }, new Flat100 { Label = "b" } });
        var smallKeyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(small).Transform(small);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(architecture: "mnist-lc", numberOfEpochs: 1).Fit(smallKeyed));
        StringAssert.Contains(e.Message, "784");
        StringAssert.Contains(e.Message, "100");

        // The flat overload takes the shape of a custom spec's input.
        var custom = ml.MulticlassClassification.Trainers.SimplifiedTargetProp(architecture: "lc(3x3,2,2) fc(8)", numberOfEpochs: 1, seed: 1, imageShape: new ImageShape(1, 10, 10)).Fit(smallKeyed);
        Assert.AreEqual(new ImageShape(1, 10, 10), custom.Model.InputShape);
    }

    public sealed class Flat100
    {
        [VectorType(100)] public float[] Features { get; set; } = Enumerable.Range(0, 100).Select(i => i / 100f).ToArray();
        public string Label { get; set; } = "";
    }
}
