// Console scoring app: loads a model.zip trained on an image folder and classifies image files.
// It references only Microsoft.ML.TargetProp (no TorchSharp): plain mlContext.Model.Load, no registration call.
//   dotnet run --project samples/ScoreImages -- model.zip image1.png [image2.jpg ...]
using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ScoreImages <model.zip> <image> [image ...]");
    return 2;
}
var ml = new MLContext();
ITransformer model;
try
{
    model = ml.Model.Load(args[0], out _);
}
catch (Exception e) when (e is IOException or InvalidDataException or FormatException or InvalidOperationException)
{
    Console.Error.WriteLine($"ScoreImages: cannot load '{args[0]}': {e.Message}");
    return 1;
}
var engine = ml.Model.CreatePredictionEngine<ImageInput, ImagePrediction>(model);
var names = engine.OutputSchema["Score"].Annotations.Schema.GetColumnOrNull("SlotNames") is null
    ? null
    : GetSlotNames(engine.OutputSchema["Score"]);
foreach (var path in args.Skip(1))
{
    var p = engine.Predict(new ImageInput { ImagePath = Path.GetFullPath(path) });
    var top = p.Score.Select((s, i) => (s, i)).OrderByDescending(t => t.s).Take(3)
        .Select(t => $"{(names is null ? t.i.ToString() : names[t.i])} {t.s:P1}");
    Console.WriteLine($"{path}\t{p.PredictedLabel}\t{string.Join(", ", top)}");
}
return 0;

static string[] GetSlotNames(Microsoft.ML.DataViewSchema.Column column)
{
    Microsoft.ML.Data.VBuffer<ReadOnlyMemory<char>> names = default;
    column.GetSlotNames(ref names);
    return names.DenseValues().Select(n => n.ToString()).ToArray();
}

/// <summary>The input of the saved pipeline: the path of an image file.</summary>
public sealed class ImageInput
{
    /// <summary>Path of the image file.</summary>
    public string ImagePath { get; set; } = "";

    /// <summary>The label column the training pipeline reads (unknown when scoring; as Model Builder's ModelInput).</summary>
    public string Label { get; set; } = "";
}

/// <summary>What the pipeline predicts.</summary>
public sealed class ImagePrediction
{
    /// <summary>The predicted class name.</summary>
    public string PredictedLabel { get; set; } = "";

    /// <summary>Class probabilities, in the order of the Score column's slot names.</summary>
    public float[] Score { get; set; } = Array.Empty<float>();
}
