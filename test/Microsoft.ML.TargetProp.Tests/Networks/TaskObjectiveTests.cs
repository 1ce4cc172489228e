using Microsoft.ML.TargetProp.TorchSharp.Networks;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Networks;

/// <summary>
/// The task objectives' hand-written pieces (e, ô, the summed error) against what autograd and arithmetic give for
/// their own loss L: DFA, FA and SDTP read these instead of differentiating L.
/// </summary>
[TestClass]
public sealed class TaskObjectiveTests
{
    private const int N = 6;

    private static (TaskObjective Objective, Tensor Output, Tensor Targets) Case(bool classification, Generator gen)
    {
        var output = randn(new long[] { N, 5 }, generator: gen);
        return classification
            ? (TaskObjective.Classification, output, randint(0, 5, new long[] { N }, generator: gen))
            : (TaskObjective.Reconstruction, output, randn(new long[] { N, 5 }, generator: gen));
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void OutputErrorIsEachExamplesLossGradientAtTheLinearOutput(bool classification)
    {
        var gen = new Generator(3, CPU);
        var (objective, output, targets) = Case(classification, gen);
        using var a = output.detach().requires_grad_(true);
        using var loss = objective.Loss(a, targets);
        loss.backward();
        using var expected = a.grad!.mul(N);              // L is the batch mean, e is per example
        using var e = objective.OutputError(output, targets);
        double diff = (expected - e).abs().max().item<float>();
        Assert.IsTrue(expected.abs().max().item<float>() > 0.01, "the gradient is zero; the test would prove nothing");
        Assert.IsTrue(diff < 1e-6, $"e differs from N·∂L/∂a_L by {diff}");
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public void SumErrorIsTheReportedPerExampleErrorSummedOverTheBatch(bool classification)
    {
        using var scope = NewDisposeScope();   // the loops\' indexing and reductions make temporaries
        var gen = new Generator(4, CPU);
        var (objective, output, targets) = Case(classification, gen);
        using var sum = objective.SumError(output, targets);
        Assert.AreEqual(ScalarType.Float64, sum.dtype);
        double expected = 0;
        for (int i = 0; i < N; i++)
        {
            using var row = output[i];
            if (classification)
            {
                using var logp = row.log_softmax(0);
                expected -= logp[targets[i].item<long>()].item<float>();
            }
            else
            {
                using var d = row - targets[i];
                expected += d.square().sum().item<float>();   // ‖x − x̂‖², without the ½ of the loss
            }
        }
        Assert.AreEqual(expected, sum.item<double>(), 1e-4 * System.Math.Abs(expected));
        using var loss = objective.Loss(output, targets);
        double perExample = classification ? expected / N : expected / (2.0 * N);
        Assert.AreEqual(perExample, loss.item<float>(), 1e-5 * System.Math.Abs(perExample), "L is the batch mean of ℓ_i");
    }

    [TestMethod]
    public void OptimalOutputIsTheOneHotLabelForClassificationAndTheInputForReconstruction()
    {
        using var scope = NewDisposeScope();   // the loops\' indexing and reductions make temporaries
        var gen = new Generator(5, CPU);
        using var labels = tensor(new long[] { 2, 0, 4 });
        using var oneHot = TaskObjective.Classification.OptimalOutput(labels, 5, ScalarType.Float32);
        CollectionAssert.AreEqual(new long[] { 3, 5 }, oneHot.shape);
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 5; k++)
                Assert.AreEqual(k == labels[i].item<long>() ? 1f : 0f, oneHot[i, k].item<float>(), $"ô[{i},{k}]");

        using var x = randn(new long[] { 3, 1, 2, 2 }, generator: gen);
        using var target = TaskObjective.Reconstruction.OptimalOutput(x, 4, ScalarType.Float32);
        CollectionAssert.AreEqual(new long[] { 3, 4 }, target.shape);
        using var loss = TaskObjective.Reconstruction.Loss(target, x);
        Assert.AreEqual(0f, loss.item<float>(), "the reconstruction loss at ô is zero");
        using var code = TaskObjective.Reconstruction.OutputCode(target);
        Assert.AreEqual(0f, (code - target).abs().max().item<float>(), "g_L reads a reconstruction network's h_L as it is");
    }

    [TestMethod]
    public void ClassificationCountsArgmaxHitsAndReconstructionHasNoAccuracy()
    {
        using var scope = NewDisposeScope();   // the loops\' indexing and reductions make temporaries
        using var output = tensor(new float[] { 0, 3, 1, 5, 0, 0, -1, -2, -0.5f }).reshape(3, 3);
        using var labels = tensor(new long[] { 1, 2, 2 });
        using var hits = TaskObjective.Classification.CountCorrect(output, labels);
        Assert.AreEqual(2L, hits!.item<long>(), "rows 0 and 2 are right, row 1 is not");
        using var code = TaskObjective.Classification.OutputCode(output);
        using var rowSums = code.sum(1);
        for (int i = 0; i < 3; i++) Assert.AreEqual(1f, rowSums[i].item<float>(), 1e-6f, "g_L reads softmax(a_L)");
        Assert.IsTrue(TaskObjective.Classification.HasClasses);
        Assert.IsFalse(TaskObjective.Reconstruction.HasClasses);
        Assert.IsNull(TaskObjective.Reconstruction.CountCorrect(output, output));
    }
}
