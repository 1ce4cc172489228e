using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>The lazily scored view <see cref="TargetPropTransformer.Transform"/> returns; each cursor reads its input cursor once, in scored blocks.</summary>
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
        return new BlockScoringCursor(_columns, _input.GetRowCursor(_columns.InputColumnsFor(needed), rand), needed);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var needed = columnsNeeded.ToArray();
        return _input.GetRowCursorSet(_columns.InputColumnsFor(needed), n, rand)
            .Select(c => (DataViewRowCursor)new BlockScoringCursor(_columns, c, needed)).ToArray();
    }
}
