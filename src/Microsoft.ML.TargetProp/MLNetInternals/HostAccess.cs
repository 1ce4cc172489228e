using System;
using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.TargetProp.MLNetInternals;

/// <summary>
/// What the trainers need from ML.NET's host: the environment behind a catalog, log messages through mlContext.Log,
/// the progress channel, and cancellation checks (MLContext.CancelExecution). Internal API, used through this class only.
/// </summary>
internal sealed class HostAccess : IDisposable
{
    private readonly IHost _host;
    private readonly IChannel _channel;
    private readonly IProgressChannel _progress;
    private double _epoch, _epochs, _batch, _batches = double.NaN, _loss = double.NaN, _accuracy = double.NaN;

    private HostAccess(IHostEnvironment env, string name, int epochs)
    {
        _host = env.Register(name);
        _channel = _host.Start(name);
        _progress = _host.StartProgressChannel(name);
        _epochs = epochs;
        _progress.SetHeader(new ProgressHeader(new[] { "train loss", "train accuracy" }, new[] { "epochs", "batches" }), e =>
        {
            e.SetProgress(0, _epoch, _epochs);
            e.SetProgress(1, _batch, _batches);
            e.SetMetric(0, _loss);
            e.SetMetric(1, _accuracy);
        });
    }

    /// <summary>The environment behind a trainers catalog (mlContext.MulticlassClassification.Trainers).</summary>
    public static IHostEnvironment Environment(MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        MLNetVersion.EnsureCompatible();
        return EnvironmentOf(catalog);
    }

    /// <summary>The environment behind the transforms catalog (mlContext.Transforms).</summary>
    public static IHostEnvironment Environment(TransformsCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        MLNetVersion.EnsureCompatible();
        return EnvironmentOf(catalog);
    }

    // CatalogUtils is internal to ML.NET: calling it from separate, never-inlined methods lets the version check above
    // run (and give its message) before the JIT has to resolve it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IHostEnvironment EnvironmentOf(MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog) => CatalogUtils.GetEnvironment(catalog);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IHostEnvironment EnvironmentOf(TransformsCatalog catalog) => CatalogUtils.GetEnvironment(catalog);

    /// <summary>
    /// A seed drawn from the random generator of a host registered as <paramref name="name"/> (ML.NET's convention for a
    /// trainer's unset seed): reproducible for <c>new MLContext(seed: s)</c>, random for <c>new MLContext()</c>.
    /// </summary>
    public static int DrawSeed(IHostEnvironment env, string name)
    {
        ArgumentNullException.ThrowIfNull(env);
        return env.Register(name).Rand.Next();
    }

    /// <summary>Opens a log and progress channel named <paramref name="name"/> (the trainer's name, as mlContext.Log shows it).</summary>
    public static HostAccess Start(IHostEnvironment env, string name, int epochs) => new(env, name, epochs);

    /// <summary>Writes an informational message to mlContext.Log.</summary>
    public void Info(string message) => _channel.Info(MessageSensitivity.None, message);

    /// <summary>Writes a warning to mlContext.Log.</summary>
    public void Warning(string message) => _channel.Warning(MessageSensitivity.None, message);

    /// <summary>Reports the minibatch about to run, <paramref name="batch"/> of <paramref name="batches"/> in the epoch, to the progress channel.</summary>
    public void Batch(long batch, long batches)
    {
        _batch = batch;
        _batches = batches;
    }

    /// <summary>Reports the completed epoch to the progress channel.</summary>
    public void Progress(int epoch, double loss, double accuracy)
    {
        _epoch = epoch;
        _batch = 0;
        _loss = loss;
        _accuracy = accuracy;
        _progress.Checkpoint(loss, accuracy, epoch);
    }

    /// <summary>Throws <see cref="OperationCanceledException"/> when mlContext.CancelExecution() was called.</summary>
    public void CheckAlive() => _host.CheckAlive();

    /// <inheritdoc />
    public void Dispose()
    {
        _progress.Dispose();
        _channel.Dispose();
    }
}
