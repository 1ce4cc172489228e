using System;
using System.CommandLine;
using System.IO;
using Microsoft.ML.TargetProp.Cli.Commands;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>Entry point of tpnet.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the command; errors are one line on stderr with a non-zero exit code.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("tpnet: biologically-motivated learning (target propagation, feedback alignment) with Microsoft.ML.TargetProp.")
        {
            TrainCommand.Create(),
            ReproduceCommand.Create(),
        };
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tpnet: {e.Message}");
            return 2;
        }
    }
}
