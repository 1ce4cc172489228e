namespace Microsoft.ML.TargetProp.Model;

/// <summary>A named architecture from Table 3 with the input it was designed for.</summary>
/// <param name="Name">Preset name, e.g. <c>mnist-lc</c>.</param>
/// <param name="Network">Hidden layers.</param>
/// <param name="InputShape">Input image shape (C×H×W).</param>
/// <param name="Classes">Number of classes of the dataset (size of the softmax).</param>
public sealed record NetworkPreset(string Name, NetworkSpec Network, ImageShape InputShape, int Classes);
