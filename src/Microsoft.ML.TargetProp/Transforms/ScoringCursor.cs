using System;
using System.Collections.Generic;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>A cursor over the scored view: input columns come from the input cursor, Score and PredictedLabel from a <see cref="RowScorer"/>.</summary>
internal sealed class ScoringCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor _input;
    private readonly ScoredValues _values;

    /// <summary>Creates the cursor; see <see cref="ScoredValues"/> for <paramref name="lookahead"/>.</summary>
    public ScoringCursor(ScoringColumns columns, DataViewRowCursor input, IEnumerable<DataViewSchema.Column> active, Func<DataViewRowCursor?>? lookahead = null)
    {
        _input = input;
        _values = new ScoredValues(columns, input, active, lookahead);
    }

    public override DataViewSchema Schema => _values.Schema;

    public override long Position => _input.Position;

    public override long Batch => _input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _values.IsActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => _values.GetGetter<TValue>(column);

    public override bool MoveNext() => _input.MoveNext();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _values.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
    }
}
