using System;
using System.IO;
using System.Linq;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Training;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.TargetProp.Tests.Training;

/// <summary>Issue 16: flips and random crops of training images are seeded, shape-keeping crops of the padded image, and checkpoint-safe.</summary>
[TestClass]
public sealed class ImageAugmentationTests
{
    private static readonly ImageShape Shape = new(3, 6, 5);

    private static Tensor Batch(int n, int seed) => rand(new long[] { n, Shape.Size }, generator: new Generator((ulong)seed, CPU));

    [TestMethod]
    public void TheSameSeedDrawsTheSameAugmentationAndAnotherSeedOthers()
    {
        var augmentation = new ImageAugmentation { Mode = AugmentationMode.On, Flip = FlipKind.Both, CropPadding = 2 };
        using var x = Batch(16, 1);
        using var a = augmentation.Apply(x, Shape, new Generator(7, CPU));
        using var b = augmentation.Apply(x, Shape, new Generator(7, CPU));
        using var c = augmentation.Apply(x, Shape, new Generator(8, CPU));
        CollectionAssert.AreEqual(new long[] { 16, Shape.Size }, a.shape, "shape kept");
        CollectionAssert.AreEqual(a.data<float>().ToArray(), b.data<float>().ToArray());
        CollectionAssert.AreNotEqual(a.data<float>().ToArray(), c.data<float>().ToArray());
    }

    [TestMethod]
    public void EveryCropIsAWindowOfTheZeroPaddedImage()
    {
        const int pad = 2;
        var augmentation = new ImageAugmentation { Mode = AugmentationMode.On, Flip = FlipKind.None, CropPadding = pad };
        using var x = Batch(40, 2);
        using var cropped = augmentation.Apply(x, Shape, new Generator(3, CPU));
        using var images = x.reshape(40, Shape.Channels, Shape.Height, Shape.Width);
        using var padded = nn.functional.pad(images, new long[] { pad, pad, pad, pad });
        using var crops = cropped.reshape(40, Shape.Channels, Shape.Height, Shape.Width);
        var offsets = new System.Collections.Generic.HashSet<(int, int)>();
        for (int i = 0; i < 40; i++)
        {
            var want = crops[i].data<float>().ToArray();
            var match = Enumerable.Range(0, 2 * pad + 1).SelectMany(dy => Enumerable.Range(0, 2 * pad + 1).Select(dx => (dy, dx)))
                .Where(o => padded[i, .., o.dy..(o.dy + Shape.Height), o.dx..(o.dx + Shape.Width)].contiguous().data<float>().ToArray().SequenceEqual(want)).ToList();
            Assert.IsTrue(match.Count >= 1, $"image {i} is not a window of its padded image");
            offsets.Add(match[0]);
        }
        Assert.IsTrue(offsets.Count > 5, "offsets vary over the batch");
    }

    [TestMethod]
    public void FlipsAreTheirOwnInverseAndAFlipOnlyAugmentationMirrorsOrKeepsEachImage()
    {
        using var x = Batch(30, 4);
        using var images = x.reshape(30, Shape.Channels, Shape.Height, Shape.Width);
        foreach (long dim in new long[] { 2, 3 })
        {
            using var once = ImageAugmentation.Mirror(images, dim);
            using var twice = ImageAugmentation.Mirror(once, dim);
            CollectionAssert.AreEqual(images.data<float>().ToArray(), twice.data<float>().ToArray());
            CollectionAssert.AreNotEqual(images.data<float>().ToArray(), once.data<float>().ToArray());
        }
        var flipOnly = new ImageAugmentation { Mode = AugmentationMode.On, Flip = FlipKind.Horizontal, CropPadding = 0 };
        using var flipped = flipOnly.Apply(x, Shape, new Generator(5, CPU)).reshape(30, Shape.Channels, Shape.Height, Shape.Width);
        using var mirrored = ImageAugmentation.Mirror(images, 3);
        int kept = 0, mirroredCount = 0;
        for (int i = 0; i < 30; i++)
        {
            var got = flipped[i].data<float>().ToArray();
            if (got.SequenceEqual(images[i].data<float>().ToArray())) kept++;
            else if (got.SequenceEqual(mirrored[i].data<float>().ToArray())) mirroredCount++;
            else Assert.Fail($"image {i} is neither kept nor mirrored");
        }
        Assert.IsTrue(kept > 5 && mirroredCount > 5, $"about half each: kept {kept}, mirrored {mirroredCount}");
    }

    [TestMethod]
    public void AutoAugmentsMultiChannelImagesOnlyAndOnNeedsImages()
    {
        var auto = new ImageAugmentation();
        Assert.IsTrue(auto.AppliesTo(new ImageShape(3, 32, 32)));
        Assert.IsFalse(auto.AppliesTo(new ImageShape(1, 28, 28)));
        Assert.IsFalse(auto.AppliesTo(ImageShape.Flat(784)));
        Assert.IsTrue((auto with { Mode = AugmentationMode.On }).AppliesTo(new ImageShape(1, 28, 28)));
        Assert.ThrowsExactly<ArgumentException>(() => (auto with { Mode = AugmentationMode.On }).AppliesTo(ImageShape.Flat(784)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new TrainingOptions { Augmentation = auto with { CropPadding = -1 } }.Validate());
    }

    [TestMethod]
    public void AResumedRunDrawsTheAugmentationsOfTheUninterruptedOne()
    {
        var random = new Random(0);
        var features = Enumerable.Range(0, 60 * Shape.Size).Select(_ => (float)random.NextDouble()).ToArray();
        var data = new InMemoryDataset(features, Enumerable.Range(0, 60).Select(i => i % 3).ToArray(), Shape, 3);
        TrainingOptions Options(int epochs) => new()
        {
            Algorithm = AlgorithmKind.SimplifiedTargetProp, Epochs = epochs, BatchSize = 20, Seed = 9,
            HyperParameters = new HyperParameters { Forward = new AdamSettings(1e-3), Inverse = new AdamSettings(1e-3) },
        };
        var spec = NetworkSpec.Parse("lc(3x3,4,2) fc(12)");
        Assert.IsTrue(Options(1).Augmentation.AppliesTo(Shape), "3-channel images are augmented by default");
        string path = Path.Combine(TestSetup.TempFolder(), "aug.ckpt");
        using var straight = new NetworkTrainer(spec, Shape, 3, Options(2));
        straight.Fit(data);
        using (var first = new NetworkTrainer(spec, Shape, 3, Options(1)))
        {
            first.Fit(data);
            first.SaveCheckpoint(path);
        }
        using var resumed = new NetworkTrainer(spec, Shape, 3, Options(2));
        resumed.LoadCheckpoint(path);
        resumed.Fit(data);
        CollectionAssert.AreEqual(straight.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray(),
            resumed.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray());
        using var off = new NetworkTrainer(spec, Shape, 3, Options(2) with { Augmentation = new ImageAugmentation { Mode = AugmentationMode.Off } });
        off.Fit(data);
        CollectionAssert.AreNotEqual(straight.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray(),
            off.Network.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray(), "augmentation changes training");
    }
}
