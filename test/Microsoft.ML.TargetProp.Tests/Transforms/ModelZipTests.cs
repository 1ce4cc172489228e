using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.ML.TargetProp.Tests.Trainers;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Transforms;

/// <summary>Model zips: the committed format-1 zip keeps loading; damaged or forged zips fail cleanly; scoring is thread-safe.</summary>
[TestClass]
public sealed class ModelZipTests
{
    private static string Asset(string name) => Path.Combine(AppContext.BaseDirectory, "Assets", name);

    private static DigitPrediction[] Expected() =>
        JsonSerializer.Deserialize<DigitPrediction[]>(File.ReadAllText(Asset("sdtp-model-format-1.expected.json")))!;

    private static DigitPrediction[] Score(MLContext ml, ITransformer model) =>
        ml.Data.CreateEnumerable<DigitPrediction>(model.Transform(ml.Data.LoadFromEnumerable(MnistRow.From(TestData.MnistTest(5)))), reuseRowObject: false).ToArray();

    /// <summary>
    /// The committed format-1 zip was saved with ML.NET 5.0.1 (MapValueToKey → SDTP → MapKeyToValue), its copy re-saved
    /// with ML.NET 6.0.0: both load and score the same in both of the suite's ML.NET legs, so a model saved with either
    /// release loads with the other.
    /// </summary>
    [TestMethod]
    [DataRow("sdtp-model-format-1.zip")]
    [DataRow("sdtp-model-format-1-saved-by-mlnet-6.0.zip")]
    public void TheCommittedFormat1ZipKeepsLoadingAndScoringTheSame(string zip)
    {
        var ml = new MLContext();
        var model = ml.Model.Load(Asset(zip), out _);
        var actual = Score(ml, model);
        var expected = Expected();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.AreEqual(expected[i].PredictedLabel, actual[i].PredictedLabel);
            for (int k = 0; k < expected[i].Score.Length; k++)   // the arithmetic of the forward pass may be reordered between versions
                Assert.AreEqual(expected[i].Score[k], actual[i].Score[k], 1e-6f, $"row {i} class {k}");
        }
    }

    [TestMethod]
    public void ThousandMutatedOrTruncatedZipsLoadIdenticallyOrThrowCleanly()
    {
        var original = File.ReadAllBytes(Asset("sdtp-model-format-1.zip"));
        var reference = new MLContext();
        var expected = Score(reference, reference.Model.Load(new MemoryStream(original), out _));
        var random = new Random(20181203);
        int loaded = 0, rejected = 0;
        var kinds = new Dictionary<string, int>();
        for (int trial = 0; trial < 1000; trial++)
        {
            var bytes = Mutate(original, random, trial);
            var ml = new MLContext();
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                using var stream = new MemoryStream(bytes);
                var model = ml.Model.Load(stream, out _);
                var actual = Score(ml, model);
                for (int i = 0; i < expected.Length; i++)
                    CollectionAssert.AreEqual(expected[i].Score, actual[i].Score, $"trial {trial} loaded but scores differently");
                loaded++;
            }
            catch (Exception e) when (e is not (OutOfMemoryException or AssertFailedException or InsufficientExecutionStackException))
            {
                rejected++;
                kinds[e.GetType().Name] = kinds.GetValueOrDefault(e.GetType().Name) + 1;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.IsTrue(allocated < 256L << 20, $"trial {trial} allocated {allocated >> 20} MiB for a {bytes.Length}-byte file");
        }
        Console.WriteLine($"loaded {loaded}, rejected {rejected}: {string.Join(", ", kinds.Select(k => $"{k.Key} {k.Value}"))}");
        Assert.AreEqual(1000, loaded + rejected);
        Assert.IsTrue(rejected > 500, "most mutations must be detected");
    }

    /// <summary>The committed zip with the classifier transformer's Model.key passed through <paramref name="edit"/>.</summary>
    private static byte[] WithEditedTransformer(Func<byte[], byte[]> edit)
    {
        using var copy = new MemoryStream();
        copy.Write(File.ReadAllBytes(Asset("sdtp-model-format-1.zip")));
        using (var zip = new System.IO.Compression.ZipArchive(copy, System.IO.Compression.ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry("TransformerChain/Transform_001/Model.key")!;
            byte[] bytes;
            using (var s = entry.Open())
            using (var m = new MemoryStream())
            {
                s.CopyTo(m);
                bytes = m.ToArray();
            }
            entry.Delete();
            using var w = zip.CreateEntry("TransformerChain/Transform_001/Model.key").Open();
            w.Write(edit(bytes));
        }
        return copy.ToArray();
    }

    private static Exception LoadFails(byte[] zip)
    {
        try
        {
            new MLContext().Model.Load(new MemoryStream(zip), out _);
        }
        catch (Exception e) when (e is not AssertFailedException)
        {
            return e;
        }
        Assert.Fail("the damaged model loaded");
        return null!;
    }

    [TestMethod]
    public void NewerFormatsForeignModelsAndNonZipsAreRejectedByModelLoad()
    {
        // ML.NET's version header: the 8-byte model signature, then the written and the readable-by versions.
        int at = -1;
        byte[] Find(byte[] b)
        {
            at = b.AsSpan().IndexOf("TPNETCLS"u8);
            Assert.IsTrue(at > 0, "the transformer's model signature is in its Model.key");
            return b;
        }
        var newer = WithEditedTransformer(b =>
        {
            Find(b);
            BitConverter.TryWriteBytes(b.AsSpan(at + 8), 0x00020001u);    // written by format 2.1
            BitConverter.TryWriteBytes(b.AsSpan(at + 12), 0x00020001u);   // readable only by 2.1 and later
            return b;
        });
        var e = LoadFails(newer);
        Console.WriteLine($"newer format: {e.GetBaseException().Message}");
        StringAssert.Contains(e.ToString(), "cannot be read by this version of Microsoft.ML.TargetProp", "the error says the model is too new for this library");

        var foreign = WithEditedTransformer(b =>
        {
            Find(b);
            "SOMEMODL"u8.CopyTo(b.AsSpan(at));
            return b;
        });
        e = LoadFails(foreign);
        Console.WriteLine($"foreign signature: {e.GetBaseException().Message}");

        using (var other = new MemoryStream())
        {
            using (var zip = new System.IO.Compression.ZipArchive(other, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            using (var w = new StreamWriter(zip.CreateEntry("readme.txt").Open()))
                w.Write("not a model");
            e = LoadFails(other.ToArray());
            Console.WriteLine($"a zip that is not a model: {e.GetType().Name}: {e.Message}");
        }
        e = LoadFails(System.Text.Encoding.UTF8.GetBytes("model.zip is a text file"));
        Console.WriteLine($"not a zip: {e.GetType().Name}: {e.Message}");
    }

    internal static byte[] Mutate(byte[] original, Random random, int trial)
    {
        switch (trial % 4)
        {
            case 0: return original[..random.Next(0, original.Length)];                         // truncation
            case 1:
            {
                var b = (byte[])original.Clone();                                                 // a few random bytes
                for (int i = 0, n = random.Next(1, 4); i < n; i++) b[random.Next(b.Length)] = (byte)random.Next(256);
                return b;
            }
            case 2:
            {
                var b = (byte[])original.Clone();                                                 // a forged 32-bit length field
                int at = random.Next(b.Length - 4);
                BitConverter.TryWriteBytes(b.AsSpan(at), random.Next(2) == 0 ? int.MaxValue : random.Next());
                return b;
            }
            default:
            {
                var b = (byte[])original.Clone();                                                 // one flipped bit
                int at = random.Next(b.Length);
                b[at] ^= (byte)(1 << random.Next(8));
                return b;
            }
        }
    }

    [TestMethod]
    public void TransformAndPredictionEnginesFromEightThreadsMatchSerialScoring()
    {
        var ml = new MLContext();
        var model = ml.Model.Load(Asset("sdtp-model-format-1.zip"), out _);
        var rows = MnistRow.From(TestData.MnistTest(200)).ToArray();
        var data = ml.Data.LoadFromEnumerable(rows);
        var serial = ml.Data.CreateEnumerable<DigitPrediction>(model.Transform(data), reuseRowObject: false).ToArray();
        var results = new DigitPrediction[8][];
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        // Eight dedicated threads released together (the thread pool of a 2-core machine would not start 8 at once).
        using var start = new System.Threading.Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new System.Threading.Thread(() =>
        {
            try
            {
                var engine = t % 2 == 1 ? ml.Model.CreatePredictionEngine<MnistRow, DigitPrediction>(model) : null;
                start.SignalAndWait();
                results[t] = engine is null
                    ? ml.Data.CreateEnumerable<DigitPrediction>(model.Transform(data), reuseRowObject: false).ToArray()
                    : rows.Select(r => engine.Predict(r)).Select(p => new DigitPrediction { PredictedLabel = p.PredictedLabel, Score = p.Score.ToArray() }).ToArray();
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.IsTrue(t.Join(TimeSpan.FromMinutes(5)), "a scoring thread hung"));
        Assert.IsTrue(errors.IsEmpty, string.Join("\n", errors));
        for (int t = 0; t < 8; t++)
        for (int i = 0; i < serial.Length; i++)
        {
            Assert.AreEqual(serial[i].PredictedLabel, results[t][i].PredictedLabel, $"thread {t} row {i}");
            CollectionAssert.AreEqual(serial[i].Score, results[t][i].Score, $"thread {t} row {i}");
        }
    }
}
