namespace Microsoft.ML.TargetProp.Model;

/// <summary>The nonlinearity σ of hidden layers and inverses. The paper uses tanh everywhere.</summary>
public enum Activation
{
    /// <summary>σ(a) = tanh(a) (the paper's choice).</summary>
    Tanh,

    /// <summary>σ(a) = max(0, a).</summary>
    Relu,
}
