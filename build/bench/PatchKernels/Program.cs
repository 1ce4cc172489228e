// Microbenchmark behind LocalPatchKernels: the LC patch gather and transpose through libtorch (autograd tracking the input)
// and through the managed kernels (no_grad), per Table 3 layer shape, 2 threads, batch 128, medians. Run:
// dotnet run -c Release --project build/bench/PatchKernels
using System; using System.Linq; using System.Diagnostics; using System.Collections.Generic;
using Microsoft.ML.TargetProp.Model; using Microsoft.ML.TargetProp.TorchSharp.Layers;
using static TorchSharp.torch;
set_num_threads(2);
int N = 128;
foreach (var (C, H, K, O, S) in new[] { (32, 14, 3, 64, 2), (1, 28, 3, 32, 2), (3, 32, 5, 64, 2), (64, 16, 5, 128, 2), (128, 8, 3, 256, 1) })
{
    var g = new LocalGeometry(new LocallyConnectedLayerSpec(K, O, S), new ImageShape(C, H, H));
    var x = randn(N, C, H, H); var xt = x.detach().requires_grad_(true);
    var w = randn(g.WeightShape);
    var y = randn(N, O, g.Output.Height, g.Output.Width); var wt = w.detach().requires_grad_(true);
    double T(Action a) { var l = new List<double>(); for (int i = 0; i < 15; i++) { var sw = Stopwatch.StartNew(); using (var sc = NewDisposeScope()) a(); l.Add(sw.Elapsed.TotalMilliseconds); } return l.Skip(3).OrderBy(v => v).ElementAt(6); }
    double rows = 0;
    var r = new List<string>();
    for (int rep = 0; rep < 2; rep++)
    {
        double gLib = T(() => { g.Patches(xt); });
        double gMan = T(() => { using var _ = no_grad(); g.Patches(x); });
        double tLib = T(() => { g.ApplyTranspose(y, wt); });
        double tMan = T(() => { using var _ = no_grad(); g.ApplyTranspose(y, w); });
        r.Add($"gather libtorch {gLib:F2} managed {gMan:F2} | transpose libtorch {tLib:F2} managed {tMan:F2}");
    }
    Console.WriteLine($"C{C} H{H} k{K} O{O} s{S}: " + string.Join("  ||  ", r));
}
var m1 = randn(2048, 2048); var m2 = randn(2048, 2048);
var ts = new List<double>(); for (int i = 0; i < 5; i++) { var sw = Stopwatch.StartNew(); using var c = m1.mm(m2); ts.Add(sw.Elapsed.TotalSeconds); }
Console.WriteLine($"matmul {2.0*2048*2048*2048/ts.OrderBy(v=>v).ElementAt(2)/1e9:F1} GFLOP/s");
