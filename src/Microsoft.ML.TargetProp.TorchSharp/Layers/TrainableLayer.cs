using System;
using Microsoft.ML.TargetProp.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Layers;

/// <summary>
/// A forward layer h_l = f_l(h_{l-1}) = φ(W_l h_{l-1} + b_l) whose linear part W_l may be sparse (locally connected).
/// Layers know nothing about learning algorithms: they expose the linear map, its transpose for any weight of the
/// same shape, φ and φ′, and can create a matching inverse g_l.
/// </summary>
public abstract class TrainableLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates a layer mapping <paramref name="inputShape"/> to <paramref name="outputShape"/>.</summary>
    protected TrainableLayer(string name, ImageShape inputShape, ImageShape outputShape, Activation? activation, WeightInitialization initialization) : base(name)
    {
        InputShape = inputShape;
        OutputShape = outputShape;
        Activation = activation;
        Initialization = initialization;
    }

    /// <summary>How W_l, b_l were drawn; the inverse and feedback matrices created by this layer use the same rule.</summary>
    public WeightInitialization Initialization { get; }

    /// <summary>The number format of this layer's matrix products (default float32); θ stays float32 either way.</summary>
    public MatmulPrecision Precision
    {
        get => _precision;
        set => _precision = System.Enum.IsDefined(value) ? value : throw new System.ArgumentOutOfRangeException(nameof(value), value, "Unknown matrix-product precision.");
    }

    private MatmulPrecision _precision;

    /// <summary>Shape of h_{l-1}.</summary>
    public ImageShape InputShape { get; }

    /// <summary>Shape of h_l.</summary>
    public ImageShape OutputShape { get; }

    /// <summary>φ, or null for the linear output layer (its softmax lives in the loss).</summary>
    public Activation? Activation { get; }

    /// <summary>The weights W_l.</summary>
    public abstract Parameter Weight { get; }

    /// <summary>The bias b_l.</summary>
    public abstract Parameter Bias { get; }

    /// <summary>Pre-activation a_l = W_l h_{l-1} + b_l for a batch [N, …input shape].</summary>
    public abstract Tensor Linear(Tensor input);

    /// <summary>
    /// Applies the transpose of this layer's linear map, built from <paramref name="weight"/> (shaped like <see cref="Weight"/>),
    /// to <paramref name="output"/> (a batch shaped like h_l); returns a batch shaped like h_{l-1}. With W_l it is the
    /// backward pass of <see cref="Linear"/>; with a random B_l it is feedback alignment; with learned V_l an inverse.
    /// </summary>
    public abstract Tensor TransposeLinear(Tensor output, Tensor weight);

    /// <summary>Creates an inverse g_l mapping h_l (with <paramref name="extraInputs"/> more flat units appended) back to h_{l-1}, with nonlinearity <paramref name="activation"/>.</summary>
    public abstract InverseLayer CreateInverse(Activation activation, Generator? generator, int extraInputs = 0);

    /// <summary>Creates a random matrix shaped like W_l, scaled like W_l (the fixed feedback B_l of feedback alignment).</summary>
    public Tensor CreateFeedback(Generator? generator) => LayerInit.Weight(Initialization, Weight.shape, FanIn, InitFanOut, generator, Weight.device);

    /// <summary>Multiply-adds of the product W_l h_{l-1} for one example: the nonzeros of the sparse matrix W_l.</summary>
    public virtual long MultiplyAdds => Weight.numel();

    /// <summary>Glorot fan-in of one output unit.</summary>
    public abstract int FanIn { get; }

    /// <summary>Glorot fan-out of one input unit, convolution-style (ignoring a stride).</summary>
    public abstract int FanOut { get; }

    /// <summary>The fan-out <see cref="Initialization"/> uses: <see cref="FanOut"/>, or for <see cref="WeightInitialization.GlorotStrideAware"/> the mean number of outputs one input feeds.</summary>
    public virtual double InitFanOut => FanOut;

    /// <summary>
    /// W·diag(d) where d holds <paramref name="channelScale"/>[c] for every input unit of channel c: the weights that read
    /// inputs scaled per channel. With the bias shift b − W(μ/s) this folds an input standardisation into the layer.
    /// </summary>
    public abstract Tensor ScaleInputChannels(Tensor channelScale);

    /// <summary>b_l as a bias per output unit, shaped like h_l (a convolution's b [O] is expanded to every location).</summary>
    public virtual Tensor BiasMap() => Bias.detach().clone();

    /// <summary><paramref name="weightLikeW"/> (shaped like W_l) in the layout a saved model stores for this layer: itself, or for a convolution its filters replicated at every location ([L, C·k·k, O]).</summary>
    public virtual Tensor UntiedWeight(Tensor weightLikeW) => weightLikeW.alias();

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var a = Linear(input);
        return Activation is { } act ? Activations.Apply(act, a) : a;
    }
}
