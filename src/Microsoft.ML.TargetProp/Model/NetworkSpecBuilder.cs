using System.Collections.Generic;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>Fluent builder of a <see cref="NetworkSpec"/>: <c>NetworkSpec.Builder().LocallyConnected(3, 32, 2).Dense(1024).Build()</c>.</summary>
public sealed class NetworkSpecBuilder
{
    private readonly List<LayerSpec> _layers = new();
    private Activation _activation = Activation.Tanh;

    /// <summary>Appends a fully-connected layer with <paramref name="units"/> outputs.</summary>
    public NetworkSpecBuilder Dense(int units) { _layers.Add(new DenseLayerSpec(units)); return this; }

    /// <summary>Appends a locally-connected layer (kernel k×k, output channels, stride).</summary>
    public NetworkSpecBuilder LocallyConnected(int kernel, int channels, int stride = 1) { _layers.Add(new LocallyConnectedLayerSpec(kernel, channels, stride)); return this; }

    /// <summary>Appends a convolution of the same geometry (shared weights; the "BP ConvNet" baseline).</summary>
    public NetworkSpecBuilder Convolution(int kernel, int channels, int stride = 1) { _layers.Add(new LocallyConnectedLayerSpec(kernel, channels, stride, SharedWeights: true)); return this; }

    /// <summary>Sets the hidden nonlinearity σ (tanh by default).</summary>
    public NetworkSpecBuilder WithActivation(Activation activation) { _activation = activation; return this; }

    /// <summary>Builds the specification.</summary>
    public NetworkSpec Build() => new(_layers, _activation);
}
