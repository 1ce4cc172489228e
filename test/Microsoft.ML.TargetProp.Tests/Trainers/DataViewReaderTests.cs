using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Data;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using Microsoft.ML.TargetProp.Transforms;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Trainers;

/// <summary>How the trainers read an IDataView: image shapes, every key type ML.NET allows, failures upstream, validation keys.</summary>
[TestClass]
public sealed class DataViewReaderTests
{
    private static SimplifiedTargetPropTrainer.Options Options() => new() { Architecture = "fc(16)", NumberOfEpochs = 1, BatchSize = 10, Seed = 0 };

    private static MnistRow[] Rows(int perClass = 3) => MnistRow.From(TestData.MnistTrain(perClass)).ToArray();

    private static IDataView Keyed(MLContext ml, MnistRow[] rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
    }

    [TestMethod]
    public void DeclaredImageShapeThatDiffersFromTheVectorsDimensionsIsAnError()
    {
        var ml = new MLContext(1);
        var keyed = Keyed(ml, Rows());   // Features is Vector<Single, 1, 28, 28>
        var transposed = Options();
        transposed.ImageShape = new ImageShape(28, 1, 28);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(transposed).Fit(keyed));
        StringAssert.Contains(e.Message, "28x1x28");
        StringAssert.Contains(e.Message, "1x28x28");
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, "ImageShape");

        var same = Options();
        same.ImageShape = new ImageShape(1, 28, 28);
        Assert.AreEqual(new ImageShape(1, 28, 28), ml.MulticlassClassification.Trainers.SimplifiedTargetProp(same).Fit(keyed).Model.InputShape);
    }

    // LoadFromEnumerable stores a [KeyType] member's value v as key v + 1 (0-based values in, 1-based keys in the view).
    [TestMethod]
    public void ByteUInt16AndUInt64KeyLabelsTrain()
    {
        var ml = new MLContext(1);
        var rows = Rows();
        var bytes = ml.Data.LoadFromEnumerable(rows.Select(r => new ByteKeyRow { Features = r.Features, Label = byte.Parse(r.Label) }));
        var ulongs = ml.Data.LoadFromEnumerable(rows.Select(r => new ULongKeyRow { Features = r.Features, Label = ulong.Parse(r.Label) }));
        // LoadFromEnumerable fails on a UInt16 key member inside ML.NET 5.0.1; ConvertType makes one from the byte key.
        var ushorts = ml.Transforms.Conversion.ConvertType("Label", outputKind: DataKind.UInt16).Fit(bytes).Transform(bytes);
        Assert.AreEqual(typeof(ushort), ushorts.Schema["Label"].Type.RawType);
        foreach (var data in new[] { bytes, ulongs, ushorts })
        {
            var model = ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Options()).Fit(data);
            Assert.AreEqual(10, model.Model.Classes, data.Schema["Label"].Type.ToString());
            Assert.IsNull(model.LabelValues, "a key without KeyValues has no label values");
            Assert.AreEqual(rows.Length, ml.Data.CreateEnumerable<KeyPrediction>(model.Transform(data), reuseRowObject: false).Count());
        }
    }

    [TestMethod]
    public void KeyValuesOfAnotherTypeBecomeTextNames()
    {
        var ml = new MLContext(1);
        var rows = Rows();
        var data = ml.Data.LoadFromEnumerable(rows.Select(r => new UShortValueRow { Features = r.Features, Label = ushort.Parse(r.Label) }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")   // key values of type UInt16
            .Append(ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Options()))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(data);
        var transformer = model.OfType<TargetPropTransformer>().Single();
        Assert.IsNotNull(transformer.LabelValues);
        Assert.AreEqual(TextDataViewType.Instance, transformer.LabelValues.ItemType);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(), transformer.LabelValues.Names);
        var predictions = ml.Data.CreateEnumerable<DigitPrediction>(model.Transform(data), reuseRowObject: false).ToArray();
        Assert.IsTrue(predictions.All(p => p.PredictedLabel.Length == 1 && char.IsDigit(p.PredictedLabel[0])), "PredictedLabel maps back to the digit's text");
    }

    [TestMethod]
    public void AnImageThatDoesNotDecodeNamesTheRowColumnAndFile()
    {
        string folder = ImageFolderPipelineTests.WriteMnistPngs(2);
        string broken = Directory.GetFiles(Path.Combine(folder, "three"), "*.png").Order().First();
        File.WriteAllBytes(broken, "this is not a png"u8.ToArray());
        var ml = new MLContext(seed: 0);
        var data = ImageFolder.Load(ml, folder);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: "ImagePath"))
            .Append(ml.Transforms.ResizeImages("Image", 28, 28))
            .Append(ml.Transforms.ConvertToGrayscale("Image"))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 1f / 255))
            .Append(ml.MulticlassClassification.Trainers.SimplifiedTargetProp(Options()));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => pipeline.Fit(data));
        Console.WriteLine(e.ToString());
        var rows = ml.Data.CreateEnumerable<ImageFolder.ImageRow>(data, reuseRowObject: false).Select(r => r.ImagePath).ToList();
        StringAssert.Contains(e.Message, $"Row {rows.IndexOf(broken)} of the training data");
        StringAssert.Contains(e.Message, "'Features'");
        StringAssert.Contains(e.Message, broken, "the row's ImagePath names the file");
        StringAssert.Contains(e.Message, "Invalid input stream contents", "ML.NET's own message is kept");
        Assert.IsNotNull(e.InnerException);
    }

    [TestMethod]
    public void ValidationSetWhoseKeyMapsOtherValuesIsRejected()
    {
        var ml = new MLContext(1);
        var rows = Rows();
        var train = Keyed(ml, rows);
        var reversedKey = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows.Reverse()));
        var options = Options();
        options.ValidationSet = reversedKey.Transform(ml.Data.LoadFromEnumerable(rows));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.SimplifiedTargetProp(options).Fit(train));
        StringAssert.Contains(e.Message, "ValidationSet");
        StringAssert.Contains(e.Message, "'Label'");

        options.ValidationSet = Keyed(ml, rows);
        Assert.IsNotNull(ml.MulticlassClassification.Trainers.SimplifiedTargetProp(options).Fit(train).Model.History[0].ValidationAccuracy);
    }

    private sealed class ByteKeyRow
    {
        [VectorType(1, 28, 28)]
        public float[] Features { get; set; } = Array.Empty<float>();

        [KeyType(10)]
        public byte Label { get; set; }
    }

    private sealed class ULongKeyRow
    {
        [VectorType(1, 28, 28)]
        public float[] Features { get; set; } = Array.Empty<float>();

        [KeyType(10)]
        public ulong Label { get; set; }
    }

    private sealed class UShortValueRow
    {
        [VectorType(1, 28, 28)]
        public float[] Features { get; set; } = Array.Empty<float>();

        public ushort Label { get; set; }
    }

    private sealed class KeyPrediction
    {
        [KeyType(10)]
        public uint PredictedLabel { get; set; }
    }
}
