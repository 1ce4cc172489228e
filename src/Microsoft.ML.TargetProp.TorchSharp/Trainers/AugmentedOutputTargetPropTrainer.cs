using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>AO-SDTP (Algorithm 2): SDTP whose output is augmented with an untrained random-feature output z of <see cref="Options.AuxiliaryUnits"/> units.</summary>
public sealed class AugmentedOutputTargetPropTrainer : TargetPropTrainerBase<AugmentedOutputTargetPropTrainer.Options>
{
    /// <summary>Options of <see cref="AugmentedOutputTargetPropTrainer"/>; defaults are Table 5's SDTP MNIST-LC parallel values (Table 5 has no AO-SDTP column).</summary>
    public sealed class Options : TargetPropagationTrainerOptions
    {
        /// <summary>k: size of the auxiliary output z (default <see cref="HyperParameters.DefaultAuxiliaryUnits"/>, 512 as in the paper's CIFAR runs).</summary>
        public int AuxiliaryUnits = HyperParameters.DefaultAuxiliaryUnits;

        /// <summary>Creates options with the recommended MNIST-LC parallel values (<see cref="Recommended"/>; Table 5 has no AO-SDTP column, so SDTP's).</summary>
        public Options() => ApplyPaperTargetProp(AugmentedOutputTargetProp.Descriptor.Defaults("mnist-lc"), "mnist-lc");

        /// <summary>Options with Table 5's (SDTP) values for an architecture preset and schedule.</summary>
        public static Options FromPaper(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel, Table5Reading reading = Table5Reading.SearchSpace)
        {
            var options = new Options();
            options.ApplyPaperTargetProp(AugmentedOutputTargetProp.Descriptor.Table5(preset, schedule, reading), preset);
            return options;
        }

        /// <summary>Options with the library's recommended values for an architecture preset: the searched preset under presets/ where one is committed (docs/results.md, "Random search over Table 4"), else <see cref="FromPaper"/>'s.</summary>
        public static Options Recommended(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel)
        {
            var options = new Options();
            options.ApplyPaperTargetProp(AugmentedOutputTargetProp.Descriptor.Defaults(preset, schedule), preset);
            return options;
        }

        internal override HyperParameters ToHyperParameters() => TargetPropHyperParameters() with { AuxiliaryUnits = AuxiliaryUnits };
    }

    internal AugmentedOutputTargetPropTrainer(IHostEnvironment env, Options options) : base(env, options, AugmentedOutputTargetProp.Descriptor) { }
}
