using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.TargetProp.Model;
using Microsoft.ML.TargetProp.TorchSharp.Data;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// Finds datasets by name: in <c>--data-dir</c>, then <c>$TARGETPROP_DATA</c>, then the repository's <c>data/</c> (MNIST is
/// committed there), then <c>./data</c> and <c>../shared/data</c> (see <see cref="Roots"/>). A name can also be a folder of
/// IDX or CIFAR-10 binary files, or of images.
/// When nothing is found the error lists the files, their checksums and where to get them.
/// </summary>
public sealed class DatasetLocator
{
    /// <summary>A known dataset: its folder name, files (with md5) and official source.</summary>
    public sealed record KnownDataset(string Name, string Folder, IReadOnlyList<(string File, string Md5)> Files, string Source, string[]? ClassNames = null);

    /// <summary>The datasets this tool knows by name.</summary>
    public static readonly IReadOnlyList<KnownDataset> Known = new[]
    {
        new KnownDataset("mnist", "mnist", new[]
        {
            ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
            ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
            ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
        }, "http://yann.lecun.com/exdb/mnist/ (mirror: https://ossci-datasets.s3.amazonaws.com/mnist/)"),
        new KnownDataset("fashion-mnist", "fashion-mnist", new[]
        {
            ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
            ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
            ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
        }, "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", MnistDataset.FashionClassNames),
        new KnownDataset("cifar10", "cifar10", new[]
        {
            ("data_batch_1.bin", ""), ("data_batch_2.bin", ""), ("data_batch_3.bin", ""),
            ("data_batch_4.bin", ""), ("data_batch_5.bin", ""), ("test_batch.bin", ""),
        }, "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (md5 c32a1d4ab5d03f1284b67883e8d87530; extract the .bin files, optionally gzip them)", CifarBinaryReader.ClassNames),
    };

    private readonly string? _dataDir;
    private readonly ImageShape? _imageShape;

    /// <summary>
    /// Creates a locator; <paramref name="dataDir"/> is the <c>--data-dir</c> option (may be null); <paramref name="imageShape"/>
    /// is the size images of an image-folder dataset are resized to (default: 3×H×W of the first image).
    /// </summary>
    public DatasetLocator(string? dataDir, ImageShape? imageShape = null)
    {
        _dataDir = dataDir;
        _imageShape = imageShape;
    }

    /// <summary>
    /// Folders searched, in order: <c>--data-dir</c>, <c>$TARGETPROP_DATA</c>, the <c>data/</c> and <c>../shared/data</c>
    /// folders of a repository checkout holding the current folder or the tool, <c>./data</c> (where <c>tpnet data fetch</c>
    /// puts datasets by default) and <c>../shared/data</c>.
    /// </summary>
    public IEnumerable<string> Roots
    {
        get
        {
            if (!string.IsNullOrEmpty(_dataDir)) yield return _dataDir;
            var env = Environment.GetEnvironmentVariable("TARGETPROP_DATA");
            if (!string.IsNullOrEmpty(env)) yield return env;
            foreach (var checkout in RepositoryCheckouts)
            {
                yield return Path.Combine(checkout, "data");
                yield return Path.GetFullPath(Path.Combine(checkout, "..", "shared", "data"));
            }
            yield return Path.GetFullPath("data");
            yield return Path.GetFullPath(Path.Combine("..", "shared", "data"));
        }
    }

