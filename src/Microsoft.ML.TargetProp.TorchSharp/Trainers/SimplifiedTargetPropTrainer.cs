using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Simplified difference target propagation (SDTP): the penultimate target comes from the label through g_L; no gradient crosses layers; de-noising inverses.</summary>
public sealed class SimplifiedTargetPropTrainer : TargetPropTrainerBase<SimplifiedTargetPropTrainer.Options>
{
    /// <summary>Options of <see cref="SimplifiedTargetPropTrainer"/>; defaults are the MNIST-LC parallel preset found by the random search over Table 4 (presets/mnist-lc-sdtp-parallel.json; docs/results.md compares it with Table 5's column); <see cref="FromPaper"/> gives Table 5's.</summary>
    public sealed class Options : TargetPropagationTrainerOptions
    {
        /// <summary>Creates options with the recommended MNIST-LC parallel values (<see cref="Recommended"/>).</summary>
        public Options() => ApplyPaperTargetProp(SimplifiedTargetProp.Descriptor.Defaults("mnist-lc"), "mnist-lc");

        /// <summary>Options with Table 5's values for an architecture preset and schedule (<paramref name="reading"/>: Adam's β and ϵ moved into Table 4's space, the default, or as printed).</summary>
        public static Options FromPaper(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel, Table5Reading reading = Table5Reading.SearchSpace)
        {
            var options = new Options();
            options.ApplyPaperTargetProp(SimplifiedTargetProp.Descriptor.Table5(preset, schedule, reading), preset);
            return options;
        }

        /// <summary>Options with the library's recommended values for an architecture preset: the searched preset under presets/ where one is committed (docs/results.md, "Random search over Table 4"), else <see cref="FromPaper"/>'s.</summary>
        public static Options Recommended(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel)
        {
            var options = new Options();
            options.ApplyPaperTargetProp(SimplifiedTargetProp.Descriptor.Defaults(preset, schedule), preset);
            return options;
        }

        internal override HyperParameters ToHyperParameters() => TargetPropHyperParameters();
    }

    internal SimplifiedTargetPropTrainer(IHostEnvironment env, Options options) : base(env, options, SimplifiedTargetProp.Descriptor) { }
}
