using Microsoft.ML.Runtime;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Kolen–Pollack (KP): feedback alignment whose feedback B_l takes W_l's update transposed, both with weight decay, so B_l → W_lᵀ.</summary>
public sealed class KolenPollackTrainer : TargetPropTrainerBase<KolenPollackTrainer.Options>
{
    /// <summary>Options of <see cref="KolenPollackTrainer"/>; defaults are the rule's recommended MNIST-LC values (<see cref="RuleTrainerOptions{TSelf}.Recommended"/>).</summary>
    public sealed class Options : RuleTrainerOptions<Options>
    {
        /// <summary>λ: decoupled weight decay of W_l and B_l (<see cref="Algorithms.KolenPollack.WeightDecay"/>).</summary>
        public double WeightDecay = Algorithms.KolenPollack.WeightDecay.Default;

        /// <summary>Creates options with the recommended MNIST-LC values.</summary>
        public Options() : base(Algorithms.KolenPollack.Descriptor) { }
    }

    internal KolenPollackTrainer(IHostEnvironment env, Options options) : base(env, options, Algorithms.KolenPollack.Descriptor) { }
}
