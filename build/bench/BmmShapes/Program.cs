using System; using System.Linq; using System.Diagnostics; using System.Collections.Generic;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using static TorchSharp.torch;
Console.WriteLine(MklCpuDispatch.Describe(MklCpuDispatch.EnsureApplied()));
set_num_threads(2); Console.WriteLine($"malloc tuned: {MallocTuning.Apply()}");
double T(Action a) { var l = new List<double>(); for (int i = 0; i < 12; i++) { var sw = Stopwatch.StartNew(); using (var sc = NewDisposeScope()) a(); l.Add(sw.Elapsed.TotalMilliseconds); } return l.Skip(2).OrderBy(v => v).ElementAt(5); }
using var _ = no_grad();
foreach (var (B, M, K, N) in new[] { (64, 128, 128, 1600), (64, 100, 1600, 128), (64, 1600, 100, 128), (256, 100, 75, 64), (256, 75, 100, 64), (49, 100, 288, 64), (49, 288, 100, 64), (64, 100, 576, 64), (64, 576, 100, 64), (64, 100, 1152, 128), (64, 1152, 100, 128) })
{
    var a = randn(B, M, K); var b = randn(B, K, N);
    double f = 2.0 * B * M * K * N / 1e6;
    double bmm = T(() => a.bmm(b));
    double loop = T(() => { for (int l = 0; l < B; l++) { using var al = a[l]; using var bl = b[l]; using var c = al.mm(bl); } });
    var outT = empty(B, M, N);
    double loopOut = T(() => { for (int l = 0; l < B; l++) { using var al = a[l]; using var bl = b[l]; using var o = outT[l]; o.addmm_(al, bl, 0, 1); } });
    var aT = a.transpose(1, 2).contiguous().transpose(1, 2); // column-major a
    double bmmAT = T(() => aT.bmm(b));
    var bT = b.transpose(1, 2).contiguous().transpose(1, 2);
    double bmmBT = T(() => a.bmm(bT));
    Console.WriteLine($"[{B}] {M}x{K} @ {K}x{N}: bmm {bmm:F2} ms ({f / bmm:F0} GFLOP/s) | loop mm {loop:F2} ({f / loop:F0}) | loop mm_out {loopOut:F2} ({f/loopOut:F0}) | bmm a col-major {bmmAT:F2} ({f/bmmAT:F0}) | bmm b col-major {bmmBT:F2} ({f/bmmBT:F0})");
}
