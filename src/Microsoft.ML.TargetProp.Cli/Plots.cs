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
    /// <summary>
    /// Train error and the monitored split's error per epoch, as the paper's Figure 8; <paramref name="monitor"/> names
    /// that split in the legend ("test", or "validation" when a validation fraction was held out).
    /// </summary>
    public static void LearningCurve(IReadOnlyList<EpochMetrics> history, string title, string path, string monitor = "test")
    {
        var plot = new Plot();
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
        var train = plot.Add.Scatter(epochs, history.Select(h => 100 * (1 - h.TrainAccuracy)).ToArray());
        train.LegendText = "train error %";
        train.LinePattern = LinePattern.Dashed;
        if (history.Any(h => h.ValidationAccuracy is not null))
        {
            var test = plot.Add.Scatter(epochs, history.Select(h => 100 * (1 - (h.ValidationAccuracy ?? double.NaN))).ToArray());
            test.LegendText = $"{monitor} error %";
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("error %");
        IntegerEpochTicks(plot);
        plot.ShowLegend(Edge.Right);   // beside the plot: never over the last epochs' points
        Save(plot, path, 900, 500);
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
        // Each cell's count, dark on the light (high) cells, light on the dark ones.
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                var label = plot.Add.Text(counts[i, j].ToString("0", System.Globalization.CultureInfo.InvariantCulture), j, k - 1 - i);
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontSize = k > 12 ? 9 : 12;
                label.LabelFontColor = normalized[i, j] > 0.6 ? Colors.Black : Colors.White;
            }
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

    /// <summary>Named lines of a measure against a swept value, e.g. best and final test accuracy against AO-SDTP's auxiliary size (Figure 4).</summary>
    public static void Lines(IReadOnlyList<double> x, IReadOnlyList<(string Name, double[] Y)> series, string title, string xLabel, string yLabel, string path)
    {
        var plot = new Plot();
        foreach (var (name, y) in series)
            plot.Add.Scatter(x.ToArray(), y).LegendText = name;
        plot.ShowLegend();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        Save(plot, path, 800, 500);
    }

    /// <summary>Train (solid) and test (dashed) reconstruction error per epoch of several runs, as the paper's Figure 6.</summary>
    public static void ReconstructionCurves(IReadOnlyList<(string Name, IReadOnlyList<EpochMetrics> History)> runs, string title, string path) =>
        Curves(runs, h => h.TrainLoss, h => h.ValidationLoss, LinePattern.Solid, LinePattern.Dashed, "reconstruction error ‖x − x̂‖²", logY: false, title, path);

    /// <summary>
    /// Train (dashed) and test (solid) classification error % per epoch of several runs, as the paper's Figure 8, on a
    /// logarithmic axis so that stable runs (1–5 %) and collapsing ones (up to 90 %) are both readable.
    /// </summary>
    public static void ErrorCurves(IReadOnlyList<(string Name, IReadOnlyList<EpochMetrics> History)> runs, string title, string path) =>
        Curves(runs, h => 100 * (1 - h.TrainAccuracy), h => h.ValidationAccuracy is { } a ? 100 * (1 - a) : null, LinePattern.Dashed, LinePattern.Solid, "error % (log scale)", logY: true, title, path);

    private static void Curves(IReadOnlyList<(string Name, IReadOnlyList<EpochMetrics> History)> runs, Func<EpochMetrics, double> train, Func<EpochMetrics, double?> test,
        LinePattern trainPattern, LinePattern testPattern, string yLabel, bool logY, string title, string path)
    {
        Func<double, double> y = logY ? v => Math.Log10(Math.Max(v, 1e-3)) : v => v;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int r = 0; r < runs.Count; r++)
        {
            var (name, history) = runs[r];
            var color = palette.GetColor(r);
            double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
            var trainLine = plot.Add.Scatter(epochs, history.Select(h => y(train(h))).ToArray(), color);
            trainLine.LegendText = $"{name} train";
            trainLine.LinePattern = trainPattern;
            if (history.Any(h => test(h) is not null))
            {
                var testLine = plot.Add.Scatter(epochs, history.Select(h => test(h) is { } v ? y(v) : double.NaN).ToArray(), color);
                testLine.LegendText = $"{name} test";
                testLine.LinePattern = testPattern;
            }
        }
        if (logY)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => Math.Pow(10, v).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        IntegerEpochTicks(plot);
        plot.ShowLegend(Edge.Right);
        Save(plot, path, 1100, 600);
    }

    /// <summary>
    /// A grid of grayscale images (values in [0, 1]): one labelled row per entry, e.g. the test digits and each
    /// algorithm's reconstructions of them (the paper's Figure 7).
    /// </summary>
    public static void ImageGrid(IReadOnlyList<(string Label, IReadOnlyList<float[]> Images)> rows, int height, int width, string title, string path)
    {
        if (rows.Count == 0) throw new ArgumentException("No image rows to plot.", nameof(rows));
        int columns = rows.Max(r => r.Images.Count);
        const int gap = 2;
        int cellHeight = height + gap, cellWidth = width + gap;
        var pixels = new double[rows.Count * cellHeight, columns * cellWidth];
        for (int i = 0; i < pixels.GetLength(0); i++)
            for (int j = 0; j < pixels.GetLength(1); j++) pixels[i, j] = 1;   // white separators
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < rows[r].Images.Count; c++)
            {
                var image = rows[r].Images[c];
                if (image.Length < height * width) throw new ArgumentException($"Image {c} of row '{rows[r].Label}' has {image.Length} values; {height}×{width} needed.", nameof(rows));
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                        pixels[r * cellHeight + y, c * cellWidth + x] = 1 - Math.Clamp(image[y * width + x], 0f, 1f);   // dark ink on white
            }
        }
        var plot = new Plot();
        var heat = plot.Add.Heatmap(pixels);
        heat.Colormap = new ScottPlot.Colormaps.Grayscale();
        heat.ManualRange = new ScottPlot.Range(0, 1);
        int total = pixels.GetLength(0);
        var ticks = Enumerable.Range(0, rows.Count).Select(r => new Tick(total - 1 - (r * cellHeight + height / 2.0), rows[r].Label)).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(Array.Empty<Tick>());
        plot.Title(title);
        Save(plot, path, Math.Max(500, columns * cellWidth * 3 + 160), rows.Count * cellHeight * 3 + 90);
    }

    /// <summary>Epochs are whole numbers: no 0.9, 1.1, … ticks on a short run's axis.</summary>
    private static void IntegerEpochTicks(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };

    internal static void Save(Plot plot, string path, int width, int height)
    {
        byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
