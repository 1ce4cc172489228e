using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.TorchSharp.Trainers;

/// <summary>
/// Turns an exception thrown while reading rows (an image that LoadImages cannot decode, a broken custom transform) into
/// an <see cref="InvalidOperationException"/> naming the row, the column and the row's text columns (such as
/// ImagePath: ML.NET's own message does not name the file), with ML.NET's messages included and its exception kept as
/// the inner one. ML.NET reads ahead on several threads, so a failure surfaces at a later row's MoveNext; the failing
/// row is found again by re-reading serially from shortly before it.
/// </summary>
internal static class RowReadFailure
{
    private const long LookBehind = 4096;
    private const int MaxTextColumns = 3;
    private const int MaxTextLength = 260;

    /// <summary>True for exceptions that mean the data could not be read (cancellation and out-of-memory pass through).</summary>
    public static bool IsDataFailure(Exception e) => e is not (OperationCanceledException or OutOfMemoryException);

    /// <summary>The error for <paramref name="error"/>, thrown while the cursor over <paramref name="columns"/> was at <paramref name="position"/>.</summary>
    public static InvalidOperationException Describe(IDataView data, DataViewSchema.Column[] columns, string what, long position, Exception error)
    {
        (long Row, string? Column, string Context, Exception Error)? found;
        try
        {
            found = Locate(data, columns, Math.Max(0, position - LookBehind));
        }
        catch (Exception e) when (IsDataFailure(e))
        {
            found = null;   // the serial re-read failed differently; report what we have
        }
        if (found is { } f)
        {
            string column = f.Column is null ? $"columns {string.Join(", ", columns.Select(c => $"'{c.Name}'"))}" : $"column '{f.Column}'";
            return new InvalidOperationException($"Row {f.Row} of the {what}{f.Context}: reading {column} failed: {Messages(f.Error)}", f.Error);
        }
        return new InvalidOperationException(
            $"Row {Math.Max(0, position)} of the {what} (or a row ML.NET read ahead of it): reading columns {string.Join(", ", columns.Select(c => $"'{c.Name}'"))} failed: {Messages(error)}", error);
    }

    /// <summary>Re-reads <paramref name="data"/> on one cursor, calling the getters from row <paramref name="from"/> on, until one throws.</summary>
    private static (long Row, string? Column, string Context, Exception Error)? Locate(IDataView data, DataViewSchema.Column[] columns, long from)
    {
        var texts = data.Schema.Where(c => !c.IsHidden && c.Type is TextDataViewType).Take(MaxTextColumns).ToArray();
        var cursors = data.GetRowCursorSet(columns.Concat(texts).DistinctBy(c => c.Index), 1);
        if (cursors.Length != 1)
        {
            foreach (var c in cursors) c.Dispose();
            return null;
        }
        using var cursor = cursors[0];
        var readers = columns.Select(c => (c.Name, Read: Reader(cursor, c))).ToArray();
        var textGetters = texts.Select(c => (c.Name, Get: cursor.GetGetter<ReadOnlyMemory<char>>(c))).ToArray();
        while (true)
        {
            try
            {
                if (!cursor.MoveNext()) return null;
            }
            catch (Exception e) when (IsDataFailure(e))
            {
                return (cursor.Position + 1, null, "", e);
            }
            if (cursor.Position < from) continue;
            foreach (var (name, read) in readers)
            {
                try
                {
                    read();
                }
                catch (Exception e) when (IsDataFailure(e))
                {
                    return (cursor.Position, name, Context(textGetters), e);
                }
            }
        }
    }

    private static Action Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is KeyDataViewType)
        {
            var key = DataViewReader.KeyGetter(cursor, column);
            uint value = 0;
            return () => key(ref value);
        }
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> buffer = default;
        return () => getter(ref buffer);
    }

    /// <summary>" (ImagePath = '…')": the row's text columns, which usually say where the row came from.</summary>
    private static string Context(IEnumerable<(string Name, ValueGetter<ReadOnlyMemory<char>> Get)> getters)
    {
        var parts = new List<string>();
        foreach (var (name, get) in getters)
        {
            try
            {
                ReadOnlyMemory<char> value = default;
                get(ref value);
                string text = value.Length > MaxTextLength ? value[..MaxTextLength] + "…" : value.ToString();
                parts.Add($"{name} = '{text}'");
            }
            catch (Exception e) when (IsDataFailure(e))
            {
                // a text column that cannot be read adds nothing
            }
        }
        return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
    }

    /// <summary>The messages of <paramref name="e"/> and its inner exceptions, outermost first.</summary>
    private static string Messages(Exception e)
    {
        var messages = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (!messages.Contains(x.Message)) messages.Add(x.Message);
        return string.Join(" → ", messages);
    }
}
