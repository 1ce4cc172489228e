using System;
using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Onnx;

/// <summary>A data view with a schema and no rows: what ConvertToOnnx needs to know a pipeline's input columns.</summary>
internal sealed class SchemaOnlyDataView : IDataView
{
    public SchemaOnlyDataView(DataViewSchema schema) => Schema = schema;

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => 0;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => new Cursor(Schema);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => new DataViewRowCursor[] { new Cursor(Schema) };

    private sealed class Cursor : DataViewRowCursor
    {
        public Cursor(DataViewSchema schema) => Schema = schema;

        public override DataViewSchema Schema { get; }

        public override long Position => -1;

        public override long Batch => 0;

        public override bool MoveNext() => false;

        public override bool IsColumnActive(DataViewSchema.Column column) => false;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            throw new InvalidOperationException("The view has no rows.");

        public override ValueGetter<DataViewRowId> GetIdGetter() => throw new InvalidOperationException("The view has no rows.");
    }
}
