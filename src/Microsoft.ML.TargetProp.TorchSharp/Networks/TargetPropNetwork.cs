using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.TorchSharp.Networks;

/// <summary>
/// A feed-forward network f_L ∘ … ∘ f_1 built from a <see cref="NetworkSpec"/>: the spec's hidden layers with σ, then
/// a linear fully-connected output layer with one unit per class (softmax is applied by the loss), or, for an
/// autoencoder (<see cref="TaskObjective.Reconstruction"/>), one unit per input value.
/// </summary>
public sealed class TargetPropNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<TrainableLayer> layers;
    private readonly TrainableLayer[] _layers;

    /// <summary>
    /// Builds and initialises the network (<paramref name="initialization"/>, Glorot by default); weights are drawn from <paramref name="generator"/> in layer order.
    /// <paramref name="objective"/> defaults to classification; a reconstruction network needs
    /// <paramref name="outputSize"/> = the input size (see <see cref="Autoencoder"/>).
    /// </summary>
    public TargetPropNetwork(NetworkSpec spec, ImageShape inputShape, int outputSize, Generator? generator = null, TaskObjective? objective = null,
        WeightInitialization initialization = WeightInitialization.Glorot) : base(nameof(TargetPropNetwork))
    {
        ArgumentNullException.ThrowIfNull(spec);
        Objective = objective ?? TaskObjective.Classification;
        if (Objective.HasClasses && outputSize < 2)
            throw new ArgumentOutOfRangeException(nameof(outputSize), $"A classifier needs at least 2 classes; got {outputSize}.");
        if (!Objective.HasClasses && outputSize != inputShape.Size)
            throw new ArgumentOutOfRangeException(nameof(outputSize), $"An autoencoder reconstructs its input, so it needs {inputShape.Size} output units ({inputShape}); got {outputSize}.");
        Spec = spec;
        InputShape = inputShape;
        OutputSize = outputSize;
        var shapes = spec.Shapes(inputShape);
        var list = new List<TrainableLayer>();
        for (int i = 0; i < spec.HiddenLayers.Count; i++)
        {
            list.Add(spec.HiddenLayers[i] switch
            {
                DenseLayerSpec d => new Dense(shapes[i], d.Units, spec.Activation, generator, initialization),
                LocallyConnectedLayerSpec { SharedWeights: true } conv => new Convolution2d(conv, shapes[i], spec.Activation, generator, initialization),
                LocallyConnectedLayerSpec lc => new LocallyConnected2d(lc, shapes[i], spec.Activation, generator, initialization),
                var other => throw new ArgumentException($"Unsupported layer {other}."),
            });
        }
        list.Add(new Dense(shapes[^1], outputSize, activation: null, generator, initialization));
        _layers = list.ToArray();
        layers = new ModuleList<TrainableLayer>(_layers);
        RegisterComponents();
    }

    /// <summary>An autoencoder: <paramref name="spec"/>'s hidden layers (e.g. 512-64-512) and a linear output reconstructing the input.</summary>
    [Obsolete("Use new TargetPropNetwork(spec, inputShape, inputShape.Size, generator, TaskObjective.Reconstruction), as AutoencoderEstimator does. Will be removed.")]
    public static TargetPropNetwork Autoencoder(NetworkSpec spec, ImageShape inputShape, Generator? generator = null) =>
        new(spec, inputShape, inputShape.Size, generator, TaskObjective.Reconstruction);

    /// <summary>What the output is trained for (classification or reconstruction).</summary>
    public TaskObjective Objective { get; }

    /// <summary>The architecture.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>Shape of one example h_0.</summary>
    public ImageShape InputShape { get; }

    /// <summary>Number of output units: classes, or the input size for an autoencoder.</summary>
    public int OutputSize { get; }

    /// <summary>Number of output units (named for classifiers).</summary>
    [Obsolete("Use OutputSize: for an autoencoder it is the input size, not a number of classes. Will be removed.")]
    public int Classes => OutputSize;

    /// <summary>
    /// The number format of every layer's matrix products (<see cref="TrainableLayer.Precision"/>). Set it before an
    /// algorithm creates its inverses: each inverse g_l takes its layer's precision when it is created.
    /// </summary>
    public MatmulPrecision Precision
    {
        get => _layers[0].Precision;
        set { foreach (var layer in _layers) layer.Precision = value; }
    }

    /// <summary>Layers f_1 … f_L; the last is the linear output layer.</summary>
    public IReadOnlyList<TrainableLayer> Layers => _layers;

    /// <summary>The forward weights θ = (W_l, b_l) of every layer.</summary>
    public IEnumerable<Parameter> ForwardParameters => _layers.SelectMany(l => new[] { l.Weight, l.Bias });

    /// <summary>
    /// Copies the weights into a <see cref="TargetPropModelParameters"/> for managed scoring and saving. When the network
    /// was trained on standardised inputs, <paramref name="standardization"/> is folded into the first layer
    /// (W' = W·diag(1/s), b' = b − W(μ/s)) so the model reads raw inputs.
    /// </summary>
    public TargetPropModelParameters ToModelParameters(AlgorithmKind algorithm, HyperParameters? hyperParameters = null, IReadOnlyList<EpochMetrics>? history = null,
        Training.InputStandardization? standardization = null) =>
        ToModelParameters(algorithm.ToString(), hyperParameters, history, standardization);

    /// <summary>As the other overload, recording the rule by its name (<see cref="Algorithms.AlgorithmDescriptor.Name"/>).</summary>
    public TargetPropModelParameters ToModelParameters(string algorithm, HyperParameters? hyperParameters = null, IReadOnlyList<EpochMetrics>? history = null,
        Training.InputStandardization? standardization = null)
    {
        var layers = _layers.Select(Saved).ToArray();
        if (standardization is not null)
            layers[0] = FoldStandardization(_layers[0], standardization);
        return new TargetPropModelParameters(Spec.Untied, InputShape, OutputSize, layers, algorithm, hyperParameters, history);
    }

    /// <summary>A layer's weights and biases as a saved model holds them (convolutions untied).</summary>
    private static LayerParameters Saved(TrainableLayer layer)
    {
        using var _ = no_grad();
        using var weight = layer.UntiedWeight(layer.Weight.detach());
        using var bias = layer.BiasMap();
        return new LayerParameters(ToArray(weight), ToArray(bias));
    }

    private LayerParameters FoldStandardization(TrainableLayer first, Training.InputStandardization standardization)
    {
        if (standardization.Shape != InputShape)
            throw new ArgumentException($"The standardisation is for inputs of {standardization.Shape}; the network reads {InputShape}.", nameof(standardization));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var device = first.Weight.device;
        var weight = first.UntiedWeight(first.ScaleInputChannels(standardization.InverseStd(device)));
        var biasMap = first.BiasMap();
        var shift = first.Linear(standardization.ShiftImage(device)).reshape(biasMap.shape).sub(biasMap);   // W(μ/s)
        var bias = biasMap.sub(shift);
        return new LayerParameters(ToArray(weight), ToArray(bias));
    }

    /// <summary>Loads weights from <paramref name="model"/>, which must have this network's architecture.</summary>
    [Obsolete("Unused by the library (training resumes from checkpoints, which also restore the optimizers). Will be removed.")]
    public void LoadModelParameters(TargetPropModelParameters model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Network.Equals(Spec) || model.InputShape != InputShape || model.Classes != OutputSize)
            throw new ArgumentException($"The model is '{model.Network}' on {model.InputShape} with {model.Classes} outputs; this network is '{Spec}' on {InputShape} with {OutputSize}.", nameof(model));
        using var _ = no_grad();
        for (int i = 0; i < _layers.Length; i++)
        {
            using var w = tensor(model.Layers[i].Weight).reshape(_layers[i].Weight.shape);
            using var b = tensor(model.Layers[i].Bias).reshape(_layers[i].Bias.shape);
            _layers[i].Weight.copy_(w);
            _layers[i].Bias.copy_(b);
        }
    }

    private static float[] ToArray(Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous();
        return cpu.data<float>().ToArray();
    }

    /// <summary>Logits for a batch [N, …input shape] (or [N, C·H·W]).</summary>
    public override Tensor forward(Tensor input)
    {
        var h = BatchShapes.Reshape(input, InputShape);
        foreach (var layer in _layers)
        {
            var next = layer.forward(h);
            if (!ReferenceEquals(h, input)) h.Dispose();
            h = next;
        }
        return h;
    }

    /// <summary>Runs the network keeping every h_{l-1}, a_l and h_l; <paramref name="layerLocal"/> detaches each layer's input.</summary>
    public ForwardPass Run(Tensor input, bool layerLocal)
    {
        var h = BatchShapes.Reshape(input, InputShape);
        var x0 = h;
        var inputs = new List<Tensor>(_layers.Length);
        var pre = new List<Tensor>(_layers.Length);
        var outs = new List<Tensor>(_layers.Length);
        foreach (var layer in _layers)
        {
            var hin = layerLocal ? h.detach() : h;
            var a = layer.Linear(hin);
            var hout = layer.Activation is { } act ? Activations.Apply(act, a) : a;
            inputs.Add(hin);
            pre.Add(a);
            outs.Add(hout);
            h = hout;
        }
        return new ForwardPass(x0, inputs, pre, outs, layerLocal);
    }
}
