using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Training;

/// <summary>A generator's state as bytes (for checkpoints and for redrawing an interrupted pass's example order).</summary>
internal static class GeneratorStates
{
    public static byte[] Get(Generator generator)
    {
        using var state = generator.get_state();
        return state.data<byte>().ToArray();
    }

    public static void Set(Generator generator, byte[] bytes)
    {
        using var state = tensor(bytes, dtype: ScalarType.Byte);
        generator.set_state(state);
    }
}
