using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Backpropagation baseline: the gradient of the cross-entropy through every layer.</summary>
public sealed class BackpropTrainer : TargetPropTrainerBase<BackpropTrainer.Options>
{
    /// <summary>Options of <see cref="BackpropTrainer"/>; defaults are Table 5's MNIST locally-connected values.</summary>
    public sealed class Options : TargetPropTrainerOptions
    {
        /// <summary>Creates options with Table 5's MNIST-LC values.</summary>
        public Options() => ApplyPaper(PaperHyperParameters.Get("mnist-lc", AlgorithmKind.Backprop), "mnist-lc");

        /// <summary>Options with Table 5's values for a Table 3 architecture preset (which also becomes the architecture).</summary>
        public static Options FromPaper(string preset)
        {
            var options = new Options();
            options.ApplyPaper(PaperHyperParameters.Get(preset, AlgorithmKind.Backprop), preset);
            return options;
        }

        internal override HyperParameters ToHyperParameters() => new() { Forward = ForwardAdam };
    }

    internal BackpropTrainer(IHostEnvironment env, Options options) : base(env, options, AlgorithmKind.Backprop) { }
}
