using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>A cursor over the scored view: input columns come from the input cursor, Score and PredictedLabel from a <see cref="RowScorer"/>.</summary>
internal sealed class ScoringCursor : DataViewRowCursor
{
    private readonly ScoringColumns _columns;
    private readonly DataViewRowCursor _input;
    private readonly bool[] _active;
    private readonly Func<DataViewRowCursor?>? _lookahead;
    private RowScorer? _scorer;

    /// <summary>
    /// Creates the cursor; <paramref name="lookahead"/>, when given, opens an independent cursor over the same rows in the
    /// same order (only for unshuffled single cursors), so scores can be computed in blocks ahead of the current row.
    /// </summary>
    public ScoringCursor(ScoringColumns columns, DataViewRowCursor input, IEnumerable<DataViewSchema.Column> active, Func<DataViewRowCursor?>? lookahead = null)
    {
        _columns = columns;
        _input = input;
        _lookahead = lookahead;
        _active = new bool[columns.OutputSchema.Count];
        foreach (var c in active) _active[c.Index] = true;
    }

    public override DataViewSchema Schema => _columns.OutputSchema;

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active[column.Index])
            throw new System.InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was created.");
        return _columns.GetGetter<TValue>(_input, column, ref _scorer, _lookahead);
    }

    public override bool MoveNext() => _input.MoveNext();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _scorer?.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
    }
}
