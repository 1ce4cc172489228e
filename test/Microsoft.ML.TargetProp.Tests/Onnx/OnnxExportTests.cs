using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using Microsoft.ML.TargetProp.Transforms;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Onnx;

/// <summary>Issue 17: our transformers export through ML.NET's ConvertToOnnx and ONNX Runtime computes what the managed scorer does.</summary>
[TestClass]
public sealed class OnnxExportTests
{
    private static readonly string[] Digits = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Rows of random images of <paramref name="shape"/> (a fixed seed), in a vector column with the image's dimensions.</summary>
    private static IDataView Images(MLContext ml, ImageShape shape, int count, int seed = 5)
    {
        var random = new Random(seed);
        var rows = Enumerable.Range(0, count).Select(_ => new ImageRow { Features = Enumerable.Range(0, shape.Size).Select(_ => (float)random.NextDouble()).ToArray() }).ToArray();
        var definition = SchemaDefinition.Create(typeof(ImageRow));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, shape.Channels, shape.Height, shape.Width);
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    public sealed class ImageRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    private static TargetPropTransformer Classifier(string spec, ImageShape shape, int classes = 10)
    {
        using var net = new TargetPropNetwork(NetworkSpec.Parse(spec), shape, classes, new Generator(7, CPU), initialization: WeightInitialization.TorchDefault);
        return new TargetPropTransformer(net.ToModelParameters(AlgorithmKind.Backprop), labelValues: LabelKeyValues.FromNames(Enumerable.Range(0, classes).Select(i => $"c{i}")));
    }

    private static byte[] Export(MLContext ml, ITransformer model, IDataView data)
    {
        using var stream = new MemoryStream();
        ml.Model.ConvertToOnnx(model, data, stream);
        return stream.ToArray();
    }

    private static (float[][] Features, float[][] Scores, uint[] Keys) Managed(MLContext ml, ITransformer model, IDataView data)
    {
        var scored = model.Transform(data);
        var features = scored.GetColumn<float[]>("Features").ToArray();
        return (features, scored.GetColumn<float[]>("Score").ToArray(), scored.GetColumn<uint>("PredictedLabel").ToArray());
    }

    [TestMethod]
    [DataRow("mnist-fc", 1, 28, 28)]
    [DataRow("mnist-lc", 1, 28, 28)]
    [DataRow("cifar-fc", 3, 32, 32)]
    [DataRow("lc(3x3,4) relu lc(2x2,3,2) fc(9)", 2, 7, 6)]   // stride 1 (symmetric padding), asymmetric padding at stride 2, relu
    public void OnnxRuntimeComputesTheManagedScores(string spec, int c, int h, int w)
    {
        var ml = new MLContext(0);
        var shape = new ImageShape(c, h, w);
        var model = Classifier(spec, shape);
        var data = Images(ml, shape, 300);
        var onnx = Export(ml, model, data);
        using var session = new InferenceSession(onnx);
        CollectionAssert.AreEquivalent(new[] { "Features" }, session.InputMetadata.Keys.ToArray(), "graph inputs are the data's own columns");
        var (features, scores, keys) = Managed(ml, model, data);
        var input = new DenseTensor<float>(features.SelectMany(f => f).ToArray(), new[] { features.Length, c, h, w });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Features", input) });
        var score = results.Single(r => r.Name == "Score.output").AsTensor<float>().ToArray();
        var predicted = results.Single(r => r.Name == "PredictedLabel.output").AsTensor<uint>().ToArray();
        for (int i = 0; i < features.Length; i++)
        {
            for (int k = 0; k < 10; k++) Assert.AreEqual(scores[i][k], score[i * 10 + k], 1e-5f, $"{spec}: example {i}, class {k}");
            Assert.AreEqual(keys[i], predicted[i], $"{spec}: example {i}");
        }
    }

