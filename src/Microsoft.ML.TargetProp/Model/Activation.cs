namespace Microsoft.ML.TargetProp.Model;

/// <summary>The nonlinearity φ of hidden layers and inverses. The paper uses tanh everywhere.</summary>
public enum Activation
{
    /// <summary>φ(a) = tanh(a) (the paper's choice).</summary>
    Tanh,

    /// <summary>φ(a) = max(0, a).</summary>
    Relu,
}
