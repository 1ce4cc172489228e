using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Algorithms;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Layers;
using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.ML.TargetProp.Transforms;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Cli.Commands;

/// <summary>
/// <c>tpnet bench</c>: medians of repeated, warmed-up measurements of the training step of every algorithm (with a phase
/// breakdown), forward-only throughput, the LC layers' GFLOP/s beside a 2048² matmul in the same run, managed scoring
/// throughput and latency, and training memory. Writes bench.json and bench.md.
/// </summary>
public static partial class BenchCommand
{
    private static readonly Option<string> ArchOption = new("--arch") { Description = "comma-separated architecture presets", DefaultValueFactory = _ => "mnist-lc,cifar-lc" };
    private static readonly Option<int> BatchOption = new("--batch-size", "-b") { Description = "minibatch size", DefaultValueFactory = _ => 128 };
    private static readonly Option<string> ThreadsOption = new("--threads") { Description = "comma-separated libtorch thread counts", DefaultValueFactory = _ => "1,2" };
    private static readonly Option<int> RepeatsOption = new("--repeats") { Description = "measured repeats (medians are reported)", DefaultValueFactory = _ => 5 };
    private static readonly Option<int> WarmupOption = new("--warmup") { Description = "unmeasured warm-up repeats", DefaultValueFactory = _ => 2 };
    private static readonly Option<string> AlgorithmsOption = new("--algorithms", "-a") { Description = $"comma-separated algorithms ({AlgorithmNames.Sentence})", DefaultValueFactory = _ => AlgorithmNames.CommaList };
    private static readonly Option<int> ScoringImagesOption = new("--scoring-images") { Description = "images scored through Transform (MNIST-LC); 0 skips scoring", DefaultValueFactory = _ => 10000 };
    private static readonly Option<int> MemoryEpochsOption = new("--memory-epochs") { Description = "SDTP epochs of the memory measurement, for each --arch; 0 skips it", DefaultValueFactory = _ => 5 };
    private static readonly Option<int> MemoryExamplesOption = new("--memory-examples") { Description = "training examples per memory epoch (MNIST for mnist-* presets, random images of the preset's shape otherwise); 0 = the whole MNIST training set", DefaultValueFactory = _ => 10000 };
    private static readonly Option<string> MallocOption = new("--malloc") { Description = "default, tuned (pin glibc's mmap/trim thresholds first) or compare (SDTP steps under both, in this run)", DefaultValueFactory = _ => "compare" };
    private static readonly Option<string> PrecisionOption = new("--precision") { Description = "comma-separated matrix-product precisions of the training steps: fp32, bf16", DefaultValueFactory = _ => "fp32" };
    private static readonly Option<string> OutputOption = new("--output", "-o") { Description = "output folder", DefaultValueFactory = _ => "tpnet-bench" };
    private static readonly Option<string?> DataDirOption = new("--data-dir") { Description = "dataset folder root (for the memory measurement on MNIST)" };

