using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using ScottPlot;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>The PNG figures tpnet writes (ScottPlot).</summary>
public static class Plots
{
    /// <summary>Train and test (or validation) error per epoch, as the paper's Figure 8.</summary>
    public static void LearningCurve(IReadOnlyList<EpochMetrics> history, string title, string path)
    {
        var plot = new Plot();
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
        var train = plot.Add.Scatter(epochs, history.Select(h => 100 * (1 - h.TrainAccuracy)).ToArray());
        train.LegendText = "train error %";
        train.LinePattern = LinePattern.Dashed;
        if (history.Any(h => h.ValidationAccuracy is not null))
        {
            var test = plot.Add.Scatter(epochs, history.Select(h => 100 * (1 - (h.ValidationAccuracy ?? double.NaN))).ToArray());
            test.LegendText = "test error %";
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("error %");
        plot.ShowLegend();
        Save(plot, path, 800, 500);
    }

    /// <summary>A confusion matrix heat map (rows: true class, columns: predicted class).</summary>
    public static void ConfusionMatrix(double[,] counts, IReadOnlyList<string> names, string title, string path)
    {
        var plot = new Plot();
        int k = names.Count;
        var normalized = new double[k, k];
        for (int i = 0; i < k; i++)
        {
            double row = Enumerable.Range(0, k).Sum(j => counts[i, j]);
            for (int j = 0; j < k; j++) normalized[i, j] = row == 0 ? 0 : counts[i, j] / row;
        }
        var heat = plot.Add.Heatmap(normalized);
        heat.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heat);
        var ticks = Enumerable.Range(0, k).Select(i => new Tick(i, names[i])).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.Select(t => new Tick(k - 1 - t.Position, t.Label)).ToArray());
        plot.Title(title);
        plot.XLabel("predicted");
        plot.YLabel("true");
        Save(plot, path, 700, 600);
    }

    /// <summary>A histogram of best test accuracies (the paper's Figure 5).</summary>
    public static void Histogram(IReadOnlyList<double> accuracies, string title, string path)
    {
        var plot = new Plot();
        if (accuracies.Count > 0)
        {
            var hist = ScottPlot.Statistics.Histogram.WithBinCount(20, 0, 100);
            hist.AddRange(accuracies.Select(a => 100 * a));
            var bars = plot.Add.Bars(hist.Bins, hist.Counts);
            foreach (var bar in bars.Bars) bar.Size = hist.FirstBinSize * 0.9;
        }
        plot.Title(title);
        plot.XLabel("best test accuracy %");
        plot.YLabel("configurations");
        Save(plot, path, 800, 500);
    }

    /// <summary>A line of test accuracy against a swept value (Figure 4).</summary>
    public static void Line(IReadOnlyList<double> x, IReadOnlyList<double> y, string title, string xLabel, string yLabel, string path)
    {
        var plot = new Plot();
        plot.Add.Scatter(x.ToArray(), y.ToArray());
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        Save(plot, path, 800, 500);
    }

    private static void Save(Plot plot, string path, int width, int height)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string tmp = full + ".tmp.png";
        plot.SavePng(tmp, width, height);
        File.Move(tmp, full, overwrite: true);
    }
}
