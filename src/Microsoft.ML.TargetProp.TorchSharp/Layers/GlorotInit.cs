using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>Glorot (Xavier) uniform initialisation, U(−√(6/(fan_in+fan_out)), +√(6/(fan_in+fan_out))), from an explicit generator so a seed fixes every weight.</summary>
internal static class GlorotInit
{
    /// <summary>A new tensor of <paramref name="shape"/> drawn from the Glorot uniform distribution.</summary>
    public static Tensor Uniform(long[] shape, int fanIn, int fanOut, Generator? generator, Device? device = null) =>
        LayerInit.Weight(WeightInitialization.Glorot, shape, fanIn, fanOut, generator, device);
}
