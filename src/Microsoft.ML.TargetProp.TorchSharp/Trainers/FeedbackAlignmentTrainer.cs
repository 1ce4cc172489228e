using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Feedback alignment (FA): errors flow down through fixed random matrices B_l in place of W_lᵀ.</summary>
public sealed class FeedbackAlignmentTrainer : TargetPropTrainerBase<FeedbackAlignmentTrainer.Options>
{
    /// <summary>Options of <see cref="FeedbackAlignmentTrainer"/>; defaults are Table 5's MNIST locally-connected values.</summary>
    public sealed class Options : TargetPropTrainerOptions
    {
        /// <summary>Creates options with the recommended MNIST-LC values (<see cref="Recommended"/>).</summary>
        public Options() => ApplyPaper(FeedbackAlignment.Descriptor.Defaults("mnist-lc"), "mnist-lc");

        /// <summary>Options with Table 5's values for a Table 3 architecture preset (which also becomes the architecture); <paramref name="reading"/>: Adam's β and ϵ moved into Table 4's space (default) or as printed.</summary>
        public static Options FromPaper(string preset, Table5Reading reading = Table5Reading.SearchSpace)
        {
            var options = new Options();
            options.ApplyPaper(FeedbackAlignment.Descriptor.Table5(preset, TrainingSchedule.Parallel, reading), preset);
            return options;
        }

        /// <summary>Options with the library's recommended values for an architecture preset: the searched preset under presets/ where one is committed (docs/results.md, "Random search over Table 4"), else <see cref="FromPaper"/>'s.</summary>
        public static Options Recommended(string preset)
        {
            var options = new Options();
            options.ApplyPaper(FeedbackAlignment.Descriptor.Defaults(preset), preset);
            return options;
        }

        internal override HyperParameters ToHyperParameters() => new() { Forward = ForwardAdam };
    }

    internal FeedbackAlignmentTrainer(IHostEnvironment env, Options options) : base(env, options, FeedbackAlignment.Descriptor) { }
}
