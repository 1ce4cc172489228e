using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Spectre.Console;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// What tpnet shows while it trains: one row per epoch and, inside the epoch, progress per minibatch. On a terminal a
/// live bar (epoch, batches, samples/s, ETA); otherwise (a pipe, a log file, CI) a line every
/// <see cref="LineInterval"/> ("# epoch 3/40: 120/500 batches (24 %), 2,345 samples/s, 14 s left in the epoch"), so a
/// long epoch never looks hung. TPNET_PROGRESS_SECONDS sets the interval of those lines.
/// </summary>
internal sealed class EpochProgress
{
    private readonly string[] _columns;
    private readonly int[] _widths;
    private readonly long _batchesPerEpoch;
    private readonly int _batchSize, _epochs;
    private int _epoch;
    private long _batch;
    private readonly Stopwatch _epochClock = new(), _lineClock = new();

    /// <param name="columns">The epoch table's header.</param>
    /// <param name="batchesPerEpoch">Minibatches in one epoch (every pass of an alternating schedule counted).</param>
    /// <param name="batchSize">Examples per minibatch (for samples/s).</param>
    /// <param name="firstEpoch">The epoch about to run (1, or one past a resumed checkpoint's).</param>
    /// <param name="epochs">The last epoch.</param>
    public EpochProgress(string[] columns, long batchesPerEpoch, int batchSize, int firstEpoch, int epochs)
    {
        _columns = columns;
        _widths = columns.Select(c => Math.Max(c.Length, c is "epoch" or "s" ? 5 : 8)).ToArray();
        _batchesPerEpoch = Math.Max(1, batchesPerEpoch);
        _batchSize = batchSize;
        _epoch = firstEpoch;
        _epochs = epochs;
    }

    /// <summary>How often a non-terminal output gets a progress line (TPNET_PROGRESS_SECONDS, default 10 s).</summary>
    public static TimeSpan LineInterval =>
        double.TryParse(Environment.GetEnvironmentVariable("TPNET_PROGRESS_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0
            ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="fit"/> (given the per-epoch and per-batch callbacks), printing <paramref name="row"/> of
    /// each epoch and the progress inside it; <paramref name="onEpoch"/> runs after each row.
    /// </summary>
    public T Run<T>(Func<Action<EpochMetrics>, Action, T> fit, Func<EpochMetrics, string[]> row, Action<EpochMetrics> onEpoch)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive) return RunWithLines(fit, row, onEpoch);
        AnsiConsole.WriteLine(Aligned(_columns));
        T result = default!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask(Label(), maxValue: _batchesPerEpoch);
                _epochClock.Restart();
                result = fit(m =>
                {
                    AnsiConsole.WriteLine(Aligned(row(m)));
                    onEpoch(m);
                    NextEpoch(m);
                    task.Value = 0;
                    task.Description = Label();
                }, () =>
                {
                    Batch();
                    task.Value = Math.Min(_batch, _batchesPerEpoch);
                    if (_batch % 8 == 0) task.Description = Label();
                });
                task.StopTask();
            });
        return result;
    }

    private T RunWithLines<T>(Func<Action<EpochMetrics>, Action, T> fit, Func<EpochMetrics, string[]> row, Action<EpochMetrics> onEpoch)
    {
        Console.WriteLine(string.Join("\t", _columns));
        var interval = LineInterval;
        _epochClock.Restart();
        _lineClock.Restart();
        return fit(m =>
        {
            Console.WriteLine(string.Join("\t", row(m)));
            onEpoch(m);
            NextEpoch(m);
            _lineClock.Restart();
        }, () =>
        {
            Batch();
            if (_lineClock.Elapsed < interval) return;
            _lineClock.Restart();
            Console.WriteLine(Line());
        });
    }

    private void Batch() => _batch++;

    private void NextEpoch(EpochMetrics m)
    {
        _epoch = Math.Min(m.Epoch + 1, _epochs);
        _batch = 0;
        _epochClock.Restart();
    }

    private double SamplesPerSecond => _epochClock.Elapsed.TotalSeconds > 0 ? _batch * _batchSize / _epochClock.Elapsed.TotalSeconds : 0;

    private string Label() => _batch == 0
        ? string.Create(CultureInfo.InvariantCulture, $"epoch {_epoch}/{_epochs}")
        : string.Create(CultureInfo.InvariantCulture, $"epoch {_epoch}/{_epochs} {_batch}/{_batchesPerEpoch} {SamplesPerSecond:N0} samples/s");

    /// <summary>The periodic line: epoch, batches done, samples/s and the time left in the epoch at that rate.</summary>
    internal string Line()
    {
        double elapsed = _epochClock.Elapsed.TotalSeconds;
        double left = _batch == 0 ? double.NaN : elapsed / _batch * (_batchesPerEpoch - Math.Min(_batch, _batchesPerEpoch));
        return string.Create(CultureInfo.InvariantCulture,
            $"# epoch {_epoch}/{_epochs}: {_batch}/{_batchesPerEpoch} batches ({100.0 * _batch / _batchesPerEpoch:F0} %), {SamplesPerSecond:N0} samples/s, {left:F0} s left in the epoch");
    }

    private string Aligned(string[] cells) => string.Join("  ", cells.Select((c, i) => c.PadLeft(_widths[i])));
}
