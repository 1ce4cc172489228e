using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using TorchSharp;
using TorchSharp.Modules;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>
/// Adam (Kingma and Ba) over a fixed list of parameters, with in-place updates and every scalar held in an explicit,
/// rooted <see cref="Scalar"/>. TorchSharp 0.107's own optimizers pass implicitly converted Scalars to native code;
/// those can be finalized by the GC while the native call still reads them, which showed up here as a rare
/// "toFloat: Expected false to be true" crash. State (moments and step count) is saved with checkpoints.
/// </summary>
/// <remarks>Targets TorchSharp 0.107: listed with the other workarounds in docs/architecture.md, "TorchSharp 0.107 workarounds".</remarks>
internal sealed class AdamOptimizer : IDisposable
{
    private readonly Parameter[] _parameters;
    private readonly Tensor[] _m;
    private readonly Tensor[] _v;
    private readonly AdamSettings _settings;
    private readonly AdamEpsilonMode _epsilonMode;
    private readonly double _weightDecay;

    /// <summary>
    /// Creates the optimizer with zero moments; <paramref name="epsilonMode"/> says where ϵ enters the step;
    /// <paramref name="weightDecay"/> λ decays every parameter by (1 − lr·λ) before each step (decoupled, as AdamW).
    /// </summary>
    public AdamOptimizer(IEnumerable<Parameter> parameters, AdamSettings settings, AdamEpsilonMode epsilonMode = AdamEpsilonMode.PyTorch, double weightDecay = 0)
    {
        if (!(weightDecay >= 0 && double.IsFinite(weightDecay))) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"Weight decay must be a finite number ≥ 0; got {weightDecay}.");
        _weightDecay = weightDecay;
        if (!Enum.IsDefined(epsilonMode)) throw new ArgumentOutOfRangeException(nameof(epsilonMode), epsilonMode, "Unknown Adam epsilon mode.");
        _epsilonMode = epsilonMode;
        ArgumentNullException.ThrowIfNull(parameters);
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        settings.Validate(nameof(settings));
        _parameters = parameters.ToArray();
        using var _ = no_grad();
        _m = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
        _v = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>Number of steps taken.</summary>
    public long Steps { get; private set; }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.grad?.zero_();
    }

    /// <summary>
    /// One Adam step: m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; then θ ← θ − lr/(1−β1ᵗ) · m / (√(v/(1−β2ᵗ)) + ϵ)
    /// (PyTorch), or θ ← θ − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m / (√v + ϵ̂) (TensorFlow: ϵ̂ before the bias correction).
    /// </summary>
    public void Step()
    {
        Steps++;
        double b1 = _settings.Beta1, b2 = _settings.Beta2;
        double correction1 = 1 - Math.Pow(b1, Steps), correction2 = 1 - Math.Pow(b2, Steps);
        using var beta1 = b1.ToScalar();
        using var oneMinusBeta1 = (1 - b1).ToScalar();
        using var beta2 = b2.ToScalar();
        using var oneMinusBeta2 = (1 - b2).ToScalar();
        bool tf = _epsilonMode == AdamEpsilonMode.TensorFlow;
        using var sqrtCorrection2 = Math.Sqrt(correction2).ToScalar();
        using var epsilon = _settings.Epsilon.ToScalar();
        double step = tf ? -_settings.LearningRate * Math.Sqrt(correction2) / correction1 : -_settings.LearningRate / correction1;
        using var negativeStep = step.ToScalar();
        var fused = new FusedAdamKernel.Coefficients((float)b1, (float)b2, (float)step, tf ? 1f : (float)(1 / Math.Sqrt(correction2)), (float)_settings.Epsilon);
        int threads = Math.Max(1, get_num_threads());
        using var _ = no_grad();
        using var keep = (1 - _settings.LearningRate * _weightDecay).ToScalar();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var grad = _parameters[i].grad;
            if (grad is null) continue;
            if (_weightDecay > 0) _parameters[i].mul_(keep);
            if (UseFusedKernel && CanFuse(_parameters[i], grad, _m[i], _v[i]))
            {
                unsafe
                {
                    FusedAdamKernel.Step(TensorMemory.Float32(_parameters[i]), TensorMemory.Float32(grad),
                        TensorMemory.Float32(_m[i]), TensorMemory.Float32(_v[i]), _parameters[i].numel(), fused, threads);
                }
                continue;
            }
            _m[i].mul_(beta1).add_(grad, alpha: oneMinusBeta1);
            _v[i].mul_(beta2).addcmul_(grad, grad, value: oneMinusBeta2);
            using var denominator = _v[i].sqrt();
            if (!tf) denominator.div_(sqrtCorrection2);
            denominator.add_(epsilon, TorchScalars.One);
            _parameters[i].addcdiv_(_m[i], denominator, value: negativeStep);
        }
    }

    /// <summary>
    /// True (default) to update contiguous float32 CPU parameters with <see cref="FusedAdamKernel"/>, one pass over
    /// memory; other devices and dtypes always take libtorch's in-place ops. Both compute the same step (to float32
    /// rounding); false exists to compare them.
    /// </summary>
    internal bool UseFusedKernel { get; set; } = true;

    private static bool CanFuse(Tensor p, Tensor g, Tensor m, Tensor v) =>
        new[] { p, g, m, v }.All(TensorMemory.IsPlainFloat32) && g.numel() == p.numel() && p.numel() * sizeof(float) <= int.MaxValue;

    /// <summary>Where ϵ enters the step.</summary>
    public AdamEpsilonMode EpsilonMode => _epsilonMode;

    /// <summary>Writes the step count and both moments.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Steps);
        writer.Write(_parameters.Length);
        for (int i = 0; i < _parameters.Length; i++)
        {
            _m[i].Save(writer);
            _v[i].Save(writer);
        }
    }

    /// <summary>Reads what <see cref="Save"/> wrote for the same parameters.</summary>
    public void Load(BinaryReader reader)
    {
        long steps = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (steps < 0 || count != _parameters.Length)
            throw new InvalidDataException($"The optimizer state is for {count} parameters; this optimizer has {_parameters.Length}.");
        for (int i = 0; i < count; i++)
        {
            _m[i].Load(reader);
            _v[i].Load(reader);
        }
        Steps = steps;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _m) t.Dispose();
        foreach (var t in _v) t.Dispose();
    }
}