    /// <summary>Repository checkouts (folders holding Microsoft.ML.TargetProp.sln) above the current folder or the tool; none for an installed tool used elsewhere.</summary>
    private static IEnumerable<string> RepositoryCheckouts =>
        new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory }
            .Select(start =>
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                    if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.TargetProp.sln"))) return dir.FullName;
                return null;
            })
            .OfType<string>()
            .Distinct();

    /// <summary>Loads the train and test splits of <paramref name="dataset"/> (a known name or a folder).</summary>
    public (InMemoryDataset Train, InMemoryDataset Test) Load(string dataset, int? trainLimit = null, int? testLimit = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        var known = Known.FirstOrDefault(k => string.Equals(k.Name, dataset, StringComparison.OrdinalIgnoreCase));
        if (known is null)
        {
            if (!Directory.Exists(dataset))
                throw new DirectoryNotFoundException($"Dataset '{dataset}' is neither a known name ({string.Join(", ", Known.Select(k => k.Name))}) nor an existing folder.");
            return LoadFolder(dataset, null, trainLimit, testLimit);
        }
        foreach (var root in Roots)
        {
            string folder = Path.Combine(root, known.Folder);
            if (known.Files.All(f => File.Exists(Path.Combine(folder, f.File)) || File.Exists(Path.Combine(folder, f.File + ".gz"))
                || (f.File.EndsWith(".gz", StringComparison.Ordinal) && File.Exists(Path.Combine(folder, f.File[..^3])))))
                return LoadFolder(folder, known, trainLimit, testLimit);
        }
        throw new FileNotFoundException(MissingMessage(known));
    }

    /// <summary>The error text for a dataset that was not found.</summary>
    public string MissingMessage(KnownDataset known)
    {
        var text = new StringBuilder();
        text.Append($"Dataset '{known.Name}' was not found: no '{known.Folder}' folder with its files in {string.Join(", ", Roots.Distinct())}");
        if (!RepositoryCheckouts.Any())
            text.Append(" (outside a repository checkout, whose data/ folder holds MNIST, tpnet has no bundled data)");
        text.Append(". It needs: ");
        text.Append(string.Join(", ", known.Files.Select(f => string.IsNullOrEmpty(f.Md5) ? f.File : $"{f.File} (md5 {f.Md5})")));
        text.Append($". Source: {known.Source}. Run 'tpnet data fetch {known.Name}' where the internet is reachable (it writes to --data-dir, else $TARGETPROP_DATA, else ./data; --from copies local files), ");
        text.Append($"or point --data-dir or $TARGETPROP_DATA at a folder holding '{known.Folder}/'.");
        return text.ToString();
    }

    private (InMemoryDataset, InMemoryDataset) LoadFolder(string folder, KnownDataset? known, int? trainLimit, int? testLimit)
    {
        if (!Directory.EnumerateFiles(folder).Any() && Directory.EnumerateDirectories(folder).Any())
            return LoadImageFolder(folder, trainLimit, testLimit);
        bool cifar = Directory.EnumerateFiles(folder, "data_batch_*").Any();
        if (cifar)
        {
            var batches = Enumerable.Range(1, 5).Select(i => Resolve(folder, $"data_batch_{i}.bin")).ToArray();
            return (CifarBinaryReader.Read(batches, trainLimit), CifarBinaryReader.Read(new[] { Resolve(folder, "test_batch.bin") }, testLimit));
        }
        return (MnistDataset.Load(folder, train: true, trainLimit, known?.ClassNames), MnistDataset.Load(folder, train: false, testLimit, known?.ClassNames));
    }

    /// <summary>
    /// An image-folder dataset: <c>train/CLASS/*.png|jpg</c> and <c>test/CLASS/…</c>, or <c>CLASS/…</c> split 80/20
    /// with a fixed seed. Images are resized to the locator's shape; a file that fails to decode is named in the error.
    /// </summary>
    private (InMemoryDataset, InMemoryDataset) LoadImageFolder(string folder, int? trainLimit, int? testLimit)
    {
        bool split = Directory.Exists(Path.Combine(folder, "train")) && Directory.Exists(Path.Combine(folder, "test"));
        var trainRows = Microsoft.ML.TargetProp.Data.ImageFolder.Rows(split ? Path.Combine(folder, "train") : folder).ToList();
        var testRows = split ? Microsoft.ML.TargetProp.Data.ImageFolder.Rows(Path.Combine(folder, "test")).ToList() : new List<Microsoft.ML.TargetProp.Data.ImageFolder.ImageRow>();
        var random = new Random(0);
        var shuffledTrain = trainRows.ToArray();
        random.Shuffle(shuffledTrain);
        if (!split)
        {
            int test = Math.Max(1, shuffledTrain.Length / 5);
            testRows = shuffledTrain[..test].ToList();
            shuffledTrain = shuffledTrain[test..];
        }
        var shuffledTest = testRows.ToArray();
        random.Shuffle(shuffledTest);
        var classes = trainRows.Select(r => r.Label).Distinct(StringComparer.Ordinal).OrderBy(c => c, StringComparer.Ordinal).ToArray();
        var shape = _imageShape ?? FirstImageShape(shuffledTrain[0].ImagePath);
        return (Decode(shuffledTrain.Take(trainLimit ?? int.MaxValue), classes, shape), Decode(shuffledTest.Take(testLimit ?? int.MaxValue), classes, shape));
    }

    private static ImageShape FirstImageShape(string path)
    {
        var (height, width) = ImageDecoder.Size(path);
        return new ImageShape(3, height, width);
    }

    private static InMemoryDataset Decode(IEnumerable<Microsoft.ML.TargetProp.Data.ImageFolder.ImageRow> rows, string[] classes, ImageShape shape)
    {
        var list = rows.ToList();
        var labels = new int[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            labels[i] = Array.IndexOf(classes, list[i].Label);
            if (labels[i] < 0) throw new InvalidDataException($"Class '{list[i].Label}' of '{list[i].ImagePath}' has no training images.");
        }
        var features = ImageDecoder.DecodeAll(list.Select(r => r.ImagePath).ToList(), shape);
        return new InMemoryDataset(features, labels, shape, classes.Length, classes);
    }

    private static string Resolve(string folder, string name)
    {
        string plain = Path.Combine(folder, name);
        if (File.Exists(plain)) return plain;
        if (File.Exists(plain + ".gz")) return plain + ".gz";
        throw new FileNotFoundException($"'{name}' (or '{name}.gz') was not found in '{folder}'.", plain);
    }
}
