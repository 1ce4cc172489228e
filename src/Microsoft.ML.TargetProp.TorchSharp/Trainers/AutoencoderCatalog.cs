using System;
using Microsoft.ML.TargetProp.MLNetInternals;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using Microsoft.ML.TargetProp.TorchSharp.Training;

namespace Microsoft.ML;

/// <summary>The autoencoder featurizer of Microsoft.ML.TargetProp on <c>mlContext.Transforms</c>.</summary>
public static class AutoencoderCatalog
{
    /// <summary>
    /// Learns an autoencoder on <paramref name="inputColumnName"/> with <paramref name="algorithm"/> and adds its code as
    /// <paramref name="outputColumnName"/> (a features column for any downstream trainer).
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">Code column to add.</param>
    /// <param name="inputColumnName">Vector&lt;Single&gt; column to reconstruct.</param>
    /// <param name="algorithm">Learning algorithm.</param>
    /// <param name="hiddenLayers">Hidden layers; the paper's autoencoder is "fc(512) fc(64) fc(512)" (the code is the narrowest).</param>
    /// <param name="numberOfEpochs">Passes over the data.</param>
    /// <param name="batchSize">Minibatch size.</param>
    /// <param name="reconstructionColumnName">Also add the reconstruction under this name (null: no).</param>
    /// <param name="seed">Random seed (null: drawn from the MLContext's seed).</param>
    public static AutoencoderEstimator FeaturizeByAutoencoder(this TransformsCatalog catalog, string outputColumnName = "Code", string inputColumnName = "Features",
        AlgorithmKind algorithm = AlgorithmKind.SimplifiedTargetProp, string hiddenLayers = AutoencoderEstimator.PaperHiddenLayers, int numberOfEpochs = TrainingOptions.DefaultEpochs, int batchSize = TrainingOptions.DefaultBatchSize,
        string? reconstructionColumnName = null, int? seed = null) =>
        FeaturizeByAutoencoder(catalog, new AutoencoderEstimator.Options
        {
            OutputColumnName = outputColumnName,
            InputColumnName = inputColumnName,
            Algorithm = algorithm,
            HiddenLayers = hiddenLayers,
            NumberOfEpochs = numberOfEpochs,
            BatchSize = batchSize,
            ReconstructionColumnName = reconstructionColumnName,
            Seed = seed,
        });

    /// <summary>Learns an autoencoder featurizer with all options.</summary>
    public static AutoencoderEstimator FeaturizeByAutoencoder(this TransformsCatalog catalog, AutoencoderEstimator.Options options) =>
        new(HostAccess.Environment(catalog), options ?? throw new ArgumentNullException(nameof(options)));
}
