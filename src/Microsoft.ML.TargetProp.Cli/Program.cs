using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Microsoft.ML.TargetProp.Cli.Commands;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>Entry point of tpnet.</summary>
public static class Program
{
    /// <summary>
    /// Parses the command line and runs the command; errors are one line on stderr with a non-zero exit code. Ctrl+C
    /// (or SIGTERM) stops after the current batch, writes what was trained and exits with 130 (143).
    /// </summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("tpnet: biologically-motivated learning (target propagation, feedback alignment) with Microsoft.ML.TargetProp.")
        {
            TrainCommand.Create(),
            EvaluateCommand.Create(),
            PredictCommand.Create(),
            SweepCommand.Create(),
            ReproduceCommand.Create(),
            DataCommand.Create(),
            BenchCommand.Create(),
            AuxSweepCommand.Create(),
            AutoencodeCommand.Create(),
            AblateCommand.Create(),
            ExportCommand.Create(),
        };
        // tpnet handles SIGINT/SIGTERM itself (System.CommandLine's handling would end the process after a fixed
        // timeout, possibly while the model is being written): the first signal cancels the token the commands get,
        // they stop after the current batch and write what was trained, and the exit code is 130 (SIGINT) or 143
        // (SIGTERM); a second signal terminates at once.
        using var signals = new TerminationSignals();
        try
        {
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                string command = parsed.CommandResult.Command == root ? "" : parsed.CommandResult.Command.Name + " ";
                var messages = parsed.Errors.Select(e => e.Message).Distinct().ToList();
                if (messages.Count > 1) messages.RemoveAll(m => m.StartsWith("Required command", StringComparison.Ordinal));
                Console.Error.WriteLine($"tpnet: {string.Join("; ", messages.Take(2))} (see 'tpnet {command}--help')");
                return 2;
            }
            int code = parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, signals.Token)
                .GetAwaiter().GetResult();
            return signals.ExitCode ?? code;
        }
        catch (OperationCanceledException) when (signals.ExitCode is { } interrupted)
        {
            Console.Error.WriteLine("tpnet: interrupted.");
            return interrupted;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"tpnet: {e.Message}");
            return 2;
        }
    }
}