    /// <summary>Creates the command.</summary>
    public static System.CommandLine.Command Create()
    {
        var command = new System.CommandLine.Command("bench", "Measure training-step, LC-layer, scoring and memory performance.")
        {
            ArchOption, BatchOption, ThreadsOption, RepeatsOption, WarmupOption, AlgorithmsOption, ScoringImagesOption, MemoryEpochsOption, MemoryExamplesOption, MallocOption, PrecisionOption, OutputOption, DataDirOption,
        };
        command.SetAction((ParseResult parse, CancellationToken cancellation) =>
        {
            var presets = parse.GetValue(ArchOption)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(NetworkPresets.Get).ToArray();
            var threads = parse.GetValue(ThreadsOption)!.Split(',').Select(t => int.TryParse(t, out int n) && n > 0 ? n : throw new ArgumentException($"--threads: '{t}' is not a positive integer.")).ToArray();
            var algorithms = AlgorithmNames.ParseList(parse.GetValue(AlgorithmsOption)!).ToArray();
            var precisions = parse.GetValue(PrecisionOption)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.ToLowerInvariant() switch
            {
                "fp32" => MatmulPrecision.Float32,
                "bf16" => MatmulPrecision.BFloat16,
                _ => throw new ArgumentException($"--precision: unknown precision '{p}'; expected fp32 or bf16."),
            }).Distinct().ToArray();
            int batch = parse.GetValue(BatchOption), repeats = parse.GetValue(RepeatsOption), warmup = parse.GetValue(WarmupOption);
            if (batch < 1 || repeats < 1 || warmup < 0) throw new ArgumentException("--batch-size and --repeats must be ≥ 1 and --warmup ≥ 0.");
            string malloc = parse.GetValue(MallocOption)!;
            if (malloc is not ("default" or "tuned" or "compare")) throw new ArgumentException($"--malloc must be default, tuned or compare; got '{malloc}'.");
            var report = new Report(batch, repeats, warmup);
            report.Notes.Add($"{MklCpuDispatch.Describe(MklCpuDispatch.EnsureApplied())} (set {MklCpuDispatch.EnvironmentVariable}=0 to compare)");
            string output = parse.GetValue(OutputOption)!;
            Directory.CreateDirectory(output);
            var locator = new DatasetLocator(parse.GetValue(DataDirOption));
            locator.Load("mnist", trainLimit: 1, testLimit: 1);   // fail now, not after the long measurements
            int memoryEpochs = parse.GetValue(MemoryEpochsOption), memoryExamples = parse.GetValue(MemoryExamplesOption);
            void MeasureMemory()
            {
                // Smallest network first: glibc keeps freed buffers in the heap, so an earlier, larger measurement would
                // inflate a later, smaller one's RSS.
                foreach (var preset in presets.OrderBy(p => p.InputShape.Size))
                {
                    if (cancellation.IsCancellationRequested) break;
                    Memory(report, locator, preset, memoryEpochs, memoryExamples, batch);
                    Write(report, output);
                }
            }
            if (malloc == "compare")
                CompareMalloc(report, presets, algorithms, batch, repeats, warmup);
            else if (malloc == "tuned")
                report.Notes.Add($"glibc malloc tuned before measuring: {MallocTuning.Apply()}");
            if (memoryEpochs > 0 && malloc != "compare")
                MeasureMemory();   // first, in a process whose heap no other measurement has grown

            report.Notes.Add("matrix-product rows: 2 × batch × the step's multiply-adds, counted from the layer shapes (LearningAlgorithm.StepMultiplyAdds: forward, ∂/∂W, and each rule's W_lᵀδ, feedback, targets and inverses; elementwise work not counted); ratio = that count ÷ BP's (the step-time ratio an equally efficient implementation would show), and for GFLOP/s achieved the share of the fp32 matmul.");
            report.Notes.Add("bf16 rows (only with --precision bf16): the same measurement in bfloat16 (inputs and weights); their ratio is bf16 GFLOP/s ÷ the fp32 row's.");
            report.Notes.Add("LC layer rows: forward + backward of W h + b as in training (∂W and ∂x; ∂W alone for the first layer, whose input is the data), 2 × multiply-adds per product; the bare bmm row's ratio is its share of the matmul, the batch-last row's its share of that bmm; batch-last and [L, N, C·k·k] are medians of three interleaved rounds.");
            foreach (var preset in presets)
            foreach (int t in threads)
            {
                if (cancellation.IsCancellationRequested) break;
                set_num_threads(t);
                AnsiConsole.MarkupLine("[bold]{0}, {1} thread(s)[/]", preset.Name, t);
                double matmul = MatmulGflops(repeats, warmup);
                report.Rows.Add(new Row(preset.Name, t, "matmul 2048² (GFLOP/s)", matmul, null, null));
                // bfloat16 (issue 18: measured before any bf16 training option is offered); ratio = bf16 / fp32.
                // Only with --precision bf16: without AVX-512 BF16 one bf16 2048² product takes about a minute (0.31 GFLOP/s on an AVX2 EPYC).
                bool bf16 = precisions.Contains(MatmulPrecision.BFloat16);
                if (bf16)
                {
                    double matmulBf16 = MatmulGflops(repeats, warmup, ScalarType.BFloat16);
                    report.Rows.Add(new Row(preset.Name, t, "matmul 2048² bf16 (GFLOP/s)", matmulBf16, matmulBf16 / matmul, null));
                }
                report.Rows.Add(new Row(preset.Name, t, "forward only (samples/s)", batch / ForwardSeconds(preset, batch, repeats, warmup), null, null));
                // Issue 32: each LC layer beside a bare bmm of its own shape, and its [L, N, C·k·k] formulation, interleaved in this run.
                var lastRounds = new List<List<(string Name, double Gflops)>>();
                var nMajorRounds = new List<List<(string Name, double Gflops)>>();
                for (int round = 0; round < 3; round++)
                    foreach (bool batchLast in new[] { true, false })
                    {
                        LocalBatchLastKernels.Enabled = batchLast;
                        (batchLast ? lastRounds : nMajorRounds).Add(LocallyConnectedGflops(preset, batch, repeats, warmup, ScalarType.Float32).ToList());
                    }
                LocalBatchLastKernels.Enabled = true;
                static List<(string Name, double Gflops)> MedianRounds(List<List<(string Name, double Gflops)>> rounds) =>
                    rounds[0].Select((r, i) => (r.Name, StepProfiler.MedianOf(rounds.Select(x => x[i].Gflops).ToArray()))).ToList();
                var fp32 = MedianRounds(lastRounds);
                var nMajor = MedianRounds(nMajorRounds);
                var bmms = LocallyConnectedBmmGflops(preset, batch, repeats, warmup).ToList();
                double copy = CopyGigabytesPerSecond(repeats, warmup);
                report.Rows.Add(new Row(preset.Name, t, "memory copy 256 MiB → 256 MiB (GB/s, read + write)", copy, null, null));
                for (int i = 0; i < fp32.Count; i++)
                {
                    report.Rows.Add(new Row(preset.Name, t, $"{bmms[i].Name} bare bmm [L×N×C·k·k]·[L×C·k·k×O] (GFLOP/s)", bmms[i].Gflops, bmms[i].Gflops / matmul, null));
                    report.Rows.Add(new Row(preset.Name, t, $"{fp32[i].Name} fwd+bwd, batch-last (GFLOP/s; ratio: share of the bare bmm)", fp32[i].Gflops, fp32[i].Gflops / bmms[i].Gflops, null));
                    report.Rows.Add(new Row(preset.Name, t, $"{nMajor[i].Name} fwd+bwd, [L, N, C·k·k] patches (GFLOP/s; ratio: batch-last ÷ this)", nMajor[i].Gflops, fp32[i].Gflops / nMajor[i].Gflops, null));
                    if (i == 0)
                    {
                        // The first layer reads the data (fan-in 9 on MNIST-LC): memory-bound, so bytes moved against the copy rate.
                        double bytes = FirstLayerBytes(preset, batch), seconds = FirstLayerSeconds(preset, batch, fp32[i].Gflops);
                        report.Rows.Add(new Row(preset.Name, t, $"{fp32[i].Name} fwd+bwd bytes moved, batch-last (MB per batch, counted; ratio: GB/s achieved ÷ the copy's)",
                            bytes / 1e6, bytes / seconds / 1e9 / copy, null));
                    }
                }
                foreach (var ((name, gflops), (_, reference)) in (bf16 ? LocallyConnectedGflops(preset, batch, repeats, warmup, ScalarType.BFloat16) : []).Zip(fp32))
                    report.Rows.Add(new Row(preset.Name, t, $"{name} fwd+bwd bf16 (GFLOP/s)", gflops, gflops / reference, null));
                // The optimizer alone, both ways in this run (issue 18): ratio = fused time / libtorch ops time.
                var (weights, libtorchAdam) = AdamMilliseconds(preset, fused: false, repeats, warmup);
                var (_, fusedAdam) = AdamMilliseconds(preset, fused: true, repeats, warmup);
                report.Rows.Add(new Row(preset.Name, t, $"Adam step over θ ({weights:N0} weights), libtorch in-place ops (ms)", libtorchAdam, null, null));
                report.Rows.Add(new Row(preset.Name, t, $"Adam step over θ ({weights:N0} weights), fused kernel (ms)", fusedAdam, fusedAdam / libtorchAdam, null));
                // The managed LC patch kernels against libtorch's gather and fold, interleaved off/on so drift cancels (issue 18).
                if (preset.Network.HiddenLayers.Any(l => l is LocallyConnectedLayerSpec { SharedWeights: false }))
                    foreach (var algorithm in algorithms)
                    {
                        var off = new List<double>();
                        var on = new List<double>();
                        var last = new List<double>();
                        for (int round = 0; round < 3; round++)
                            foreach (int mode in new[] { 0, 1, 2 })
                            {
                                LocalPatchKernels.Enabled = mode > 0;
                                LocalBatchLastKernels.Enabled = mode > 1;
                                (mode == 0 ? off : mode == 1 ? on : last).Add(StepSeconds(preset, algorithm, batch, repeats, warmup, MatmulPrecision.Float32).Seconds);
                            }
                        LocalPatchKernels.Enabled = true;
                        LocalBatchLastKernels.Enabled = true;
                        double offStep = StepProfiler.MedianOf(off.ToArray()), onStep = StepProfiler.MedianOf(on.ToArray()), lastStep = StepProfiler.MedianOf(last.ToArray());
                        report.Rows.Add(new Row(preset.Name, t, $"{AlgorithmNames.Of(algorithm)} step, libtorch gather/fold (samples/s)", batch / offStep, null, null));
                        report.Rows.Add(new Row(preset.Name, t, $"{AlgorithmNames.Of(algorithm)} step, managed [L, N, C·k·k] patch kernels (samples/s)", batch / onStep, onStep / offStep, null));
                        report.Rows.Add(new Row(preset.Name, t, $"{AlgorithmNames.Of(algorithm)} step, batch-last LC products (samples/s; ratio: time ÷ the [L, N, C·k·k] kernels')", batch / lastStep, lastStep / onStep, null));
                    }
                foreach (var precision in precisions)
                {
                    double bpStep = double.NaN, bpFlops = double.NaN;
                    string suffix = precision == MatmulPrecision.Float32 ? "" : ", bf16 matmuls";
                    var flopRows = new List<Row>();
                    foreach (var algorithm in algorithms)
                    {
                        var (profiler, step, multiplyAdds) = StepSeconds(preset, algorithm, batch, repeats, warmup, precision);
                        double flops = 2.0 * batch * multiplyAdds;
                        if (algorithm == Backprop.Descriptor) (bpStep, bpFlops) = (step, flops);
                        var phases = Enum.GetValues<StepPhase>().ToDictionary(p => p.ToString(), p => profiler.Median(p, warmup));
                        report.Rows.Add(new Row(preset.Name, t, $"{AlgorithmNames.Of(algorithm)} step{suffix} (samples/s)", batch / step,
                            double.IsNaN(bpStep) ? null : step / bpStep, phases));
                        // The step's matrix-product FLOPs from the layer shapes (ratio: to BP's), and the rate it ran them at (ratio: share of the matmul).
                        flopRows.Add(new Row(preset.Name, t, $"{AlgorithmNames.Of(algorithm)} step matrix products{suffix} (GFLOP per batch, counted from the layer shapes)",
                            flops / 1e9, double.IsNaN(bpFlops) ? null : flops / bpFlops, null));
                        flopRows.Add(new Row(preset.Name, t, $"{AlgorithmNames.Of(algorithm)} step matrix products{suffix} (GFLOP/s achieved)", flops / step / 1e9, flops / step / 1e9 / matmul, null));
                        // The alternating schedule's step (per minibatch: λ's step, then θ's on the same forward pass); ratio = to the parallel step.
                        if (precision == MatmulPrecision.Float32 && algorithm.HasInverses)
                        {
                            var (alternatingPhases, alternating, _) = StepSeconds(preset, algorithm, batch, repeats, warmup, precision, alternate: true);
                            report.Rows.Add(new Row(preset.Name, t, $"{AlgorithmNames.Of(algorithm)} alternating step, per minibatch (samples/s)", batch / alternating,
                                alternating / step, Enum.GetValues<StepPhase>().ToDictionary(p => p.ToString(), p => alternatingPhases.Median(p, warmup))));
                        }
                    }
                    report.Rows.AddRange(flopRows);
                }
                Write(report, output);
            }
            if (parse.GetValue(ScoringImagesOption) is > 0 and var images)
                Scoring(report, images, repeats, warmup);
            Write(report, output);
            if (memoryEpochs > 0 && malloc == "compare")
            {
                report.Notes.Add("memory was measured after the other measurements (--malloc compare), so its RSS includes buffers they left in glibc's heap; --malloc tuned or default measures memory first.");
                MeasureMemory();
            }
            Console.WriteLine(Write(report, output));
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Writes bench.json and bench.md (after every section, so an interrupted run keeps what it measured).</summary>
    private static string Write(Report report, string output)
    {
        TrainCommand.WriteJsonAtomically(Path.Combine(output, "bench.json"), report);
        string md = report.ToMarkdown();
        AtomicFile.WriteAllText(Path.Combine(output, "bench.md"), md);
        return md;
    }

    /// <summary>One measured quantity.</summary>
    public sealed record Row(string Architecture, int Threads, string Measure, double Value, double? Ratio, Dictionary<string, double>? PhaseSeconds);

    /// <summary>Everything measured.</summary>
    public sealed class Report
    {
        /// <summary>Creates an empty report of a run's settings.</summary>
        public Report(int batch, int repeats, int warmup)
        {
            BatchSize = batch;
            Repeats = repeats;
            Warmup = warmup;
            Machine = $"{Environment.ProcessorCount} cores, {InstructionSet}, {Environment.OSVersion}, .NET {Environment.Version}";
            Date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        }

        /// <summary>The widest vector instruction set of this CPU that .NET uses (AVX-512, AVX2 or neither): every figure depends on it.</summary>
        public static string InstructionSet => System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "AVX-512"
            : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2" : "no AVX2";

        /// <summary>Minibatch size.</summary>
        public int BatchSize { get; }
        /// <summary>Measured repeats per median.</summary>
        public int Repeats { get; }
        /// <summary>Unmeasured warm-up repeats.</summary>
        public int Warmup { get; }
        /// <summary>Cores, OS and runtime.</summary>
        public string Machine { get; }
        /// <summary>When the run started (UTC).</summary>
        public string Date { get; }
        /// <summary>Measurements.</summary>
        public List<Row> Rows { get; } = new();
        /// <summary>Remarks on the run.</summary>
        public List<string> Notes { get; } = new();

        /// <summary>The report as a markdown table.</summary>
        public string ToMarkdown()
        {
            var md = new StringBuilder();
            md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}; {Date}; batch {BatchSize}; medians of {Repeats} repeats after {Warmup} warm-up.");
            md.AppendLine();
            md.AppendLine("| architecture | threads | measure | value | ratio | phases (ms: forward / targets / inverse fwd / backward / optimizer) |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- |");
            foreach (var r in Rows)
            {
                string phases = r.PhaseSeconds is null ? "" : string.Join(" / ", Enum.GetValues<StepPhase>().Select(p => (1000 * r.PhaseSeconds[p.ToString()]).ToString("F1", CultureInfo.InvariantCulture)));
                md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Architecture} | {r.Threads} | {r.Measure} | {r.Value.ToString(Math.Abs(r.Value) < 10 ? "F3" : "F1", CultureInfo.InvariantCulture)} | {(r.Ratio is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) : "")} | {phases} |");
            }
            foreach (var n in Notes) md.AppendLine(CultureInfo.InvariantCulture, $"\n- {n}");
            return md.ToString();
        }
    }
}
