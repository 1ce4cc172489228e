using Microsoft.ML.Runtime;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Fixed-weight difference target propagation (FW-DTP): DTP's difference-corrected targets through fixed random inverses that are never trained.</summary>
public sealed class FixedWeightTargetPropTrainer : TargetPropTrainerBase<FixedWeightTargetPropTrainer.Options>
{
    /// <summary>Options of <see cref="FixedWeightTargetPropTrainer"/>; defaults are the rule's recommended MNIST-LC values (<see cref="RuleTrainerOptions{TSelf}.Recommended"/>).</summary>
    public sealed class Options : RuleTrainerOptions<Options>
    {
        /// <summary>α: the step of the output target ĥ_L = a_L − α e.</summary>
        public double Alpha;

        /// <summary>Creates options with the recommended MNIST-LC values.</summary>
        public Options() : base(Algorithms.FixedWeightTargetProp.Descriptor) { }
    }

    internal FixedWeightTargetPropTrainer(IHostEnvironment env, Options options) : base(env, options, Algorithms.FixedWeightTargetProp.Descriptor) { }
}
