using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Cli;

/// <summary><c>tpnet export</c>: a trained model zip becomes an ONNX file that ONNX Runtime scores like the zip.</summary>
[TestClass]
public sealed class ExportCommandTests
{
    [TestMethod]
    public void ExportWritesAnOnnxFileThatPredictsWhatTheZipPredicts()
    {
        string folder = TestSetup.TempFolder();
        string zip = Tpnet.Train(folder);
        string onnx = Path.Combine(folder, "model.onnx");
        var (code, output, error) = Tpnet.RunCapturing(null, "export", zip, "-o", onnx);
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "graph inputs: Features");

        var ml = new MLContext(0);
        var model = ml.Model.Load(zip, out _);
        var rows = MnistRow.From(TestData.MnistTest(50)).ToArray();
        var keys = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<uint>("PredictedLabel").ToArray();
        using var session = new InferenceSession(onnx);
        var input = new DenseTensor<float>(rows.SelectMany(r => r.Features).ToArray(), new[] { rows.Length, 1, 28, 28 });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Features", input) });
        CollectionAssert.AreEqual(keys, results.Single(r => r.Name == "PredictedLabel.output").AsTensor<uint>().ToArray());

        var (badCode, badError) = Tpnet.Run("export", Path.Combine(folder, "missing.zip"));
        Assert.AreEqual(2, badCode);
        StringAssert.Contains(badError, "missing.zip");
        var (opsetCode, opsetError) = Tpnet.Run("export", zip, "--opset", "13");
        Assert.AreEqual(2, opsetCode);
        StringAssert.Contains(opsetError, "--opset");
    }

    /// <summary>Issue 31: a zip holding ML.NET's image transforms (the README's pipeline) is read by predict, evaluate and export.</summary>
    [TestMethod]
    public void AZipOfTheReadmesImagePipelineIsPredictedEvaluatedAndExported()
    {
        string pngs = ImageFolderPipelineTests.WriteMnistPngs(6);
        var ml = new MLContext(0);
        var (model, data) = ImageFolderPipelineTests.SmallReadmePipeline(ml, pngs);
        string folder = TestSetup.TempFolder(), zip = Path.Combine(folder, "pipeline.zip"), onnx = Path.Combine(folder, "pipeline.onnx");
        ml.Model.Save(model, data.Schema, zip);

        var (code, output, error) = Tpnet.RunCapturing(null, "export", zip, "-o", onnx);
        Assert.AreEqual(0, code, error);
        StringAssert.Contains(output, "graph inputs: Features");
        StringAssert.Contains(output, "after the zip's image transforms");
        using (var session = new InferenceSession(onnx))
            CollectionAssert.AreEqual(new[] { "Features" }, session.InputMetadata.Keys.ToArray());

        var image = Directory.GetFiles(pngs, "*.png", SearchOption.AllDirectories)[0];
        (code, output, error) = Tpnet.RunCapturing(null, "predict", zip, image);
        Assert.AreEqual(0, code, error);
        string expected = model.Transform(ml.Data.LoadFromEnumerable(new[] { new Microsoft.ML.TargetProp.Data.ImageFolder.ImageRow { ImagePath = image, Label = "" } }))
            .GetColumn<string>("PredictedLabel").Single();
        StringAssert.Contains(output, expected, "tpnet predicts what the zip's own pipeline predicts");

        (code, error) = Tpnet.Run("evaluate", zip, "--dataset", pngs, "--output", Path.Combine(folder, "evaluated"));
        Assert.AreEqual(0, code, error);
    }

    /// <summary>A zip tpnet cannot read names the file and the real cause, not ML.NET's reflection wrapper.</summary>
    [TestMethod]
    public void AnUnreadableZipGetsTheRealCause()
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTrain(1)));
        // A custom mapping saved under a contract whose factory only this test assembly has.
        var model = ml.Transforms.CustomMapping(new DoublePixels().GetMapping(), nameof(DoublePixels)).Fit(data);
        string zip = Path.Combine(TestSetup.TempFolder(), "custom.zip");
        ml.Model.Save(model, data.Schema, zip);
        var (code, error) = Tpnet.Run("export", zip);
        Assert.AreEqual(2, code, error);
        StringAssert.Contains(error, "custom.zip");
        Assert.IsFalse(error.Contains("target of an invocation", System.StringComparison.Ordinal), error);
        StringAssert.Contains(error, "needs assembly 'Microsoft.ML.TargetProp.Tests", "the assembly holding the custom mapping's factory");
        Assert.AreEqual(1, error.Trim().Split('\n').Length, "one line: " + error);
    }

    public sealed class Doubled
    {
        [VectorType(784)] public float[] Pixels { get; set; } = System.Array.Empty<float>();
    }

    [Microsoft.ML.Transforms.CustomMappingFactoryAttribute(nameof(DoublePixels))]
    public sealed class DoublePixels : Microsoft.ML.Transforms.CustomMappingFactory<MnistRow, Doubled>
    {
        public static void Double(MnistRow src, Doubled dst) => dst.Pixels = src.Features.Select(v => 2 * v).ToArray();

        public override System.Action<MnistRow, Doubled> GetMapping() => Double;
    }
}
