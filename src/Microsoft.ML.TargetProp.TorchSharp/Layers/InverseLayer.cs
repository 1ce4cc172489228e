using Microsoft.ML.TargetProp.Model;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>An inverse (feedback) map g_l(h_l) = φ(V_l h_l + c_l) from a layer's output h_l back to its input h_{l-1}, with its own parameters λ_l = (V_l, c_l).</summary>
public abstract class InverseLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates an inverse producing activities of <paramref name="outputShape"/> with nonlinearity <paramref name="activation"/>.</summary>
    protected InverseLayer(string name, ImageShape outputShape, Activation activation) : base(name)
    {
        OutputShape = outputShape;
        Activation = activation;
    }

    /// <summary>The number format of this inverse's matrix products (default float32; the network gives it its layer's); λ stays float32 either way.</summary>
    public MatmulPrecision Precision
    {
        get => _precision;
        set => _precision = System.Enum.IsDefined(value) ? value : throw new System.ArgumentOutOfRangeException(nameof(value), value, "Unknown matrix-product precision.");
    }

    private MatmulPrecision _precision;

    /// <summary>Shape of the reconstruction (the forward layer's input h_{l-1}).</summary>
    public ImageShape OutputShape { get; }

    /// <summary>φ of the reconstructed layer.</summary>
    public Activation Activation { get; }

    /// <summary>Multiply-adds of the product V_l h_l for one example: the nonzeros of V_l.</summary>
    public abstract long MultiplyAdds { get; }

    /// <summary>The linear part V_l h_l + c_l.</summary>
    public abstract Tensor Linear(Tensor input);

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Activations.Apply(Activation, Linear(input));
}
