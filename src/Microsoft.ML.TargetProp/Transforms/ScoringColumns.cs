using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.Model;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>
/// The output schema of one of our transformers over one input schema: every input column, then the columns the
/// transformer computes from a float-vector feature column. Checks the feature column, computes the values of a row
/// (or a block of rows) and builds the getters of one row.
/// </summary>
internal abstract class ScoringColumns
{
    protected ScoringColumns(DataViewSchema inputSchema, string featureColumnName, ImageShape inputShape, Action<DataViewSchema.Builder> addOutputs)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        InputSchema = inputSchema;
        int size = inputShape.Size;
        var column = inputSchema.GetColumnOrNull(featureColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{featureColumnName}' not found; the model expects a Vector<Single, {size}> column of that name.");
        if (column.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || vector.Size != size)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{column.Name}' has type {column.Type}; the model expects Vector<Single, {size}> ({inputShape}).");
        Features = column;
        InputSize = size;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        addOutputs(builder);
        OutputSchema = builder.ToSchema();
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public DataViewSchema.Column Features { get; }

    /// <summary>Values in the feature vector.</summary>
    public int InputSize { get; }

    /// <summary>Values computed per row (all output columns, concatenated).</summary>
    public abstract int ValuesPerRow { get; }

    /// <summary>Computes the <see cref="ValuesPerRow"/> values of one example.</summary>
    public abstract void Compute(ReadOnlySpan<float> input, Span<float> values);

    /// <summary>Computes the values of <paramref name="count"/> examples, row after row.</summary>
    public abstract void ComputeBatch(float[] inputs, int count, float[] values);

    /// <summary>The getter of output column <paramref name="output"/> (0 = the first computed column) reading the current row's <paramref name="values"/>.</summary>
    protected abstract Delegate CreateGetter(IScoredRowValues values, int output);

    /// <summary>The getter of the computed column <paramref name="column"/> reading <paramref name="values"/>.</summary>
    public ValueGetter<T> CreateOutputGetter<T>(IScoredRowValues values, DataViewSchema.Column column) =>
        CreateGetter(values, column.Index - InputSchema.Count) as ValueGetter<T>
            ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}; it cannot be read as {typeof(T)}.");

    /// <summary>Throws naming the row and the feature column when <paramref name="features"/> does not hold <see cref="InputSize"/> values.</summary>
    public void CheckFeatures(in VBuffer<float> features, long position)
    {
        if (features.Length != InputSize)
            throw new InvalidOperationException($"Row {position}: feature column '{Features.Name}' holds {features.Length} values; the model expects {InputSize}.");
    }

    /// <summary>A getter of the values [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of the current row as a vector.</summary>
    protected static ValueGetter<VBuffer<float>> VectorGetter(IScoredRowValues values, int offset, int length) => (ref VBuffer<float> dst) =>
    {
        var current = values.Current.Slice(offset, length);
        var editor = VBufferEditor.Create(ref dst, length);
        current.CopyTo(editor.Values);
        dst = editor.Commit();
    };

    /// <summary>
    /// A getter of the 1-based key of the largest of the values [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>),
    /// or the missing key 0 when a value is NaN (as ML.NET's multiclass scorer: Evaluate then skips the row).
    /// </summary>
    protected static ValueGetter<uint> ArgMaxKeyGetter(IScoredRowValues values, int offset, int length) => (ref uint dst) =>
    {
        var current = values.Current.Slice(offset, length);
        int best = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(current);   // the first NaN's index when there is one
        dst = best < 0 || float.IsNaN(current[best]) ? 0u : (uint)best + 1;
    };

    /// <summary>True when <paramref name="column"/> (of the output schema) is one this transformer computes.</summary>
    public bool IsOutput(DataViewSchema.Column column) => column.Index >= InputSchema.Count;

    /// <summary>The input columns needed to produce <paramref name="outputColumns"/>.</summary>
    public IEnumerable<DataViewSchema.Column> InputColumnsFor(IEnumerable<DataViewSchema.Column> outputColumns)
    {
        var needed = new HashSet<int>();
        foreach (var c in outputColumns)
        {
            if (IsOutput(c)) needed.Add(Features.Index);
            else needed.Add(c.Index);
        }
        return needed.Select(i => InputSchema[i]);
    }

    /// <summary>Getter of column <paramref name="column"/> for a single row of the output schema backed by <paramref name="input"/>.</summary>
    public ValueGetter<T> GetGetter<T>(DataViewRow input, DataViewSchema.Column column, ref RowScorer? scorer)
    {
        if (!IsOutput(column))
            return input.GetGetter<T>(InputSchema[column.Index]);
        scorer ??= new RowScorer(this, input);
        return CreateOutputGetter<T>(scorer, column);
    }
}
