using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML;
using Spectre.Console;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary><c>tpnet predict</c>: classifies image files with a model zip and prints the label and the top-3 probabilities.</summary>
public static class PredictCommand
{
    private static readonly Argument<string> ModelArgument = new("model") { Description = "model.zip written by tpnet train" };
    private static readonly Argument<string[]> ImagesArgument = new("images") { Description = "image files (PNG, JPG, BMP)", Arity = ArgumentArity.OneOrMore };
    private static readonly Option<bool> InvertOption = new("--invert") { Description = "invert grey levels (for dark digits on white paper; MNIST is white on black)" };

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("predict", "Classify image files with a model zip.") { ModelArgument, ImagesArgument, InvertOption };
        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            var ml = new MLContext(0);
            var transformer = ModelZip.Load(ml, parse.GetValue(ModelArgument)!);
            var shape = transformer.Model.InputShape;
            var files = parse.GetValue(ImagesArgument)!;
            bool invert = parse.GetValue(InvertOption);
            var probabilities = new float[transformer.Model.Classes];
            var names = transformer.LabelValues?.Names ?? Enumerable.Range(0, transformer.Model.Classes).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            var table = new Table().AddColumns("image", "label", "top-3");
            var pixels = ImageDecoder.DecodeAll(files, shape, invert);   // one ML.NET image pipeline for every file
            for (int i = 0; i < files.Length; i++)
            {
                transformer.Network.Predict(pixels.AsSpan(i * shape.Size, shape.Size), probabilities);
                var top = probabilities.Select((p, c) => (p, c)).OrderByDescending(t => t.p).Take(3).ToArray();
                table.AddRow(Markup.Escape(files[i]), Markup.Escape(names[top[0].c]),
                    Markup.Escape(string.Join(", ", top.Select(t => string.Create(CultureInfo.InvariantCulture, $"{names[t.c]} {t.p:P1}")))));
            }
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }
}
