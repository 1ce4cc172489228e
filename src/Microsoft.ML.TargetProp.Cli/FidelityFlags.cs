using System;
using System.Collections.Generic;
using System.CommandLine;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Training;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// The reproduction choices the appendix leaves open or prints doubtfully (docs/results.md, "Fidelity ablation"), as
/// command-line flags. A null value keeps the library's default; a set value is written into the run's command line.
/// </summary>
public sealed record FidelityFlags
{
    /// <summary>--standardize on|off.</summary>
    public string? Standardize { get; init; }

    /// <summary>--init glorot|glorot-stride|torch.</summary>
    public string? Init { get; init; }

    /// <summary>--local-loss half-sum|sum|mean.</summary>
    public string? LocalLoss { get; init; }

    /// <summary>--adam-epsilon pytorch|tensorflow.</summary>
    public string? AdamEpsilon { get; init; }

    /// <summary>--betas printed|table4.</summary>
    public string? Betas { get; init; }

    /// <summary>--sigma-mode absolute|relative.</summary>
    public string? SigmaMode { get; init; }

    /// <summary>--alternate-every epoch|batch.</summary>
    public string? AlternateEvery { get; init; }

    /// <summary>--augment auto|on|off.</summary>
    public string? Augment { get; init; }

    /// <summary>--flip horizontal|vertical|both|none.</summary>
    public string? Flip { get; init; }

    /// <summary>--crop-padding N.</summary>
    public int? CropPadding { get; init; }

    /// <summary>--precision fp32|bf16.</summary>
    public string? Precision { get; init; }

    internal static readonly Option<string?> StandardizeOption = new("--standardize") { Description = "standardise inputs per channel with training-set statistics, folded into the saved model: on or off" };
    internal static readonly Option<string?> InitOption = new("--init") { Description = "weight initialisation: glorot (conv-style fans), glorot-stride (stride-aware fans) or torch (±1/√fan_in, biases too)" };
    internal static readonly Option<string?> LocalLossOption = new("--local-loss") { Description = "layer and inverse loss scale: half-sum (½Σ), sum (Σ) or mean (mean over units)" };
    internal static readonly Option<string?> AdamEpsilonOption = new("--adam-epsilon") { Description = "where Adam's ϵ enters: pytorch (after bias correction) or tensorflow (ϵ-hat, before)" };
    internal static readonly Option<string?> BetasOption = new("--betas") { Description = "how Table 5 is read: table4 (Adam's β and ϵ moved into Table 4's search space, the default), table4-all (every value, learning rates, α and σ too) or printed" };
    internal static readonly Option<string?> SigmaModeOption = new("--sigma-mode") { Description = "inverse noise σ: absolute, or relative to the batch's activity standard deviation" };
    internal static readonly Option<string?> AlternateEveryOption = new("--alternate-every") { Description = "alternating schedule granularity: epoch or batch" };
    internal static readonly Option<string?> AugmentOption = new("--augment") { Description = "random flips and crops of training images: auto (multi-channel images only, the default), on or off" };
    internal static readonly Option<string?> FlipOption = new("--flip") { Description = "flips drawn by --augment: horizontal (default), vertical, both or none" };
    internal static readonly Option<string?> PrecisionOption = new("--precision") { Description = "number format of the layers' matrix products in training: fp32 (default) or bf16 (bfloat16 operands, float32 weights, gradients, Adam and evaluation; experimental)" };
    internal static readonly Option<int?> CropPaddingOption = new("--crop-padding") { Description = "zero padding before the random crop back to the image size (default 4; 0: no crops)" };

    /// <summary>The flags' options, to add to a command.</summary>
    public static IEnumerable<Option> Options => new Option[] { StandardizeOption, InitOption, LocalLossOption, AdamEpsilonOption, BetasOption, SigmaModeOption, AlternateEveryOption, AugmentOption, FlipOption, CropPaddingOption, PrecisionOption };

    /// <summary>Reads the flags from a parse result.</summary>
    public static FidelityFlags From(ParseResult parse) => new()
    {
        Standardize = parse.GetValue(StandardizeOption),
        Init = parse.GetValue(InitOption),
        LocalLoss = parse.GetValue(LocalLossOption),
        AdamEpsilon = parse.GetValue(AdamEpsilonOption),
        Betas = parse.GetValue(BetasOption),
        SigmaMode = parse.GetValue(SigmaModeOption),
        AlternateEvery = parse.GetValue(AlternateEveryOption),
        Augment = parse.GetValue(AugmentOption),
        Flip = parse.GetValue(FlipOption),
        CropPadding = parse.GetValue(CropPaddingOption),
        Precision = parse.GetValue(PrecisionOption),
    };