    [TestMethod]
    public void TheEinsumFormOfLocallyConnectedLayersComputesTheSame()
    {
        try
        {
            Microsoft.ML.TargetProp.Onnx.NetworkOnnxWriter.Form = Microsoft.ML.TargetProp.Onnx.NetworkOnnxWriter.LocallyConnectedForm.Einsum;
            OnnxRuntimeComputesTheManagedScores("lc(3x3,4) relu lc(2x2,3,2) fc(9)", 2, 7, 6);
        }
        finally
        {
            Microsoft.ML.TargetProp.Onnx.NetworkOnnxWriter.Form = default;
        }
    }

    [TestMethod]
    public void AWholePipelineExportsAndApplyOnnxModelPredictsWhatTheZipPredicts()
    {
        var ml = new MLContext(0);
        var rows = MnistRow.From(TestData.MnistTrain(10)).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.SimplifiedTargetProp(new SimplifiedTargetPropTrainer.Options { Architecture = "lc(3x3,4,2) fc(16)", NumberOfEpochs = 1, Seed = 1, Diagnostics = false }))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(data);
        string path = Path.Combine(TestSetup.TempFolder(), "model.onnx");
        using (var stream = File.Create(path)) ml.Model.ConvertToOnnx(model, data, stream);
        using (var session = new InferenceSession(path))
        {
            var inputs = session.InputMetadata.Keys.ToArray();
            CollectionAssert.IsSubsetOf(inputs, data.Schema.Select(col => col.Name).ToArray());
            CollectionAssert.DoesNotContain(inputs, "Score");
            CollectionAssert.DoesNotContain(inputs, "PredictedLabel");
            CollectionAssert.Contains(inputs, "Features");
        }
        var test = ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTest(200)));
        var expected = model.Transform(test).GetColumn<string>("PredictedLabel").ToArray();
        // ML.NET names the graph's outputs COLUMN.output; ApplyOnnxModel names its columns without the suffix.
        var onnxModel = ml.Transforms.ApplyOnnxModel(new[] { "PredictedLabel.output", "Score.output" }, new[] { "Features", "Label" }, path).Fit(test);
        var scored = onnxModel.Transform(test);
        var got = scored.GetColumn<string[]>("PredictedLabel").Select(v => v[0]).ToArray();
        CollectionAssert.AreEqual(expected, got, "ApplyOnnxModel gives the zip's labels");
    }

    [TestMethod]
    public void AnImagePipelineExportsThePartAfterItsImageTransformsFedByFeaturesAlone()
    {
        var ml = new MLContext(0);
        var (model, data) = ImageFolderPipelineTests.SmallReadmePipeline(ml, ImageFolderPipelineTests.WriteMnistPngs(6), labelFirst: true);
        Assert.IsTrue(Microsoft.ML.TargetProp.Onnx.OnnxPipeline.HasImageTransforms(model));
        Assert.Throws<Exception>(() => Export(ml, model, data), "ConvertToOnnx cannot take the whole pipeline");
        var (graph, input) = Microsoft.ML.TargetProp.Onnx.OnnxPipeline.AfterImageTransforms(model, data.Schema);
        CollectionAssert.AreEqual(new[] { "Features" }, input.Schema.Select(c => c.Name).ToArray());
        using var session = new InferenceSession(Export(ml, graph, input));
        CollectionAssert.AreEqual(new[] { "Features" }, session.InputMetadata.Keys.ToArray(), "no Label, no ImagePath: ONNX Runtime is fed the pixel vector only");

        var scored = model.Transform(data);
        var features = scored.GetColumn<float[]>("Features").Take(20).ToArray();
        var scores = scored.GetColumn<float[]>("Score").Take(20).ToArray();
        var labels = scored.GetColumn<string>("PredictedLabel").Take(20).ToArray();
        var tensor = new DenseTensor<float>(features.SelectMany(f => f).ToArray(), new[] { features.Length, 1, 28, 28 });   // ExtractPixels gives C×H×W
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Features", tensor) });
        var onnxScores = results.Single(r => r.Name == "Score.output").AsTensor<float>().ToArray();
        var onnxLabels = results.Single(r => r.Name == "PredictedLabel.output").AsTensor<string>().ToArray();
        for (int i = 0; i < features.Length; i++)
        {
            Assert.AreEqual(labels[i], onnxLabels[i], $"example {i}: MapKeyToValue's string label");
            for (int k = 0; k < 10; k++) Assert.AreEqual(scores[i][k], onnxScores[i * 10 + k], 1e-5f, $"example {i}, class {k}");
        }
    }

    [TestMethod]
    public void AnImagePipelineWhoseTailReadsAnotherColumnGetsAnErrorNamingIt()
    {
        var ml = new MLContext(0);
        var (model, data) = ImageFolderPipelineTests.SmallReadmePipeline(ml, ImageFolderPipelineTests.WriteMnistPngs(6), labelFirst: false);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Microsoft.ML.TargetProp.Onnx.OnnxPipeline.AfterImageTransforms(model, data.Schema));
        StringAssert.Contains(e.Message, "Label");
        StringAssert.Contains(e.Message, "before the image transforms");
    }

    [TestMethod]
    public void TheAutoencoderExportsCodeAndReconstruction()
    {
        var ml = new MLContext(0);
        var shape = new ImageShape(1, 28, 28);
        using var net = new TargetPropNetwork(NetworkSpec.Parse("fc(32) fc(8) fc(32)"), shape, shape.Size, new Generator(2, CPU), TaskObjective.Reconstruction, WeightInitialization.TorchDefault);
        var model = new AutoencoderTransformer(new AutoencoderModelParameters(net.ToModelParameters(AlgorithmKind.DifferenceTargetProp)), "Code", "Features", "Reconstruction");
        var data = Images(ml, shape, 50);
        using var session = new InferenceSession(Export(ml, model, data));
        var scored = model.Transform(data);
        var features = scored.GetColumn<float[]>("Features").ToArray();
        var codes = scored.GetColumn<float[]>("Code").ToArray();
        var reconstructions = scored.GetColumn<float[]>("Reconstruction").ToArray();
        var input = new DenseTensor<float>(features.SelectMany(f => f).ToArray(), new[] { features.Length, 1, 28, 28 });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Features", input) });
        var code = results.Single(r => r.Name == "Code.output").AsTensor<float>();
        var reconstruction = results.Single(r => r.Name == "Reconstruction.output").AsTensor<float>();
        CollectionAssert.AreEqual(new[] { 50, 1, 28, 28 }, reconstruction.Dimensions.ToArray(), "the reconstruction keeps the input's shape");
        var c = code.ToArray();
        var r = reconstruction.ToArray();
        for (int i = 0; i < features.Length; i++)
        {
            for (int k = 0; k < 8; k++) Assert.AreEqual(codes[i][k], c[i * 8 + k], 1e-5f, $"example {i}, code {k}");
            for (int k = 0; k < 784; k += 37) Assert.AreEqual(reconstructions[i][k], r[i * 784 + k], 1e-5f, $"example {i}, pixel {k}");
        }
    }

    [TestMethod]
    public void AFeatureColumnNoStepCanExportIsNamed()
    {
        var ml = new MLContext(0);
        var data = ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTrain(1)));
        // A custom mapping cannot be exported, so the classifier's input is missing from the graph.
        var pipeline = ml.Transforms.CustomMapping<MnistRow, Doubled>((src, dst) => dst.Pixels = src.Features.Select(v => 2 * v).ToArray(), contractName: null)
            .Append(new TransformerEstimator(Classifier("fc(8)", new ImageShape(1, 28, 28)), "Pixels"));
        var model = pipeline.Fit(data);
        var e = Assert.Throws<Exception>(() => Export(ml, model, data));
        StringAssert.Contains(e.ToString(), "Pixels");
    }

    public sealed class Doubled
    {
        [VectorType(784)] public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    /// <summary>Appends a ready transformer reading another feature column.</summary>
    private sealed class TransformerEstimator : IEstimator<TargetPropTransformer>
    {
        private readonly TargetPropTransformer _transformer;

        public TransformerEstimator(TargetPropTransformer t, string features) =>
            _transformer = new TargetPropTransformer(t.Model, features, t.LabelValues);

        public TargetPropTransformer Fit(IDataView input) => _transformer;

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inputSchema;
    }
}
