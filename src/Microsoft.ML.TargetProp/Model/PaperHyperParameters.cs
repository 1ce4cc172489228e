using System;
using System.Collections.Generic;
using System.Globalization;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>
/// The best hyperparameters of Table 5 (Bartunov et al. 2018), by dataset (mnist, cifar, imagenet), network kind
/// (fully- or locally-connected), algorithm and schedule. AO-SDTP has no column in Table 5 and uses SDTP's values.
/// Several printed values lie outside Table 4's search space; <see cref="OutsideSearchSpace"/> lists them.
/// </summary>
public static class PaperHyperParameters
{
    // Columns: DTP parallel, DTP alternating, SDTP parallel, SDTP alternating, BP, FA, DFA.
    // Rows: model lr, β1, β2, ϵ; inverse lr, β1, β2, ϵ; α; σ. NaN = not applicable.
    private static readonly Dictionary<string, double[][]> Tables = new()
    {
        ["mnist-fc"] = new[]
        {
            new[] { 0.000757, 0.99, 0.95, 1e-3, 0.000768, 0.99, 0.999, 1e-4, 0.15008, 0.36133 },
            new[] { 0.000308, 0.99, 0.99, 1e-4, 0.004593, 0.99, 0.999, 1e-4, 0.231758, 0.220444 },
            new[] { 0.000402, 0.99, 0.999, 1e-8, 0.001101, 0.99, 0.95, 1e-6, double.NaN, 0.213995 },
            new[] { 0.000301, 0.9, 0.95, 1e-4, 0.009572, 0.9, 0.95, 1e-3, double.NaN, 0.118267 },
            new[] { 0.000152, 0.9, 0.999, 1e-8 },
            new[] { 0.000168, 0.9, 0.999, 1e-4 },
            new[] { 0.001649, 0.9, 0.95, 1e-3 },
        },
        ["mnist-lc"] = new[]
        {
            new[] { 0.000905, 0.9, 0.99, 1e-4, 0.001239, 0.9, 0.999, 1e-4, 0.116131, 0.099236 },
            new[] { 0.001481, 0.9, 0.99, 1e-4, 0.000137, 0.9, 0.999, 1e-6, 0.310892, 0.366964 },
            new[] { 0.000145, 0.9, 0.99, 1e-6, 0.001652, 0.9, 0.999, 1e-4, double.NaN, 0.061555 },
            new[] { 0.000651, 0.9, 0.99, 1e-4, 0.003741, 0.9, 0.99, 1e-4, double.NaN, 0.134739 },
            new[] { 0.000133, 0.9, 0.99, 1e-8 },
            new[] { 0.000297, 0.9, 0.99, 1e-8 },
            new[] { 0.002462, 0.9, 0.99, 1e-6 },
        },
        ["cifar-fc"] = new[]
        {
            new[] { 0.000012, 0.9, 0.999, 1e-8, 0.000039, 0.9, 0.99, 1e-6, 0.125693, 0.169783 },
            new[] { 0.000013, 0.9, 0.999, 1e-8, 0.000114, 0.9, 0.99, 1e-4, 0.172085, 0.134811 },
            new[] { 0.000129, 0.9, 0.99, 1e-6, 0.000011, 0.9, 0.99, 1e-6, double.NaN, 0.273341 },
            new[] { 0.000041, 0.9, 0.99, 1e-4, 0.000014, 0.9, 0.99, 1e-8, double.NaN, 0.125678 },
            new[] { 0.000019, 0.9, 0.999, 1e-6 },
            new[] { 0.000025, 0.9, 0.99, 1e-4 },
            new[] { 0.000050, 0.9, 0.99, 1e-8 },
        },
        ["cifar-lc"] = new[]
        {
            new[] { 0.000032, 0.9, 0.99, 1e-6, 0.000852, 0.9, 0.999, 1e-4, 0.189828, 0.146728 },
            new[] { 0.000036, 0.9, 0.99, 1e-8, 0.000389, 0.9, 0.999, 1e-8, 0.208141, 0.094869 },
            new[] { 0.000020, 0.9, 0.99, 1e-4, 0.000261, 0.9, 0.999, 1e-6, double.NaN, 0.299769 },
            new[] { 0.000109, 0.9, 0.99, 1e-4, 1.1e-05, 0.9, 0.99, 1e-8, double.NaN, 0.023804 },
            new[] { 0.000044, 0.9, 0.999, 1e-6 },
            new[] { 0.000022, 0.9, 0.99, 1e-4 },
            new[] { 0.000040, 0.9, 0.999, 1e-8 },
        },
        ["imagenet-lc"] = new[]
        {
            new[] { 0.000217, 0.9, 0.99, 1e-6, 0.000234, 0.9, 0.999, 1e-6, 0.163359, 0.192835 },
            new[] { 0.000101, 0.9, 0.99, 1e-8, 0.000064, 0.9, 0.999, 1e-8, 0.03706, 0.097217 },
            new[] { 0.000011, 0.9, 0.999, 1e-6, 0.000170, 0.9, 0.999, 1e-8, double.NaN, 0.168522 },
            Array.Empty<double>(), // no SDTP alternating column for ImageNet
            new[] { 0.000024, 0.9, 0.999, 1e-8 },
            new[] { 0.000049, 0.9, 0.99, 1e-8 },
            new[] { 0.000043, 0.9, 0.99, 1e-4 },
        },
    };