    /// <summary>How <see cref="Betas"/> reads Table 5: as printed, Adam's β/ϵ in Table 4's space (default), or every value in it.</summary>
    public Table5Reading Reading => Choice(Betas, "--betas", "printed", "table4", "table4-all") switch
    {
        "printed" => Table5Reading.AsPrinted,
        "table4-all" => Table5Reading.Table4,
        _ => Table5Reading.SearchSpace,
    };

    /// <summary><paramref name="options"/> with every set flag applied (throws naming the flag for an unknown value).</summary>
    public TrainingOptions Apply(TrainingOptions options)
    {
        var o = options;
        if (Choice(Standardize, "--standardize", "on", "off") is { } s) o = o with { StandardizeInputs = s == "on" };
        if (Choice(Init, "--init", "glorot", "glorot-stride", "torch") is { } i)
            o = o with { Initialization = i switch { "glorot" => WeightInitialization.Glorot, "glorot-stride" => WeightInitialization.GlorotStrideAware, _ => WeightInitialization.TorchDefault } };
        if (Choice(LocalLoss, "--local-loss", "half-sum", "sum", "mean") is { } l)
            o = o with { LocalLoss = l switch { "half-sum" => LocalLossScale.HalfSum, "sum" => LocalLossScale.Sum, _ => LocalLossScale.Mean } };
        if (Choice(AdamEpsilon, "--adam-epsilon", "pytorch", "tensorflow") is { } e)
            o = o with { AdamEpsilon = e == "pytorch" ? AdamEpsilonMode.PyTorch : AdamEpsilonMode.TensorFlow };
        if (Choice(SigmaMode, "--sigma-mode", "absolute", "relative") is { } m) o = o with { RelativeSigma = m == "relative" };
        if (Choice(AlternateEvery, "--alternate-every", "epoch", "batch") is { } a)
            o = o with { AlternateEvery = a == "epoch" ? AlternationGranularity.Epoch : AlternationGranularity.Minibatch };
        var augmentation = o.Augmentation;
        if (Choice(Augment, "--augment", "auto", "on", "off") is { } g)
            augmentation = augmentation with { Mode = g switch { "auto" => AugmentationMode.Auto, "on" => AugmentationMode.On, _ => AugmentationMode.Off } };
        if (Choice(Flip, "--flip", "horizontal", "vertical", "both", "none") is { } f)
            augmentation = augmentation with { Flip = f switch { "horizontal" => FlipKind.Horizontal, "vertical" => FlipKind.Vertical, "both" => FlipKind.Both, _ => FlipKind.None } };
        if (CropPadding is { } pad)
            augmentation = pad >= 0 ? augmentation with { CropPadding = pad } : throw new ArgumentOutOfRangeException("--crop-padding", $"--crop-padding must be ≥ 0; got {pad}.");
        if (Choice(Precision, "--precision", "fp32", "bf16") is { } p)
            o = o with { MatmulPrecision = p == "bf16" ? MatmulPrecision.BFloat16 : MatmulPrecision.Float32 };
        return o with { Augmentation = augmentation };
    }

    /// <summary>The flags that are set, as command-line arguments.</summary>
    public IEnumerable<string> ToArgs()
    {
        if (Standardize is not null) yield return $"--standardize {Standardize}";
        if (Init is not null) yield return $"--init {Init}";
        if (LocalLoss is not null) yield return $"--local-loss {LocalLoss}";
        if (AdamEpsilon is not null) yield return $"--adam-epsilon {AdamEpsilon}";
        if (Betas is not null) yield return $"--betas {Betas}";
        if (SigmaMode is not null) yield return $"--sigma-mode {SigmaMode}";
        if (AlternateEvery is not null) yield return $"--alternate-every {AlternateEvery}";
        if (Augment is not null) yield return $"--augment {Augment}";
        if (Flip is not null) yield return $"--flip {Flip}";
        if (CropPadding is { } pad) yield return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--crop-padding {pad}");
        if (Precision is not null) yield return $"--precision {Precision}";
    }

    private static string? Choice(string? value, string flag, params string[] allowed)
    {
        if (value is null) return null;
        string v = value.Trim().ToLowerInvariant();
        if (Array.IndexOf(allowed, v) < 0)
            throw new ArgumentException($"Unknown {flag} '{value}'; expected {string.Join(", ", allowed[..^1])} or {allowed[^1]}.");
        return v;
    }
}
