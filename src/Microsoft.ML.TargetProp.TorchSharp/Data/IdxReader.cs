using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace Microsoft.ML.TargetProp.TorchSharp.Data;

/// <summary>Reads IDX files (MNIST, Fashion-MNIST), gzip-compressed or raw; errors name the file and what was expected.</summary>
public static class IdxReader
{
    /// <summary>Magic number of an IDX image file (unsigned bytes, 3 dimensions).</summary>
    public const int ImagesMagic = 2051;

    /// <summary>Magic number of an IDX label file (unsigned bytes, 1 dimension).</summary>
    public const int LabelsMagic = 2049;

    /// <summary>Reads an image file: count, rows, columns and count·rows·columns bytes.</summary>
    public static (int Count, int Rows, int Columns, byte[] Pixels) ReadImages(string path)
    {
        var bytes = ReadAll(path);
        RequireHeader(path, bytes, 16, ImagesMagic);
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        int cols = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12));
        if (count < 0 || rows <= 0 || cols <= 0)
            throw new InvalidDataException($"IDX file '{path}' has an invalid header: {count} images of {rows}x{cols}.");
        long expected = 16 + (long)count * rows * cols;
        if (bytes.LongLength != expected)
            throw new InvalidDataException($"IDX file '{path}' should hold {expected} bytes ({count} images of {rows}x{cols}) but holds {bytes.LongLength}; it is truncated or corrupt.");
        return (count, rows, cols, bytes[16..]);
    }

    /// <summary>Reads a label file: one byte per example.</summary>
    public static byte[] ReadLabels(string path)
    {
        var bytes = ReadAll(path);
        RequireHeader(path, bytes, 8, LabelsMagic);
        int count = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
        if (count < 0 || bytes.LongLength != 8L + count)
            throw new InvalidDataException($"IDX file '{path}' should hold {8L + Math.Max(count, 0)} bytes ({count} labels) but holds {bytes.LongLength}; it is truncated or corrupt.");
        return bytes[8..];
    }

    private static void RequireHeader(string path, byte[] bytes, int headerSize, int magic)
    {
        if (bytes.Length >= 4 && BinaryPrimitives.ReadInt32BigEndian(bytes) is int actual && actual != magic)
            throw new InvalidDataException($"IDX file '{path}' has magic number {actual}; expected {magic} ({(magic == ImagesMagic ? "images" : "labels")}).");
        if (bytes.Length < headerSize)
            throw new InvalidDataException($"IDX file '{path}' is {bytes.Length} bytes long, shorter than its {headerSize}-byte header; it is truncated or not an IDX file.");
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[2];
        int read = file.Read(head);
        file.Position = 0;
        bool gzip = read == 2 && head[0] == 0x1F && head[1] == 0x8B;
        using var buffer = new MemoryStream();
        try
        {
            if (gzip)
            {
                using var unzip = new GZipStream(file, CompressionMode.Decompress);
                unzip.CopyTo(buffer);
            }
            else
            {
                file.CopyTo(buffer);
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"IDX file '{path}' is not a valid gzip stream: {e.Message}", e);
        }
        return buffer.ToArray();
    }
}
