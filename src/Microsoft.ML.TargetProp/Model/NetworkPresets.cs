using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;

namespace Microsoft.ML.TargetProp.Model;

/// <summary>The architectures of Table 3 (Bartunov et al. 2018), by name.</summary>
public static class NetworkPresets
{
    /// <summary>MNIST fully-connected: FC 256 ×4, softmax 10 (as printed in Table 3).</summary>
    public static NetworkPreset MnistFc { get; } = new("mnist-fc",
        NetworkSpec.Builder().Dense(256).Dense(256).Dense(256).Dense(256).Build(), new ImageShape(1, 28, 28), 10);

    /// <summary>MNIST locally-connected: (3×3, 32, 2) (3×3, 64, 2) FC 1024, softmax 10.</summary>
    public static NetworkPreset MnistLc { get; } = new("mnist-lc",
        NetworkSpec.Builder().LocallyConnected(3, 32, 2).LocallyConnected(3, 64, 2).Dense(1024).Build(), new ImageShape(1, 28, 28), 10);

    /// <summary>CIFAR fully-connected: FC 1024 ×3, softmax 10.</summary>
    public static NetworkPreset CifarFc { get; } = new("cifar-fc",
        NetworkSpec.Builder().Dense(1024).Dense(1024).Dense(1024).Build(), new ImageShape(3, 32, 32), 10);

    /// <summary>CIFAR locally-connected: (5×5, 64, 2) (5×5, 128, 2) (3×3, 256) FC 1024, softmax 10.</summary>
    public static NetworkPreset CifarLc { get; } = new("cifar-lc",
        NetworkSpec.Builder().LocallyConnected(5, 64, 2).LocallyConnected(5, 128, 2).LocallyConnected(3, 256).Dense(1024).Build(), new ImageShape(3, 32, 32), 10);

    /// <summary>ImageNet locally-connected: (9×9,48,4) (3×3,48,2) (5×5,96,1) (3×3,96,2) (3×3,192,1) (3×3,192,2) (3×3,384,1), softmax 1000.</summary>
    public static NetworkPreset ImageNetLc { get; } = new("imagenet-lc",
        NetworkSpec.Builder().LocallyConnected(9, 48, 4).LocallyConnected(3, 48, 2).LocallyConnected(5, 96, 1).LocallyConnected(3, 96, 2)
            .LocallyConnected(3, 192, 1).LocallyConnected(3, 192, 2).LocallyConnected(3, 384, 1).Build(), new ImageShape(3, 224, 224), 1000);

    /// <summary>MNIST-LC's geometry as a convolutional network (shared weights): Table 1's "BP ConvNet" baseline, BP or FA only.</summary>
    public static NetworkPreset MnistConv { get; } = new("mnist-conv",
        NetworkSpec.Builder().Convolution(3, 32, 2).Convolution(3, 64, 2).Dense(1024).Build(), new ImageShape(1, 28, 28), 10);

    /// <summary>CIFAR-LC's geometry as a convolutional network (shared weights): Table 1's "BP ConvNet" baseline, BP or FA only.</summary>
    public static NetworkPreset CifarConv { get; } = new("cifar-conv",
        NetworkSpec.Builder().Convolution(5, 64, 2).Convolution(5, 128, 2).Convolution(3, 256).Dense(1024).Build(), new ImageShape(3, 32, 32), 10);

    /// <summary>All presets.</summary>
    public static IReadOnlyList<NetworkPreset> All { get; } = new[] { MnistFc, MnistLc, CifarFc, CifarLc, ImageNetLc, MnistConv, CifarConv };

    /// <summary>Preset names (mnist-fc, mnist-lc, cifar-fc, cifar-lc, imagenet-lc, mnist-conv, cifar-conv).</summary>
    public static IEnumerable<string> Names => All.Select(p => p.Name);

    /// <summary>The preset name within two edits of <paramref name="name"/> (a did-you-mean), or null.</summary>
    public static string? Closest(string name)
    {
        var (best, distance) = All.Select(p => (p.Name, Distance: EditDistance(name.ToLowerInvariant(), p.Name))).MinBy(t => t.Distance);
        return distance <= 2 ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    /// <summary>Finds a preset by name, ignoring case.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out NetworkPreset? preset)
    {
        preset = All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        return preset is not null;
    }

    /// <summary>Gets a preset by name; the error lists the known names.</summary>
    public static NetworkPreset Get(string name) =>
        TryGet(name, out var p) ? p : throw new ArgumentException($"Unknown architecture preset '{name}'" + (Closest(name) is { } near ? $"; did you mean '{near}'?" : "") + $" Expected one of: {string.Join(", ", Names)}.", nameof(name));
}