    /// <summary>Preset names accepted by <see cref="Get(string, AlgorithmKind, TrainingSchedule)"/>: the Table 3 architectures.</summary>
    public static IEnumerable<string> Names => Tables.Keys;

    /// <summary>True when <paramref name="preset"/> has a Table 5 column: a Table 3 architecture, or a ConvNet preset (which reads its locally-connected twin's "BP ConvNet" column).</summary>
    public static bool Covers(string preset) => preset is not null && Tables.ContainsKey(TableOf(preset));

    /// <summary>The Table 5 block of a preset: mnist-conv and cifar-conv read mnist-lc's and cifar-lc's, whose BP column is the paper's "BP ConvNet".</summary>
    private static string TableOf(string preset) => preset.ToLowerInvariant() switch
    {
        "mnist-conv" => "mnist-lc",
        "cifar-conv" => "cifar-lc",
        var name => name,
    };

    /// <summary>
    /// Table 5's values for an architecture preset (mnist-fc, mnist-lc, cifar-fc, cifar-lc, imagenet-lc), algorithm and
    /// schedule. Throws naming what is missing when Table 5 has no such column.
    /// </summary>
    public static HyperParameters Get(string preset, AlgorithmKind algorithm, TrainingSchedule schedule = TrainingSchedule.Parallel)
    {
        ArgumentNullException.ThrowIfNull(preset);
        if (!Tables.TryGetValue(TableOf(preset), out var table))
            throw new ArgumentException($"No Table 5 hyperparameters for '{preset}'; expected one of: {string.Join(", ", Tables.Keys)}.", nameof(preset));
        int column = algorithm switch
        {
            AlgorithmKind.DifferenceTargetProp => schedule == TrainingSchedule.Parallel ? 0 : 1,
            AlgorithmKind.SimplifiedTargetProp or AlgorithmKind.AugmentedOutputTargetProp => schedule == TrainingSchedule.Parallel ? 2 : 3,
            AlgorithmKind.Backprop => 4,
            AlgorithmKind.FeedbackAlignment => 5,
            AlgorithmKind.DirectFeedbackAlignment => 6,
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown algorithm."),
        };
        var v = table[column];
        if (v.Length == 0)
            throw new ArgumentException($"Table 5 has no {algorithm} {schedule} column for {preset}.", nameof(schedule));
        var result = new HyperParameters
        {
            Forward = new AdamSettings(v[0], v[1], v[2], v[3]),
            Schedule = schedule,
        };
        if (v.Length > 4)
        {
            result = result with
            {
                Inverse = new AdamSettings(v[4], v[5], v[6], v[7]),
                Alpha = double.IsNaN(v[8]) ? result.Alpha : v[8],
                Sigma = v[9],
            };
        }
        return result;
    }

    /// <summary>
    /// <paramref name="p"/> with both optimizers' Adam β and ϵ moved into Table 4's space: β1 = 0.9, β2 the nearer of
    /// {0.99, 0.999} (in log(1 − β2); 0.95 → 0.99), ϵ the nearer of {10⁻⁴, 10⁻⁶, 10⁻⁸} in log (10⁻³ → 10⁻⁴). Learning
    /// rates, α and σ are kept as printed. Table 5's MNIST-FC column has β1 = 0.99 with β2 = 0.95, for which Adam's step
    /// is unbounded (β1² &gt; √β2); this is the protocol-consistent reading.
    /// </summary>
    public static HyperParameters ClampAdamToSearchSpace(HyperParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p with { Forward = Clamp(p.Forward), Inverse = Clamp(p.Inverse) };
    }

