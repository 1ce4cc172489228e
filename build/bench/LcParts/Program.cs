// Microbenchmark: the parts of one LC layer's forward and transpose (MNIST-LC / CIFAR-LC shapes), 2 threads, batch 128,
// medians of 12 after 3 warm-up. Run: DOTNET_TieredCompilation=0 dotnet run -c Release --project build/bench/LcParts
using System; using System.Linq; using System.Diagnostics; using System.Collections.Generic;
using Microsoft.ML.TargetProp.Model; using Microsoft.ML.TargetProp.TorchSharp.Layers; using Microsoft.ML.TargetProp.TorchSharp.Training;
using static TorchSharp.torch;
Console.WriteLine(MklCpuDispatch.Describe(MklCpuDispatch.EnsureApplied()));
set_num_threads(2); Console.WriteLine($"malloc tuned: {MallocTuning.Apply()}");
int N = 128;
double T(Action a) { var l = new List<double>(); for (int i = 0; i < 15; i++) { var sw = Stopwatch.StartNew(); using (var sc = NewDisposeScope()) a(); l.Add(sw.Elapsed.TotalMilliseconds); } return l.Skip(3).OrderBy(v => v).ElementAt(6); }
foreach (var (C, H, K, O, S) in new[] { (32, 14, 3, 64, 2), (64, 16, 5, 128, 2), (128, 8, 3, 256, 1) })
{
    var g = new LocalGeometry(new LocallyConnectedLayerSpec(K, O, S), new ImageShape(C, H, H));
    int L = g.Locations, P = g.PatchSize;
    var x = randn(N, C, H, H); var w = randn(g.WeightShape); var wT = w.transpose(1, 2).contiguous();
    var y = randn(N, O, g.Output.Height, g.Output.Width);
    var patches = randn(L, N, P); var perLoc = randn(L, N, O);
    double flops = 2.0 * L * N * P * O / 1e6; // MFLOP
    using var _ = no_grad();
    double gather = T(() => g.Patches(x));
    double bmmF = T(() => patches.bmm(w));
    double outPerm = T(() => perLoc.permute(1, 2, 0).reshape(N, O, g.Output.Height, g.Output.Width));
    double inPerm = T(() => y.reshape(N, O, L).permute(2, 0, 1).contiguous());
    double bmmT = T(() => perLoc.bmm(w.transpose(1, 2)));
    double bmmTc = T(() => perLoc.bmm(wT));
    double scatter = T(() => g.Fold(patches.permute(1, 2, 0)));
    double wgrad = T(() => patches.transpose(1, 2).bmm(perLoc));   // [L, P, N] @ [L, N, O]
    double wgradT = T(() => perLoc.transpose(1, 2).bmm(patches));  // [L, O, N] @ [L, N, P]
    double fwd = T(() => g.Apply(x, w)); double tr = T(() => g.ApplyTranspose(y, w));
    Console.WriteLine($"C{C} H{H} k{K} O{O} s{S} ({flops:F0} MFLOP per product): gather {gather:F2} | bmm fwd {bmmF:F2} ({flops / bmmF:F0} GFLOP/s) | out permute {outPerm:F2} | Apply {fwd:F2}");
    Console.WriteLine($"   transpose: in permute {inPerm:F2} | bmm(wᵀ view) {bmmT:F2} ({flops / bmmT:F0}) | bmm(wᵀ contiguous) {bmmTc:F2} ({flops / bmmTc:F0}) | fold (libtorch) {scatter:F2} | ApplyTranspose {tr:F2}");
    Console.WriteLine($"   weight grads: patchesᵀ·δ {wgrad:F2} ({flops / wgrad:F0}) | δᵀ·patches {wgradT:F2} ({flops / wgradT:F0})");
}
var m1 = randn(2048, 2048); var m2 = randn(2048, 2048);
var ts = new List<double>(); for (int i = 0; i < 5; i++) { var sw = Stopwatch.StartNew(); using var c = m1.mm(m2); ts.Add(sw.Elapsed.TotalSeconds); }
Console.WriteLine($"matmul {2.0*2048*2048*2048/ts.OrderBy(v=>v).ElementAt(2)/1e9:F1} GFLOP/s");
