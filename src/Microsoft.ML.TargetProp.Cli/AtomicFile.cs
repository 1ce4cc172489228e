using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// Writes files atomically: the content goes to a uniquely named temporary file in the target's folder (process id and
/// a GUID, so concurrent writers such as sweep shards never share one), is flushed to disk and then renamed over the
/// target. Readers see the old file or the new one, never a partial one; on failure the temporary file is deleted.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> from a stream that <paramref name="write"/> fills.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteWithTempPath(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
        });
    }

    /// <summary>Writes <paramref name="contents"/> as UTF-8 (no byte order mark) to <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string contents) =>
        Write(path, stream =>
        {
            var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(contents);
            stream.Write(bytes);
        });

    /// <summary>
    /// Writes <paramref name="path"/> through an API that takes a file name: <paramref name="write"/> receives the
    /// temporary path (in the same folder, ending with the target's extension) and must create that file.
    /// </summary>
    public static void WriteWithTempPath(string path, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        string temp = TempPath(full);
        bool moved = false;
        try
        {
            write(temp);
            if (!File.Exists(temp)) throw new IOException($"Writing '{full}' produced no file.");
            using (var flush = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                flush.Flush(flushToDisk: true);
            File.Move(temp, full, overwrite: true);
            moved = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !e.Message.Contains(full, StringComparison.Ordinal))
        {
            throw new IOException($"Could not write '{full}': {e.Message}", e);
        }
        finally
        {
            if (!moved) TryDelete(temp);
        }
    }

    /// <summary>
    /// The temporary name used for <paramref name="fullPath"/>: hidden (leading dot, so globs such as
    /// <c>results-shard-*.csv</c> never match it), unique per process and call, and keeping the target's extension.
    /// </summary>
    internal static string TempPath(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, string.Create(CultureInfo.InvariantCulture,
            $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp{Path.GetExtension(fullPath)}"));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original error matters more than a leftover temporary file.
        }
    }
}
