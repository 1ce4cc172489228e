// Model Builder-style training program: an image folder (one sub-folder per class) → model.zip.
//   dotnet run --project samples/TrainImageClassifier -- <image-folder> [model.zip] [epochs] [width] [height] [grayscale] [batch size]
using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using Microsoft.ML.Transforms.Image;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: TrainImageClassifier <image-folder> [model.zip] [epochs] [width] [height] [grayscale: true|false] [batch size]");
    return 2;
}
string folder = args[0];
string modelPath = args.Length > 1 ? args[1] : "model.zip";
int epochs = args.Length > 2 ? int.Parse(args[2]) : 5;
int width = args.Length > 3 ? int.Parse(args[3]) : 28;
int height = args.Length > 4 ? int.Parse(args[4]) : 28;
bool grayscale = args.Length > 5 ? bool.Parse(args[5]) : true;
int batchSize = args.Length > 6 ? int.Parse(args[6]) : 100;

var ml = new MLContext(seed: 0);
ml.Log += (_, e) => { if (e.Source.EndsWith("Trainer", StringComparison.Ordinal)) Console.WriteLine(e.Message); };
var data = ImageFolder.Load(ml, folder);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 0);

var options = new SimplifiedTargetPropTrainer.Options
{
    Architecture = $"lc(3x3,32,2) lc(3x3,64,2) fc(1024)",
    NumberOfEpochs = epochs,
    BatchSize = batchSize,   // a small dataset learns faster with smaller batches: more steps per epoch (README)
};
IEstimator<ITransformer> pixels = ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: nameof(ImageFolder.ImageRow.ImagePath))
    .Append(ml.Transforms.ResizeImages("Image", width, height));
if (grayscale) pixels = pixels.Append(ml.Transforms.ConvertToGrayscale("Image"));
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(pixels)
    .Append(ml.Transforms.ExtractPixels("Features", "Image",
        colorsToExtract: grayscale ? ImagePixelExtractingEstimator.ColorBits.Red : ImagePixelExtractingEstimator.ColorBits.Rgb,
        scaleImage: 1f / 255))
    .Append(ml.MulticlassClassification.Trainers.SimplifiedTargetProp(options))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

var model = pipeline.Fit(split.TrainSet);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"Test micro accuracy {metrics.MicroAccuracy:P2}, macro accuracy {metrics.MacroAccuracy:P2}, log-loss {metrics.LogLoss:F4}");
ml.Model.Save(model, data.Schema, modelPath);
Console.WriteLine($"Saved {modelPath}");
return 0;
