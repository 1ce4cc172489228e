using Microsoft.ML.Runtime;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Difference target propagation (DTP): ĥ_{L-1} = h_{L-1} − α ∂L/∂h_{L-1}, difference-corrected targets below, noise-preserving inverses.</summary>
public sealed class DifferenceTargetPropTrainer : TargetPropTrainerBase<DifferenceTargetPropTrainer.Options>
{
    /// <summary>Options of <see cref="DifferenceTargetPropTrainer"/>; defaults are Table 5's MNIST-LC parallel values with Adam's β and ϵ in Table 4's space.</summary>
    public sealed class Options : TargetPropagationTrainerOptions
    {
        /// <summary>α: step of the penultimate target (Table 4 searches [0.01, 0.2]).</summary>
        public double Alpha = 0.1;

        /// <summary>Creates options with the recommended MNIST-LC parallel values (<see cref="Recommended"/>).</summary>
        public Options() => Apply(DifferenceTargetProp.Descriptor.Defaults("mnist-lc"), "mnist-lc");

        /// <summary>Options with Table 5's values for an architecture preset and schedule (<paramref name="reading"/>: Adam's β and ϵ moved into Table 4's space, the default, or as printed).</summary>
        public static Options FromPaper(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel, Table5Reading reading = Table5Reading.SearchSpace)
        {
            var options = new Options();
            options.Apply(DifferenceTargetProp.Descriptor.Table5(preset, schedule, reading), preset);
            return options;
        }

        private void Apply(HyperParameters p, string preset)
        {
            ApplyPaperTargetProp(p, preset);
            Alpha = p.Alpha;
        }

        /// <summary>Options with the library's recommended values for an architecture preset: the searched preset under presets/ where one is committed (docs/results.md, "Random search over Table 4"), else <see cref="FromPaper"/>'s.</summary>
        public static Options Recommended(string preset, TrainingSchedule schedule = TrainingSchedule.Parallel)
        {
            var options = new Options();
            options.Apply(DifferenceTargetProp.Descriptor.Defaults(preset, schedule), preset);
            return options;
        }

        internal override HyperParameters ToHyperParameters() => TargetPropHyperParameters() with { Alpha = Alpha };
    }

    internal DifferenceTargetPropTrainer(IHostEnvironment env, Options options) : base(env, options, DifferenceTargetProp.Descriptor) { }
}
