using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Training;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>Options of the target-propagation trainers (DTP, SDTP, AO-SDTP): inverse optimizer, σ, schedule.</summary>
public abstract class TargetPropagationTrainerOptions : TargetPropTrainerOptions
{
    /// <summary>Adam learning rate of the inverse weights λ.</summary>
    public double InverseLearningRate = 1e-3;

    /// <summary>Adam β1 of the inverse weights.</summary>
    public double InverseBeta1 = 0.9;

    /// <summary>Adam β2 of the inverse weights.</summary>
    public double InverseBeta2 = 0.999;

    /// <summary>Adam ϵ of the inverse weights.</summary>
    public double InverseEpsilon = 1e-4;

    /// <summary>σ: standard deviation of the Gaussian noise used to train the inverses g_l.</summary>
    public double Sigma = 0.1;

    /// <summary>Parallel (both losses every minibatch) or alternating (an inverse step, then a forward step; see <see cref="AlternateEvery"/>).</summary>
    public TrainingSchedule Schedule = TrainingSchedule.Parallel;

    /// <summary>a of the hybrid g = a·g_bp + (1 − a)·g_tp (section 5.6); 0 = pure target propagation.</summary>
    public double BpMix;

    /// <summary>What the alternating schedule alternates over: minibatches (default) or whole epochs.</summary>
    public AlternationGranularity AlternateEvery = TrainingOptions.Default.AlternateEvery;

    /// <summary>σ relative to each batch's activity standard deviation instead of absolute. Default false.</summary>
    public bool RelativeSigma = TrainingOptions.Default.RelativeSigma;

    /// <summary>Scale of the layer and inverse squared-L2 losses. Default ½·Σ over units.</summary>
    public LocalLossScale LocalLoss = TrainingOptions.Default.LocalLoss;

    /// <inheritdoc />
    internal override TrainingOptions WithChoices(TrainingOptions options) => base.WithChoices(options) with
    {
        AlternateEvery = AlternateEvery,
        RelativeSigma = RelativeSigma,
        LocalLoss = LocalLoss,
    };

    internal HyperParameters TargetPropHyperParameters() => new()
    {
        Forward = ForwardAdam,
        Inverse = new AdamSettings(InverseLearningRate, InverseBeta1, InverseBeta2, InverseEpsilon),
        Sigma = Sigma,
        Schedule = Schedule,
        BpMix = BpMix,
    };

    /// <summary>Copies Table 5's forward and inverse values.</summary>
    protected void ApplyPaperTargetProp(HyperParameters p, string preset)
    {
        ApplyPaper(p, preset);
        InverseLearningRate = p.Inverse.LearningRate;
        InverseBeta1 = p.Inverse.Beta1;
        InverseBeta2 = p.Inverse.Beta2;
        InverseEpsilon = p.Inverse.Epsilon;
        Sigma = p.Sigma;
        Schedule = p.Schedule;
    }
}
