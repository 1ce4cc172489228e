using System;
using System.Collections.Generic;
using System.IO;

namespace Microsoft.ML.TargetProp.Cli;

/// <summary>
/// Reads the data rows of the CSV files tpnet writes (a header line, then comma-separated values without quoting).
/// A truncated or garbled row — what a process killed while appending or a hand edit leaves — is skipped with a
/// one-line warning naming the file and line, so the run it recorded is simply redone.
/// </summary>
internal static class CsvRows
{
    private static readonly HashSet<string> Warned = new(StringComparer.Ordinal);

    /// <summary>
    /// Parses every data row of <paramref name="path"/> (none when the file does not exist) with <paramref name="parse"/>;
    /// rows with fewer than <paramref name="minimumFields"/> fields, or that <paramref name="parse"/> rejects with a
    /// <see cref="FormatException"/>, <see cref="OverflowException"/> or <see cref="IndexOutOfRangeException"/>, are skipped with a warning.
    /// </summary>
    public static List<T> Read<T>(string path, int minimumFields, Func<string[], T> parse)
    {
        var rows = new List<T>();
        if (!File.Exists(path)) return rows;
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (number == 1 || line.Length == 0) continue;
            var fields = line.Split(',');
            try
            {
                if (fields.Length < minimumFields)
                    throw new FormatException($"{fields.Length} fields, expected {minimumFields}");
                rows.Add(parse(fields));
            }
            catch (Exception e) when (e is FormatException or OverflowException or IndexOutOfRangeException)
            {
                if (Warned.Add($"{Path.GetFullPath(path)}:{number}"))   // once per line, however often the file is read
                    Warnings.Write($"'{path}' line {number} is truncated or garbled ({e.Message}); the row is ignored.");
            }
        }
        return rows;
    }

    /// <summary>
    /// Appends <paramref name="row"/> to <paramref name="path"/> (with <paramref name="header"/> first when the file is new)
    /// by rewriting the file atomically; a last line without a line end (a truncated row) is ended first, so the new
    /// row never merges into it, and an older header that lacks trailing columns of <paramref name="header"/> is replaced.
    /// </summary>
    public static void Append(string path, string header, string row)
    {
        string existing = File.Exists(path) ? File.ReadAllText(path) : "";
        if (existing.Length == 0) existing = header + "\n";
        else if (!existing.EndsWith('\n')) existing += "\n";
        int firstLineEnd = existing.IndexOf('\n', StringComparison.Ordinal);
        string firstLine = existing[..firstLineEnd];
        if (firstLine != header && header.StartsWith(firstLine + ",", StringComparison.Ordinal))
            existing = header + existing[firstLineEnd..];
        AtomicFile.WriteAllText(path, existing + row + "\n");
    }
}
