namespace Microsoft.ML.TargetProp.Model;

/// <summary>One hidden layer f_l of a network: fully-connected (<see cref="DenseLayerSpec"/>) or locally-connected (<see cref="LocallyConnectedLayerSpec"/>).</summary>
public abstract record LayerSpec
{
    /// <summary>Shape of h_l given the shape of h_{l-1}; throws <see cref="System.ArgumentException"/> when the layer does not fit the input.</summary>
    public abstract ImageShape OutputShape(ImageShape input);
}
