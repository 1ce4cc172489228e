using System;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>Settings of an Adam optimizer (learning rate, β1, β2, ϵ).</summary>
/// <param name="LearningRate">Step size; Table 4 searches [1e-5, 3e-4].</param>
/// <param name="Beta1">β1; Table 4 fixes 0.9.</param>
/// <param name="Beta2">β2; Table 4 searches {0.99, 0.999}.</param>
/// <param name="Epsilon">ϵ; Table 4 searches {1e-4, 1e-6, 1e-8}.</param>
public sealed record AdamSettings(double LearningRate, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8)
{
    /// <summary>Throws an error naming <paramref name="name"/> when a value is out of range.</summary>
    public void Validate(string name) => Validate(name, OptionChecks.Unchanged);

    /// <summary>Throws an error naming the field as <paramref name="label"/> calls "<paramref name="name"/>.Field".</summary>
    internal void Validate(string name, Func<string, string> label)
    {
        OptionChecks.PositiveFinite(LearningRate, label($"{name}.{nameof(LearningRate)}"));
        string beta1 = label($"{name}.{nameof(Beta1)}"), beta2 = label($"{name}.{nameof(Beta2)}"), epsilon = label($"{name}.{nameof(Epsilon)}");
        if (!(Beta1 >= 0 && Beta1 < 1))
            throw new ArgumentOutOfRangeException(OptionChecks.ParamName(beta1), $"{beta1} must be in [0, 1); got {Beta1}.");
        if (!(Beta2 >= 0 && Beta2 < 1))
            throw new ArgumentOutOfRangeException(OptionChecks.ParamName(beta2), $"{beta2} must be in [0, 1); got {Beta2}.");
        if (!(Epsilon > 0))
            throw new ArgumentOutOfRangeException(OptionChecks.ParamName(epsilon), $"{epsilon} must be > 0; got {Epsilon}.");
    }
}
