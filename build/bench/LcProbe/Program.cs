// Probe (issue 32): the parts of one batch-last LC layer's forward + backward, MNIST-LC layers 1 and 2, batch 128. Run:
// dotnet run -c Release --project build/bench/LcProbe -- THREADS
using System; using System.Linq; using System.Diagnostics; using System.Collections.Generic; using System.Reflection;
using Microsoft.ML.TargetProp.Model; using Microsoft.ML.TargetProp.TorchSharp.Layers; using Microsoft.ML.TargetProp.TorchSharp.Training;
using static TorchSharp.torch;
MklCpuDispatch.EnsureApplied(); MallocTuning.Apply();
set_num_threads(int.Parse(args[0]));
int N = 128;
var kernels = typeof(LocalGeometry).Assembly.GetType("Microsoft.ML.TargetProp.TorchSharp.Layers.LocalBatchLastKernels")!;
var gatherM = kernels.GetMethod("Gather", BindingFlags.Public | BindingFlags.Static)!; var scatterM = kernels.GetMethod("Scatter", BindingFlags.Public | BindingFlags.Static)!;
double T(Action a) { var l = new List<double>(); for (int i = 0; i < 25; i++) { var sw = Stopwatch.StartNew(); using (var sc = NewDisposeScope()) a(); l.Add(sw.Elapsed.TotalMilliseconds); } return l.Skip(5).OrderBy(v => v).ElementAt(10); }
foreach (var (C, H, K, O, S) in new[] { (1, 28, 3, 32, 2), (32, 14, 3, 64, 2), (3, 32, 5, 64, 2), (64, 16, 5, 128, 2), (128, 8, 3, 256, 1) })
{
    var layer = new LocallyConnected2d(new LocallyConnectedLayerSpec(K, O, S), new ImageShape(C, H, H), Activation.Tanh, new Generator(0, CPU));
    var g = layer.Geometry; int L = g.Locations, P = g.PatchSize;
    var x = rand(new long[] { N, C, H, H }); var xT = x.permute(2, 3, 1, 0).contiguous().reshape(H * H, C, N);
    var w = layer.Weight.detach(); var pT = (Tensor)gatherM.Invoke(null, new object[] { xT, g })!; var yT = randn(L, O, N);
    double gather = T(() => gatherM.Invoke(null, new object[] { xT, g }));
    double scatter = T(() => scatterM.Invoke(null, new object[] { pT, g }));
    double fwd = T(() => w.transpose(1, 2).bmm(pT));
    double dW = T(() => pT.bmm(yT.transpose(1, 2)));
    double dP = T(() => w.bmm(yT));
    double bare = T(() => pT.permute(0, 2, 1).contiguous().bmm(w));
    var pN = pT.permute(0, 2, 1).contiguous();
    double bareC = T(() => pN.bmm(w));
    var y = layer.Linear(x.detach()).detach();
    double bias = T(() => y.add_(layer.Bias.detach()));
    double layerFwd = T(() => { using var _ = no_grad(); layer.Linear(x); });
    double mf = 2.0 * L * N * P * O / 1e6;
    Console.WriteLine($"C{C} H{H} k{K} O{O}: gather {gather:F2} | scatter {scatter:F2} | WᵀPᵀ {fwd:F2} ({mf / fwd:F0} GFLOP/s) | PᵀΔ {dW:F2} ({mf / dW:F0}) | WΔᵀ {dP:F2} ({mf / dP:F0}) | bare P·W {bareC:F2} ({mf / bareC:F0}) | bias add_ {bias:F2} | Linear no_grad {layerFwd:F2} ms");
}
