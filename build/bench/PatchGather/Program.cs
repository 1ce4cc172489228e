// Microbenchmark behind LocalGeometry.PatchGather: LC forward and transpose formulations per layer shape (libtorch, 2 threads,
// batch 128, medians). Run: dotnet run -c Release --project build/bench/PatchGather
using System;
using System.Collections.Generic;
using System.Linq;
using System.Diagnostics;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

set_num_threads(2);

int N = 128;
var shapes = new (int C, int H, int W, int K, int O, int S)[] { (1, 28, 28, 3, 32, 2), (32, 14, 14, 3, 64, 2), (3,32,32,5,64,2), (64,16,16,5,128,2), (128,8,8,3,256,1), (3,32,32,3,32,1), (2,28,28,3,32,2), (4,28,28,3,16,2) };
foreach (var (C, H, W, K, O, S) in shapes)
{
    int Ho = (H + S - 1) / S, Wo = (W + S - 1) / S, L = Ho * Wo, P = C * K * K;
    int padTotal = Math.Max((Ho - 1) * S + K - H, 0); int pt = padTotal / 2, pb = padTotal - pt;
    var x = randn(N, C, H, W);
    var w = randn(L, P, O).requires_grad_(true);
    Tensor A(Tensor xx) { // current
        using var cols = F.unfold(F.pad(xx, new long[]{pt,pb,pt,pb}), K, stride: S);
        using var patches = cols.permute(2, 0, 1).contiguous();
        using var y = patches.bmm(w);
        return y.permute(1, 2, 0).reshape(N, O, Ho, Wo);
    }
    Tensor B(Tensor xx) { // strided view, one copy
        using var xp = F.pad(xx, new long[]{pt,pb,pt,pb});
        using var v = xp.unfold(2, K, S).unfold(3, K, S);            // [N,C,Ho,Wo,K,K]
        using var patches = v.permute(2, 3, 0, 1, 4, 5).reshape(L, N, P);
        using var y = patches.bmm(w);
        return y.permute(1, 2, 0).reshape(N, O, Ho, Wo);
    }
    Tensor Cf(Tensor xx) { // einsum on strided view
        using var xp = F.pad(xx, new long[]{pt,pb,pt,pb});
        using var v = xp.unfold(2, K, S).unfold(3, K, S).reshape(N, C, L, K*K);
        using var wv = w.view(L, C, K*K, O);
        using var y = einsum("nclk,lcko->nol", v, wv);
        return y.reshape(N, O, Ho, Wo);
    }
    int Hp = H + padTotal, Wp = W + padTotal;
    Tensor TA(Tensor yy) {
        using var flat = yy.reshape(N, O, L);
        using var perLocation = flat.permute(2, 0, 1).contiguous();
        using var patches = perLocation.bmm(w.transpose(1, 2));
        using var cols = patches.permute(1, 2, 0);
        using var full = F.fold(cols, (Hp, Wp), (K, K), stride: (S, S));
        return full[.., .., pt..(pt + H), pt..(pt + W)].contiguous();
    }
    Tensor TB(Tensor yy) {
        using var flat = yy.reshape(N, O, L);
        using var perLocation = flat.permute(2, 0, 1).contiguous();
        using var patches = perLocation.bmm(w.transpose(1, 2));               // [L,N,P]
        using var pv = patches.view(Ho, Wo, N, C, K, K).permute(2, 3, 4, 5, 0, 1); // [N,C,K,K,Ho,Wo]
        var xp = zeros(N, C, Hp, Wp);
        for (int i = 0; i < K; i++) for (int j = 0; j < K; j++)
        {
            using var dst = xp[.., .., TensorIndex.Slice(i, i + S * (Ho - 1) + 1, S), TensorIndex.Slice(j, j + S * (Wo - 1) + 1, S)];
            using var src = pv[.., .., i, j];
            dst.add_(src);
        }
        using (xp) return xp[.., .., pt..(pt + H), pt..(pt + W)].contiguous();
    }
    var yT = randn(N, O, Ho, Wo);
    using (no_grad()) { using var ta = TA(yT); using var tb = TB(yT); Console.WriteLine($"transpose check {(ta - tb).abs().max().item<float>():E2}"); }
    var tforms = new (string, Func<Tensor, Tensor>)[] { ("fold", TA), ("offset-add", TB) };
    var tt = tforms.ToDictionary(f => f.Item1, _ => new List<double>());
    for (int rep = 0; rep < 15; rep++)
        foreach (var (name, f) in tforms)
        {
            var sw = Stopwatch.StartNew();
            using (var scope = NewDisposeScope()) { var xx = f(yT); xx.backward(new[] { ones_like(xx) }); }
            tt[name].Add(sw.Elapsed.TotalMilliseconds);
            w.grad?.zero_();
        }
    using (no_grad()) { using var a = A(x); using var b = B(x); using var c = Cf(x); Console.WriteLine($"check {(a - b).abs().max().item<float>():E2} {(a - c).abs().max().item<float>():E2}"); }
    var forms = new (string, Func<Tensor, Tensor>)[] { ("unfold-permute", A), ("strided-view", B), ("einsum", Cf) };
    var times = forms.ToDictionary(f => f.Item1, _ => new List<double>());
    var timesB = forms.ToDictionary(f => f.Item1, _ => new List<double>());
    for (int rep = 0; rep < 15; rep++)
        foreach (var (name, f) in forms)
        {
            var sw = Stopwatch.StartNew();
            using (var scope = NewDisposeScope()) { using var _ = no_grad(); var y = f(x); }
            times[name].Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            using (var scope = NewDisposeScope()) { var y = f(x); y.backward(new[] { ones_like(y) }); }
            timesB[name].Add(sw.Elapsed.TotalMilliseconds);
            w.grad?.zero_();
        }
    double Med(List<double> l) { var s = l.Skip(3).OrderBy(v => v).ToList(); return s[s.Count / 2]; }
    double macs = (double)L * N * P * O;
    Console.WriteLine($"C{C} {H}x{W} k{K} O{O} s{S}: L={L} P={P}");
    foreach (var (name, _) in tforms) Console.WriteLine($"  transpose {name,-12} fwd+wgrad {Med(tt[name]):F2} ms");
    foreach (var (name, _) in forms) Console.WriteLine($"  {name,-16} fwd {Med(times[name]):F2} ms ({2*macs/Med(times[name])/1e6:F1} GFLOP/s)  fwd+wgrad {Med(timesB[name]):F2} ms ({6*macs/Med(timesB[name])/1e6*2/3:F1} GFLOP/s)");
}
var m1 = randn(2048, 2048); var m2 = randn(2048, 2048);
var ts = new List<double>(); for (int i = 0; i < 5; i++) { var sw = Stopwatch.StartNew(); using var c = m1.mm(m2); ts.Add(sw.Elapsed.TotalSeconds); }
Console.WriteLine($"matmul {2.0*2048*2048*2048/ts.OrderBy(v=>v).ElementAt(2)/1e9:F1} GFLOP/s");
