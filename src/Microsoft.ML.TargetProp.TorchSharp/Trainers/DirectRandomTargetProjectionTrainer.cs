using Microsoft.ML.Runtime;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Direct random target projection (DRTP): every hidden layer learns from the one-hot target through a fixed random matrix; no error reaches the hidden layers.</summary>
public sealed class DirectRandomTargetProjectionTrainer : TargetPropTrainerBase<DirectRandomTargetProjectionTrainer.Options>
{
    /// <summary>Options of <see cref="DirectRandomTargetProjectionTrainer"/>; defaults are the rule's recommended MNIST-LC values (<see cref="RuleTrainerOptions{TSelf}.Recommended"/>).</summary>
    public sealed class Options : RuleTrainerOptions<Options>
    {
        /// <summary>Creates options with the recommended MNIST-LC values.</summary>
        public Options() : base(Algorithms.DirectRandomTargetProjection.Descriptor) { }
    }

    internal DirectRandomTargetProjectionTrainer(IHostEnvironment env, Options options) : base(env, options, Algorithms.DirectRandomTargetProjection.Descriptor) { }
}
