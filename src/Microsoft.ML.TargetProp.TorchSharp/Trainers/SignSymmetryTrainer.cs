using Microsoft.ML.Runtime;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Sign symmetry (uSF): errors flow down through s·sign(W_l)ᵀ, the signs of the forward weights without their magnitudes.</summary>
public sealed class SignSymmetryTrainer : TargetPropTrainerBase<SignSymmetryTrainer.Options>
{
    /// <summary>Options of <see cref="SignSymmetryTrainer"/>; defaults are the rule's recommended MNIST-LC values (<see cref="RuleTrainerOptions{TSelf}.Recommended"/>).</summary>
    public sealed class Options : RuleTrainerOptions<Options>
    {
        /// <summary>Multiplier of the feedback magnitude s = √(2/(fan_in + fan_out)) (<see cref="Algorithms.SignSymmetry.Scale"/>).</summary>
        public double Scale = Algorithms.SignSymmetry.Scale.Default;

        /// <summary>Creates options with the recommended MNIST-LC values.</summary>
        public Options() : base(Algorithms.SignSymmetry.Descriptor) { }
    }

    internal SignSymmetryTrainer(IHostEnvironment env, Options options) : base(env, options, Algorithms.SignSymmetry.Descriptor) { }
}
