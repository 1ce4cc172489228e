using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Simplified difference target propagation (SDTP): the penultimate target comes from the label through g_L; no gradient crosses layers; de-noising inverses.</summary>
public sealed class SimplifiedTargetPropTrainer : TargetPropTrainerBase<SimplifiedTargetPropTrainer.Options>
{
    /// <summary>Options of <see cref="SimplifiedTargetPropTrainer"/>; defaults are Table 5's MNIST-LC parallel values.</summary>
    public sealed class Options : TargetPropagationTrainerOptions
    {
        /// <summary>Creates options with Table 5's MNIST-LC parallel values.</summary>
        public Options() => ApplyPaperTargetProp(PaperHyperParameters.Get("mnist-lc", AlgorithmKind.SimplifiedTargetProp), "mnist-lc");

        /// <summary>Options with Table 5's values for an architecture preset and schedule.</summary>
        public static Options FromPaper(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel)
        {
            var options = new Options();
            options.ApplyPaperTargetProp(PaperHyperParameters.Get(preset, AlgorithmKind.SimplifiedTargetProp, schedule), preset);
            return options;
        }

        internal override HyperParameters ToHyperParameters() => TargetPropHyperParameters();
    }

    internal SimplifiedTargetPropTrainer(IHostEnvironment env, Options options) : base(env, options, AlgorithmKind.SimplifiedTargetProp) { }
}
