using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Simplified difference target propagation (SDTP): the penultimate target comes from the label through g_L; no gradient crosses layers; de-noising inverses.</summary>
public sealed class SimplifiedTargetPropTrainer : TargetPropTrainerBase<SimplifiedTargetPropTrainer.Options>
{
    /// <summary>Options of <see cref="SimplifiedTargetPropTrainer"/>; defaults are Table 5's MNIST-LC parallel values with Adam's β and ϵ in Table 4's space.</summary>
    public sealed class Options : TargetPropagationTrainerOptions
    {
        /// <summary>Creates options with Table 5's MNIST-LC parallel values.</summary>
        public Options() => ApplyPaperTargetProp(SimplifiedTargetProp.Descriptor.Table5("mnist-lc"), "mnist-lc");

        /// <summary>Options with Table 5's values for an architecture preset and schedule (<paramref name="reading"/>: Adam's β and ϵ moved into Table 4's space, the default, or as printed).</summary>
        public static Options FromPaper(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel, Table5Reading reading = Table5Reading.SearchSpace)
        {
            var options = new Options();
            options.ApplyPaperTargetProp(SimplifiedTargetProp.Descriptor.Table5(preset, schedule, reading), preset);
            return options;
        }

        internal override HyperParameters ToHyperParameters() => TargetPropHyperParameters();
    }

    internal SimplifiedTargetPropTrainer(IHostEnvironment env, Options options) : base(env, options, SimplifiedTargetProp.Descriptor.Kind) { }
}
