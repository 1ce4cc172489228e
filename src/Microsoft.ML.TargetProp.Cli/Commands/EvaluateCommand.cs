using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Spectre.Console;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary><c>tpnet evaluate</c>: accuracy, log-loss, a per-class table and a confusion-matrix PNG of a model zip on a dataset's test split.</summary>
public static class EvaluateCommand
{
    private static readonly Argument<string> ModelArgument = new("model") { Description = "model.zip written by tpnet train" };
    private static readonly Option<string> DatasetOption = new("--dataset", "-d") { Description = "mnist, fashion-mnist, cifar10, or a folder of IDX / CIFAR-10 binary files or of images (decoded at the model's input shape)", DefaultValueFactory = _ => "mnist" };
    private static readonly Option<int?> TestLimitOption = new("--test-limit") { Description = "use only the first N test examples" };
    private static readonly Option<string?> DataDirOption = new("--data-dir") { Description = "dataset folder root" };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "folder for evaluation.json and confusion_matrix.png", DefaultValueFactory = _ => "tpnet-out" };

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("evaluate", "Evaluate a model zip on a dataset's test split.") { ModelArgument, DatasetOption, TestLimitOption, DataDirOption, OutputOption };
        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            var ml = new MLContext(0);
            var transformer = ModelZip.Load(ml, parse.GetValue(ModelArgument)!);
            var shape = transformer.Model.InputShape;
            // Image folders are decoded at the shape the model was trained on (train's --image-size).
            var (_, test) = new DatasetLocator(parse.GetValue(DataDirOption), shape).Load(parse.GetValue(DatasetOption)!, trainLimit: 1, testLimit: parse.GetValue(TestLimitOption));
            if (test.Shape.Size != shape.Size)
                throw new ArgumentException($"The model expects {shape} inputs ({shape.Size} values) but dataset '{parse.GetValue(DatasetOption)}' has {test.Shape} ({test.Shape.Size}).");
            if (test.Classes != transformer.Model.Classes)
                throw new ArgumentException($"The model has {transformer.Model.Classes} classes but the dataset has {test.Classes}.");
            var metrics = ml.MulticlassClassification.Evaluate(transformer.Transform(ToDataView(ml, test)));
            var names = test.ClassNames;
            var matrix = metrics.ConfusionMatrix;
            int k = names.Count;
            var counts = new double[k, k];
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) counts[i, j] = matrix.Counts[i][j];

            var table = new Table().AddColumns("class", "support", "recall", "precision", "log-loss");
            for (int i = 0; i < k; i++)
            {
                double support = Enumerable.Range(0, k).Sum(j => counts[i, j]);
                double predicted = Enumerable.Range(0, k).Sum(j => counts[j, i]);
                table.AddRow(Markup.Escape(names[i]), support.ToString(CultureInfo.InvariantCulture),
                    (support == 0 ? 0 : counts[i, i] / support).ToString("P2", CultureInfo.InvariantCulture),
                    (predicted == 0 ? 0 : counts[i, i] / predicted).ToString("P2", CultureInfo.InvariantCulture),
                    metrics.PerClassLogLoss[i].ToString("F4", CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(CultureInfo.InvariantCulture, "[bold]Micro accuracy {0:P2}[/], macro accuracy {1:P2}, log-loss {2:F4} on {3} examples.",
                metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss, test.Count);
            string output = parse.GetValue(OutputOption)!;
            Directory.CreateDirectory(output);
            Plots.ConfusionMatrix(counts, names, $"{transformer.Model.AlgorithmName}: micro accuracy {metrics.MicroAccuracy:P2}", Path.Combine(output, "confusion_matrix.png"));
            TrainCommand.WriteJsonAtomically(Path.Combine(output, "evaluation.json"), new
            {
                model = parse.GetValue(ModelArgument),
                dataset = parse.GetValue(DatasetOption),
                examples = test.Count,
                microAccuracy = metrics.MicroAccuracy,
                macroAccuracy = metrics.MacroAccuracy,
                logLoss = metrics.LogLoss,
                perClassLogLoss = metrics.PerClassLogLoss,
                confusionMatrix = matrix.Counts,
                classes = names,
            });
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>An IDataView of <paramref name="data"/>: Features as Vector&lt;Single, C, H, W&gt; and Label as a key of the class count (LoadFromEnumerable takes 0-based class indices for a key column).</summary>
    public static IDataView ToDataView(MLContext ml, InMemoryDataset data)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, data.Shape.Channels, data.Shape.Height, data.Shape.Width);
        definition[nameof(Row.Label)].ColumnType = new KeyDataViewType(typeof(uint), data.Classes);
        int size = data.Shape.Size;
        var rows = Enumerable.Range(0, data.Count).Select(i => new Row { Features = data.Features.AsSpan(i * size, size).ToArray(), Label = (uint)data.Labels[i] });
        return ml.Data.LoadFromEnumerable(rows, definition);
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = Array.Empty<float>();

        public uint Label { get; set; }
    }
}
