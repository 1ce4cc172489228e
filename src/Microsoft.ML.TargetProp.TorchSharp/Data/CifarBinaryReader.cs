using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.TorchSharp.Data;

/// <summary>
/// Reads the CIFAR-10 binary layout: records of 1 label byte then 1024 R, 1024 G and 1024 B bytes (32×32, row-major),
/// from files such as <c>data_batch_1.bin</c> (raw or <c>.gz</c>). Pixels are scaled to [0, 1].
/// </summary>
public static class CifarBinaryReader
{
    /// <summary>Bytes per record: 1 + 3·32·32.</summary>
    public const int RecordSize = 1 + 3 * 32 * 32;

    /// <summary>CIFAR-10 class names in label order.</summary>
    public static readonly string[] ClassNames = { "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck" };

    /// <summary>Reads and concatenates <paramref name="paths"/>.</summary>
    public static InMemoryDataset Read(IEnumerable<string> paths, int? limit = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var features = new List<float>();
        var labels = new List<int>();
        foreach (var path in paths)
        {
            if (!File.Exists(path))
                throw new FileNotFoundException($"CIFAR-10 file '{path}' does not exist.", path);
            byte[] bytes;
            using (var file = File.OpenRead(path))
            using (var buffer = new MemoryStream())
            {
                Stream source = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
                try { source.CopyTo(buffer); }
                catch (InvalidDataException e) { throw new InvalidDataException($"CIFAR-10 file '{path}' is not a valid gzip stream: {e.Message}", e); }
                bytes = buffer.ToArray();
            }
            if (bytes.Length == 0 || bytes.Length % RecordSize != 0)
                throw new InvalidDataException($"CIFAR-10 file '{path}' holds {bytes.Length} bytes, not a positive multiple of the {RecordSize}-byte record; it is truncated or not CIFAR-10.");
            for (int offset = 0; offset < bytes.Length; offset += RecordSize)
            {
                if (limit is { } l && labels.Count >= l) break;
                int label = bytes[offset];
                if (label > 9)
                    throw new InvalidDataException($"CIFAR-10 file '{path}': record {offset / RecordSize} has label {label}; expected 0..9.");
                labels.Add(label);
                for (int i = 1; i < RecordSize; i++)
                    features.Add(bytes[offset + i] / 255f);
            }
        }
        return new InMemoryDataset(features.ToArray(), labels.ToArray(), new ImageShape(3, 32, 32), 10, ClassNames);
    }
}