    /// <summary>
    /// <paramref name="p"/> with every value in Table 4's space: Adam's β and ϵ as <see cref="ClampAdamToSearchSpace"/>,
    /// learning rates clamped into [1e-5, 3e-4], α into [0.01, 0.2], σ into [0.01, 0.3].
    /// </summary>
    public static HyperParameters ClampToSearchSpace(HyperParameters p)
    {
        var adam = ClampAdamToSearchSpace(p);
        return adam with
        {
            Forward = adam.Forward with { LearningRate = Math.Clamp(adam.Forward.LearningRate, 1e-5, 3e-4) },
            Inverse = adam.Inverse with { LearningRate = Math.Clamp(adam.Inverse.LearningRate, 1e-5, 3e-4) },
            Alpha = Math.Clamp(adam.Alpha, 0.01, 0.2),
            Sigma = Math.Clamp(adam.Sigma, 0.01, 0.3),
        };
    }

    private static AdamSettings Clamp(AdamSettings a) => a with
    {
        Beta1 = 0.9,
        Beta2 = Nearest(a.Beta2, v => Math.Log(1 - v), 0.99, 0.999),
        Epsilon = Nearest(a.Epsilon, Math.Log, 1e-4, 1e-6, 1e-8),
    };

    private static double Nearest(double value, Func<double, double> scale, params double[] choices)
    {
        double best = choices[0];
        foreach (var c in choices)
            if (Math.Abs(scale(c) - scale(value)) < Math.Abs(scale(best) - scale(value))) best = c;
        return best;
    }

    /// <summary>
    /// The library's default reading of Table 5 for a preset, algorithm and schedule: the printed column with Adam's β and ϵ
    /// moved into Table 4's search space (<see cref="ClampAdamToSearchSpace"/>); <see cref="Get"/> gives the column as printed.
    /// </summary>
    public static HyperParameters Recommended(string preset, AlgorithmKind algorithm, TrainingSchedule schedule = TrainingSchedule.Parallel) =>
        ClampAdamToSearchSpace(Get(preset, algorithm, schedule));

    /// <summary>Table 5's column read as <paramref name="reading"/> says: <see cref="Recommended"/> or <see cref="Get"/>.</summary>
    public static HyperParameters Read(string preset, AlgorithmKind algorithm, TrainingSchedule schedule, Table5Reading reading) => reading switch
    {
        Table5Reading.SearchSpace => Recommended(preset, algorithm, schedule),
        Table5Reading.AsPrinted => Get(preset, algorithm, schedule),
        Table5Reading.Table4 => ClampToSearchSpace(Get(preset, algorithm, schedule)),
        _ => throw new ArgumentOutOfRangeException(nameof(reading), reading, "Unknown Table 5 reading."),
    };

    /// <summary>The values of <paramref name="p"/> that fall outside Table 4's search space, one sentence each.</summary>
    public static IReadOnlyList<string> OutsideSearchSpace(HyperParameters p, AlgorithmKind algorithm)
    {
        ArgumentNullException.ThrowIfNull(p);
        var notes = new List<string>();
        bool tp = algorithm is AlgorithmKind.DifferenceTargetProp or AlgorithmKind.SimplifiedTargetProp or AlgorithmKind.AugmentedOutputTargetProp;
        CheckAdam(p.Forward, "model", notes);
        if (tp)
        {
            CheckAdam(p.Inverse, "inverse", notes);
            if (algorithm == AlgorithmKind.DifferenceTargetProp && (p.Alpha < 0.01 || p.Alpha > 0.2))
                notes.Add(Format("α = {0} is outside [0.01, 0.2]", p.Alpha));
            if (p.Sigma < 0.01 || p.Sigma > 0.3)
                notes.Add(Format("σ = {0} is outside [0.01, 0.3]", p.Sigma));
        }
        return notes;
    }

    private static void CheckAdam(AdamSettings a, string which, List<string> notes)
    {
        if (a.LearningRate < 1e-5 || a.LearningRate > 3e-4)
            notes.Add(Format($"{which} learning rate {{0}} is outside [1e-5, 3e-4]", a.LearningRate));
        if (a.Beta1 != 0.9)
            notes.Add(Format($"{which} β1 = {{0}} differs from the fixed 0.9", a.Beta1));
        if (a.Beta2 != 0.99 && a.Beta2 != 0.999)
            notes.Add(Format($"{which} β2 = {{0}} is not in {{{{0.99, 0.999}}}}", a.Beta2));
        if (a.Epsilon != 1e-4 && a.Epsilon != 1e-6 && a.Epsilon != 1e-8)
            notes.Add(Format($"{which} ϵ = {{0}} is not in {{{{1e-4, 1e-6, 1e-8}}}}", a.Epsilon));
    }

    private static string Format(string format, double value) => string.Format(CultureInfo.InvariantCulture, format, value);
}
