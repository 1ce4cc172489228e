using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Trainers;

/// <summary>Bad input to the ML.NET trainers and transformer gets a clear error naming the column, row or option.</summary>
[TestClass]
public sealed class BadInputTests
{
    private static SimplifiedTargetPropTrainer.Options Options() => new() { Architecture = "fc(16)", NumberOfEpochs = 1, BatchSize = 10 };

    private static IDataView Keyed(MLContext ml, MnistRow[] rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
    }

    private static MnistRow[] Rows(int perClass = 3) => MnistRow.From(TestData.MnistTrain(perClass)).ToArray();

    [TestMethod]
    public void NaNFeaturesNameTheRow()
    {
        var ml = new MLContext(1);
        var rows = Rows();
        rows[7].Features[100] = float.NaN;
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Options()).Fit(Keyed(ml, rows)));
        StringAssert.Contains(e.Message, "Row 7");
        StringAssert.Contains(e.Message, "NaN");
        StringAssert.Contains(e.Message, "'Features'");
    }

    [TestMethod]
    public void SingleClassMissingClassAndEmptyDataAreRejected()
    {
        var ml = new MLContext(1);
        var rows = Rows();
        var single = rows.Where(r => r.Label == "3").ToArray();
        var one = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Options()).Fit(Keyed(ml, single)));
        StringAssert.Contains(one.Message, "1 classes");

        // A key fitted on all ten digits, training data holding only nine.
        var all = ml.Data.LoadFromEnumerable(rows);
        var key = ml.Transforms.Conversion.MapValueToKey("Label").Fit(all);
        var nine = key.Transform(ml.Data.LoadFromEnumerable(rows.Where(r => r.Label != "5")));
        var missing = Assert.ThrowsExactly<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Options()).Fit(nine));
        StringAssert.Contains(missing.Message, "'5'");

        var empty = key.Transform(ml.Data.LoadFromEnumerable(Array.Empty<MnistRow>()));
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Options()).Fit(empty)).Message, "no rows");
    }

    [TestMethod]
    public void ValidationSetWithAnotherSchemaAndScoringDataWithAnotherSizeAreRejected()
    {
        var ml = new MLContext(1);
        var rows = Rows();
        var train = Keyed(ml, rows);
        var flat = ml.Data.LoadFromEnumerable(rows.Select(r => new ShortRow { Features = r.Features[..100], Label = r.Label }));
        var flatKeyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(flat).Transform(flat);
        var options = Options();
        options.ValidationSet = flatKeyed;
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(options).Fit(train));
        StringAssert.Contains(e.Message, "validation set");

        var model = ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Options()).Fit(train);
        var wrong = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Transform(flatKeyed));
        StringAssert.Contains(wrong.Message, "'Features'");
        StringAssert.Contains(wrong.Message, "Vector<Single, 784>");
    }

    [TestMethod]
    public void VariableSizeFeaturesAreRejected()
    {
        var ml = new MLContext(1);
        var rows = Rows().Select(r => new VariableRow { Features = r.Features, Label = r.Label }).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Options()).Fit(keyed));
        StringAssert.Contains(e.Message, "variable-size");
    }

    private sealed class ShortRow
    {
        [VectorType(100)]
        public float[] Features { get; set; } = Array.Empty<float>();

        public string Label { get; set; } = "";
    }

    private sealed class VariableRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();

        public string Label { get; set; } = "";
    }
}
