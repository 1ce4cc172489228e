using System;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.MLNetInternals;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Training;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>
/// One Fit of an estimator (a classifier trainer or the autoencoder), the steps both share: the feature column and its
/// shape, the host's channel (log, progress, cancellation), checkpoint resume, the epoch loop with the user's callback,
/// and the divergence warning. What differs (labels, the log line, the model built) stays in the estimator.
/// </summary>
internal sealed class EstimatorRun : IDisposable
{
    private readonly NetworkEstimatorOptions _options;

    private EstimatorRun(HostAccess host, NetworkEstimatorOptions options) => (Host, _options) = (host, options);

    /// <summary>How often mlContext.Log gets a progress line inside an epoch.</summary>
    internal static TimeSpan ProgressLogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The host channel of this Fit (ML.NET's log and progress).</summary>
    public HostAccess Host { get; }

    /// <summary>
    /// Parses an architecture option; a bad one is an <see cref="ArgumentOutOfRangeException"/> naming
    /// "Options.<paramref name="option"/>" with the parser's message (the same for every estimator).
    /// </summary>
    public static NetworkSpec ParseArchitecture(string text, string option)
    {
        try
        {
            return NetworkSpec.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ArgumentOutOfRangeException(option, $"Options.{option}: {e.Message}");
        }
    }

    /// <summary>Opens the host channel <paramref name="name"/> for <paramref name="options"/>' epochs.</summary>
    public static EstimatorRun Start(IHostEnvironment env, string name, NetworkEstimatorOptions options) =>
        new(HostAccess.Start(env, name, options.NumberOfEpochs), options);

    /// <summary>
    /// The feature column <paramref name="column"/> of <paramref name="schema"/> and the input shape of
    /// <paramref name="spec"/> (from the column's image annotation or <see cref="NetworkEstimatorOptions.ImageShape"/>),
    /// checked against every layer; <paramref name="specText"/> names the architecture the user wrote in errors.
    /// </summary>
    public static (DataViewSchema.Column Column, VectorDataViewType Type, ImageShape Shape, string? Note) Features(
        DataViewSchema schema, string column, NetworkSpec spec, ImageShape? declared, string specText)
    {
        var (features, type) = DataViewReader.FeatureColumn(schema, column);
        var shape = DataViewReader.Shape(features, type, declared, spec.NeedsImageShape, specText, out string? note);
        spec.Shapes(shape);
        return (features, type, shape, note);
    }

    /// <summary>
    /// Resumes <paramref name="trainer"/> from the options' checkpoint when it exists, trains it, logging each epoch as
    /// <paramref name="describe"/> writes it (progress carries the train accuracy when <paramref name="hasAccuracy"/>),
    /// calls the options' MetricsCallback, honours their CancellationToken and the host's cancellation between batches,
    /// and warns when training diverged.
    /// </summary>
    public TrainingResult Train(NetworkTrainer trainer, InMemoryDataset train, InMemoryDataset? validation, Func<EpochMetrics, string> describe, bool hasAccuracy)
    {
        Checkpoints.ResumeIfPresent(trainer, _options.CheckpointPath, Host);
        long batches = (long)((train.Count + _options.BatchSize - 1) / _options.BatchSize) * trainer.PassesPerEpoch, batch = 0;
        int epoch = trainer.CompletedEpochs + 1;
        var epochClock = Stopwatch.StartNew();
        var lineClock = Stopwatch.StartNew();
        var result = trainer.Fit(train, validation, m =>
        {
            Host.Info(describe(m));
            Host.Progress(m.Epoch, m.TrainLoss, hasAccuracy ? m.TrainAccuracy : double.NaN);
            _options.MetricsCallback?.Invoke(m);
            (epoch, batch) = (m.Epoch + 1, 0);
            epochClock.Restart();
            lineClock.Restart();
        }, beforeBatch: () =>
        {
            _options.CancellationToken.ThrowIfCancellationRequested();
            Host.CheckAlive();
            Host.Batch(batch++, batches);
            // A long epoch is not silent in mlContext.Log: a line every ProgressLogInterval.
            if (lineClock.Elapsed < ProgressLogInterval) return;
            lineClock.Restart();
            Host.Info(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch}/{_options.NumberOfEpochs}: batch {batch}/{batches}, {batch * _options.BatchSize / Math.Max(1e-9, epochClock.Elapsed.TotalSeconds):N0} samples/s"));
        });
        if (result.Divergence is not null) Host.Warning(result.Divergence);
        return result;
    }

    /// <inheritdoc />
    public void Dispose() => Host.Dispose();
}
