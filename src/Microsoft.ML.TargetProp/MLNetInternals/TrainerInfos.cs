using System.Runtime.CompilerServices;

namespace Microsoft.ML.TargetProp.MLNetInternals;

/// <summary>Creates ML.NET's <see cref="TrainerInfo"/>, whose constructor ML.NET keeps internal.</summary>
internal static class TrainerInfos
{
    /// <summary>A trainer that needs no normalization or caching and supports a validation set: what our trainers are.</summary>
    public static TrainerInfo InMemoryWithValidation()
    {
        MLNetVersion.EnsureCompatible();
        return Create();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TrainerInfo Create() => new(normalization: false, calibration: false, caching: false, supportValid: true);
}
