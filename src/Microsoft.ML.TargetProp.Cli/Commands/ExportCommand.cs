using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML;
using Microsoft.ML.TargetProp.Onnx;
using Spectre.Console;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary><c>tpnet export</c>: converts a model zip (a whole ML.NET pipeline) to ONNX with ML.NET's ConvertToOnnx.</summary>
public static class ExportCommand
{
    private static readonly Argument<string> ModelArgument = new("model") { Description = "model zip (tpnet train, or any ML.NET pipeline holding our transformers)" };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "ONNX file to write", DefaultValueFactory = _ => "model.onnx" };
    private static readonly Option<int> OpsetOption = new("--opset") { Description = "ONNX opset version (9 to 12; ML.NET's exporter default 12)", DefaultValueFactory = _ => 12 };

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("export", "Export a model zip to ONNX (score it with ONNX Runtime from C#, Python, JavaScript, C++).") { ModelArgument, OutputOption, OpsetOption };
        command.SetAction((ParseResult parse, CancellationToken _) =>
        {
            string model = parse.GetValue(ModelArgument)!, output = parse.GetValue(OutputOption)!;
            int opset = parse.GetValue(OpsetOption);
            if (opset is < 9 or > 12) throw new ArgumentOutOfRangeException("--opset", $"--opset must be in [9, 12] (what ML.NET's ONNX exporter writes); got {opset}.");
            var ml = new MLContext(0);
            var transformer = ModelZip.LoadPipeline(ml, model, out var schema);
            // ML.NET's image transforms have no ONNX form: the graph starts at the pixel vectors they make.
            bool images = OnnxPipeline.HasImageTransforms(transformer);
            var (graph, input) = OnnxPipeline.AfterImageTransforms(transformer, schema);
            AtomicFile.Write(output, stream => ml.Model.ConvertToOnnx(graph, input, opset, stream));
            AnsiConsole.MarkupLine("Wrote {0} ({1:N0} bytes, opset {2}); graph inputs: {3}{4}", Markup.Escape(output), new FileInfo(output).Length, opset,
                Markup.Escape(string.Join(", ", input.Schema.Where(c => !c.IsHidden).Select(c => $"{c.Name} ({c.Type})"))),
                images ? " (the pixel vectors after the zip's image transforms, which ONNX cannot hold: feed them decoded and resized as the zip's pipeline does)" : "");
            return Task.FromResult(0);
        });
        return command;
    }
}
