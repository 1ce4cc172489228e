using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using Microsoft.ML.Transforms.Image;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using SkiaSharp;

namespace Microsoft.ML.TargetProp.Tests.Trainers;

/// <summary>The Model Builder-style image pipeline: folder of PNGs → LoadImages → ResizeImages → ExtractPixels → SDTP → zip → a scoring app.</summary>
[TestClass]
public sealed class ImageFolderPipelineTests
{
    /// <summary>Writes <paramref name="perClass"/> real MNIST digits per class as 28×28 grayscale PNGs, one folder per digit name.</summary>
    public static string WriteMnistPngs(int perClass, bool train = true)
    {
        var data = train ? TestData.MnistTrain(perClass) : TestData.MnistTest(10 * perClass);
        string root = TestSetup.TempFolder();
        string[] names = { "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine" };
        for (int i = 0; i < data.Count; i++)
        {
            string dir = Path.Combine(root, names[data.Labels[i]]);
            Directory.CreateDirectory(dir);
            using var bitmap = new SKBitmap(28, 28, SKColorType.Gray8, SKAlphaType.Opaque);
            for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                byte v = (byte)Math.Round(data.Features[i * 784 + y * 28 + x] * 255);
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
            using var image = SKImage.FromBitmap(bitmap);
            using var png = image.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(dir, $"{i:D5}.png"), png.ToArray());
        }
        return root;
    }

    /// <summary>
    /// The README's image pipeline with a small network, 1 epoch, fitted on <paramref name="folder"/>;
    /// <paramref name="labelFirst"/> puts MapValueToKey before the image transforms (as the README does), else after.
    /// </summary>
    public static (ITransformer Model, IDataView Data) SmallReadmePipeline(MLContext ml, string folder, bool labelFirst = true)
    {
        var data = ImageFolder.Load(ml, folder);
        var images = ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: "ImagePath")
            .Append(ml.Transforms.ResizeImages("Image", 28, 28))
            .Append(ml.Transforms.ConvertToGrayscale("Image"))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 1f / 255));
        var trainer = ml.MulticlassClassification.Trainers.SimplifiedTargetProp(new SimplifiedTargetPropTrainer.Options { Architecture = "lc(3x3,4,2) fc(16)", NumberOfEpochs = 1, Seed = 1, Diagnostics = false });
        var label = ml.Transforms.Conversion.MapValueToKey("Label");
        ITransformer model = labelFirst
            ? label.Append(images).Append(trainer).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(data)
            : images.Append(label).Append(trainer).Fit(data);
        return (model, data);
    }

    [TestMethod]
    public void TrainsFromAnImageFolderAndScoresInAFreshProcessWithoutLibTorch()
    {
        string folder = WriteMnistPngs(40);
        var ml = new MLContext(seed: 0);
        var data = ImageFolder.Load(ml, folder);
        Assert.AreEqual(400, data.GetRowCount());
        var options = new SimplifiedTargetPropTrainer.Options
        {
            Architecture = "lc(3x3,8,2) fc(64)",
            NumberOfEpochs = 5,
            BatchSize = 20,
            LearningRate = 2e-3,
            InverseLearningRate = 2e-3,
        };
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: "ImagePath"))
            .Append(ml.Transforms.ResizeImages("Image", 28, 28))
            .Append(ml.Transforms.ConvertToGrayscale("Image"))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 1f / 255))
            .Append(ml.MulticlassClassification.Trainers.SimplifiedTargetProp(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(data);
        var scored = model.Transform(data);
        var featureType = (VectorDataViewType)scored.Schema["Features"].Type;
        CollectionAssert.AreEqual(new[] { 1, 28, 28 }, featureType.Dimensions.ToArray(), "ExtractPixels gives C×H×W, the shape LC layers need");
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.IsTrue(metrics.MicroAccuracy > 0.6, $"training-set accuracy {metrics.MicroAccuracy}");

        string zip = Path.Combine(TestSetup.TempFolder(), "model.zip");
        ml.Model.Save(model, data.Schema, zip);
        var expected = ml.Data.CreateEnumerable<ImageFolder.ImageRow>(data, reuseRowObject: false).Take(5).ToArray();
        var predictions = ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).Take(5).ToArray();

        string app = Path.Combine(AppContext.BaseDirectory.Replace("test/Microsoft.ML.TargetProp.Tests", "samples/ScoreImages"), "ScoreImages.dll");
        Assert.IsTrue(File.Exists(app), $"scoring sample not built at {app}");
        Assert.IsFalse(Directory.EnumerateFiles(Path.GetDirectoryName(app)!, "*torch*", SearchOption.AllDirectories).Any(), "the scoring app must not carry TorchSharp or libtorch");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(app);
        start.ArgumentList.Add(zip);
        foreach (var row in expected) start.ArgumentList.Add(row.ImagePath);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(120_000), "the scoring app hung");
        Assert.AreEqual(0, process.ExitCode, errors);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.AreEqual(5, lines.Length, output);
        for (int i = 0; i < 5; i++)
            Assert.AreEqual(predictions[i].PredictedLabel, lines[i].Split('\t')[1], $"fresh-process prediction {i}: {lines[i]}");
    }

    private sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";
    }
}
