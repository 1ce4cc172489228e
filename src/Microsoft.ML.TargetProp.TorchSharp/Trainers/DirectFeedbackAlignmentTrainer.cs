using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Direct feedback alignment (DFA): the output error reaches every hidden layer through its own fixed random matrix.</summary>
public sealed class DirectFeedbackAlignmentTrainer : TargetPropTrainerBase<DirectFeedbackAlignmentTrainer.Options>
{
    /// <summary>Options of <see cref="DirectFeedbackAlignmentTrainer"/>; defaults are Table 5's MNIST locally-connected values.</summary>
    public sealed class Options : TargetPropTrainerOptions
    {
        /// <summary>Creates options with Table 5's MNIST-LC values.</summary>
        public Options() => ApplyPaper(DirectFeedbackAlignment.Descriptor.Table5("mnist-lc"), "mnist-lc");

        /// <summary>Options with Table 5's values for a Table 3 architecture preset (which also becomes the architecture); <paramref name="reading"/>: Adam's β and ϵ moved into Table 4's space (default) or as printed.</summary>
        public static Options FromPaper(string preset, Table5Reading reading = Table5Reading.SearchSpace)
        {
            var options = new Options();
            options.ApplyPaper(DirectFeedbackAlignment.Descriptor.Table5(preset, TrainingSchedule.Parallel, reading), preset);
            return options;
        }

        internal override HyperParameters ToHyperParameters() => new() { Forward = ForwardAdam };
    }

    internal DirectFeedbackAlignmentTrainer(IHostEnvironment env, Options options) : base(env, options, DirectFeedbackAlignment.Descriptor.Kind) { }
}
