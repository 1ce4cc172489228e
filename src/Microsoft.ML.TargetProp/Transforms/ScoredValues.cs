using System;
using System.Collections.Generic;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>The requested columns and their getters for a scored cursor or row backed by an input row.</summary>
internal sealed class ScoredValues : IDisposable
{
    private readonly ScoringColumns _columns;
    private readonly DataViewRow _input;
    private readonly bool[] _active;
    private readonly Func<DataViewRowCursor?>? _lookahead;
    private RowScorer? _scorer;

    /// <summary>
    /// Creates the accessor; <paramref name="lookahead"/>, when given, opens an independent cursor over the same rows in
    /// the same order (unshuffled single cursors only), so scores are computed in blocks ahead of the current row.
    /// </summary>
    public ScoredValues(ScoringColumns columns, DataViewRow input, IEnumerable<DataViewSchema.Column> active, Func<DataViewRowCursor?>? lookahead = null)
    {
        _columns = columns;
        _input = input;
        _lookahead = lookahead;
        _active = new bool[columns.OutputSchema.Count];
        foreach (var c in active) _active[c.Index] = true;
    }

    public DataViewSchema Schema => _columns.OutputSchema;

    public bool IsActive(DataViewSchema.Column column) => _active[column.Index];

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active[column.Index])
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor or row was created.");
        return _columns.GetGetter<TValue>(_input, column, ref _scorer, _lookahead);
    }

    public void Dispose() => _scorer?.Dispose();
}
