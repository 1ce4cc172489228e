using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// Turns the first SIGINT (Ctrl+C) or SIGTERM into a cancellation request, so that training stops after the current
/// batch and still writes what was trained; a second signal terminates the process at once.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    public TerminationSignals()
    {
        _registrations = new[]
        {
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        };
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>The conventional exit code of a run stopped by <see cref="Signal"/> (128 + signal number: 130 for SIGINT, 143 for SIGTERM), or null.</summary>
    public int? ExitCode => Signal switch
    {
        PosixSignal.SIGINT => 130,
        PosixSignal.SIGTERM => 143,
        _ => null,
    };

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) > 1)
        {
            context.Cancel = false;   // second signal: let the runtime terminate the process
            return;
        }
        context.Cancel = true;
        Signal = context.Signal;
        Console.Error.WriteLine($"tpnet: {(context.Signal == PosixSignal.SIGINT ? "Ctrl+C" : "SIGTERM")} received: stopping after the current batch and saving what was trained (press Ctrl+C again to exit immediately).");
        _source.Cancel();
    }

    /// <summary>Stops listening.</summary>
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _source.Dispose();
    }
}
