using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>The lazily scored view <see cref="TargetPropTransformer.Transform"/> returns.</summary>
internal sealed class ScoredDataView : IDataView
{
    private readonly ScoringColumns _columns;
    private readonly IDataView _input;

    public ScoredDataView(ScoringColumns columns, IDataView input)
    {
        _columns = columns;
        _input = input;
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema => _columns.OutputSchema;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToArray();
        // Unshuffled cursors visit rows in a fixed order, so an independent cursor can read features ahead and the
        // network can score them in blocks.
        Func<DataViewRowCursor?>? lookahead = rand is null ? () => _input.GetRowCursor(new[] { _columns.Features }) : null;
        return new ScoringCursor(_columns, _input.GetRowCursor(_columns.InputColumnsFor(needed), rand), needed, lookahead);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var needed = columnsNeeded.ToArray();
        return _input.GetRowCursorSet(_columns.InputColumnsFor(needed), n, rand)
            .Select(c => (DataViewRowCursor)new ScoringCursor(_columns, c, needed)).ToArray();
    }
}
