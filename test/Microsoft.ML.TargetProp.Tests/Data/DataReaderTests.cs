using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Microsoft.ML.TargetProp.Tests.Data;

[TestClass]
public sealed class DataReaderTests
{
    [TestMethod]
    public void ReadsTheOfficialMnistTestSet()
    {
        var test = MnistDataset.Load(TestSetup.MnistFolder, train: false);
        Assert.AreEqual(10000, test.Count);
        Assert.AreEqual(784, test.Shape.Size);
        var counts = Enumerable.Range(0, 10).Select(c => test.Labels.Count(l => l == c)).ToArray();
        CollectionAssert.AreEqual(new[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 }, counts);
        Assert.AreEqual(0.1325, test.Features.Average(), 5e-4, "pixel mean of the official test set (README of shared/data)");
        Assert.AreEqual(7, test.Labels[0]);
    }

    [TestMethod]
    public void BadMagicTruncationAndMissingFilesAreNamed()
    {
        string dir = TestSetup.TempFolder();
        string bad = Path.Combine(dir, "bad.idx");
        File.WriteAllBytes(bad, new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 5 });
        var e1 = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(bad));
        StringAssert.Contains(e1.Message, "bad.idx");
        StringAssert.Contains(e1.Message, "2051");

        string truncated = Path.Combine(dir, "trunc.idx.gz");
        using (var f = File.Create(truncated))
        using (var gz = new GZipStream(f, CompressionLevel.Fastest))
            gz.Write(new byte[] { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3 });
        var e2 = Assert.ThrowsExactly<InvalidDataException>(() => IdxReader.ReadImages(truncated));
        StringAssert.Contains(e2.Message, "truncated");

        var e3 = Assert.ThrowsExactly<FileNotFoundException>(() => MnistDataset.Load(dir, train: true));
        StringAssert.Contains(e3.Message, "train-images-idx3-ubyte");
    }

    [TestMethod]
    public void ReadsTheCifarBinaryLayout()
    {
        string dir = TestSetup.TempFolder();
        string path = Path.Combine(dir, "data_batch_1.bin");
        var bytes = new byte[2 * CifarBinaryReader.RecordSize];
        bytes[0] = 3;
        bytes[1] = 255;                                // R of pixel 0 of record 0
        bytes[1 + 1024] = 51;                          // G of pixel 0
        bytes[CifarBinaryReader.RecordSize] = 9;
        File.WriteAllBytes(path, bytes);
        var data = CifarBinaryReader.Read(new[] { path });
        Assert.AreEqual(2, data.Count);
        CollectionAssert.AreEqual(new[] { 3, 9 }, data.Labels);
        Assert.AreEqual(1f, data.Features[0]);
        Assert.AreEqual(0.2f, data.Features[1024], 1e-6f);
        Assert.AreEqual("cat", data.ClassNames[3]);

        File.WriteAllBytes(path, bytes[..100]);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => CifarBinaryReader.Read(new[] { path })).Message, "3073");
    }

    [TestMethod]
    public void SplitAndStratifiedSamplesAreDeterministic()
    {
        var data = TestData.MnistTrain(30);
        Assert.AreEqual(300, data.Count);
        CollectionAssert.AreEqual(Enumerable.Repeat(30, 10).ToArray(), Enumerable.Range(0, 10).Select(c => data.Labels.Count(l => l == c)).ToArray());
        var (t1, v1) = data.Split(0.2, 5);
        var (t2, v2) = data.Split(0.2, 5);
        Assert.AreEqual(60, v1.Count);
        Assert.AreEqual(240, t1.Count);
        CollectionAssert.AreEqual(v1.Labels, v2.Labels);
        CollectionAssert.AreEqual(t1.Features, t2.Features);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => data.Split(1.5, 1));
    }
}
