using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>The row-to-row mapper behind PredictionEngine: scores one input row at a time.</summary>
internal sealed class ScoringRowMapper : IRowToRowMapper
{
    private readonly ScoringColumns _columns;

    public ScoringRowMapper(ScoringColumns columns) => _columns = columns;

    public DataViewSchema InputSchema => _columns.InputSchema;

    public DataViewSchema OutputSchema => _columns.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        _columns.InputColumnsFor(dependingColumns).ToArray();

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ScoredRow(_columns, input, activeColumns);
    }

    private sealed class ScoredRow : DataViewRow
    {
        private readonly ScoringColumns _columns;
        private readonly DataViewRow _input;
        private readonly bool[] _active;
        private RowScorer? _scorer;

        public ScoredRow(ScoringColumns columns, DataViewRow input, IEnumerable<DataViewSchema.Column> active)
        {
            _columns = columns;
            _input = input;
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
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the row was created.");
            return _columns.GetGetter<TValue>(_input, column, ref _scorer);
        }
    }
}
