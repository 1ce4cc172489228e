using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>
/// The output schema of a <see cref="TargetPropTransformer"/> over one input schema: every input column, then Score
/// and PredictedLabel. Checks the feature column and builds the getters of one row.
/// </summary>
internal sealed class ScoringColumns
{
    public ScoringColumns(TargetPropTransformer transformer, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Transformer = transformer;
        InputSchema = inputSchema;
        int size = transformer.Network.InputSize;
        var column = inputSchema.GetColumnOrNull(transformer.FeatureColumnName)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{transformer.FeatureColumnName}' not found; the model expects a Vector<Single, {size}> column of that name.");
        if (column.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || vector.Size != size)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Feature column '{column.Name}' has type {column.Type}; the model expects Vector<Single, {size}> ({transformer.Model.InputShape}).");
        Features = column;

        int classes = transformer.Model.Classes;
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        var score = new DataViewSchema.Annotations.Builder();
        if (transformer.LabelValues is { } values)
        {
            var names = values.Names.Select(n => n.AsMemory()).ToArray();
            score.Add(AnnotationUtils.Kinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, classes),
                (ref VBuffer<ReadOnlyMemory<char>> dst) => dst = new VBuffer<ReadOnlyMemory<char>>(names.Length, (ReadOnlyMemory<char>[])names.Clone()));
        }
        AddKind(score, AnnotationUtils.Const.ScoreValueKind.Score);
        builder.AddColumn(transformer.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, classes), score.ToAnnotations());
        var predicted = new DataViewSchema.Annotations.Builder();
        transformer.LabelValues?.AddKeyValues(predicted);
        AddKind(predicted, AnnotationUtils.Const.ScoreValueKind.PredictedLabel);
        builder.AddColumn(transformer.PredictedLabelColumnName, new KeyDataViewType(typeof(uint), classes), predicted.ToAnnotations());
        OutputSchema = builder.ToSchema();
        ScoreIndex = inputSchema.Count;
        PredictedLabelIndex = inputSchema.Count + 1;
    }

    private static void AddKind(DataViewSchema.Annotations.Builder builder, string valueKind)
    {
        builder.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> dst) => dst = AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification.AsMemory());
        builder.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> dst) => dst = valueKind.AsMemory());
    }

    public TargetPropTransformer Transformer { get; }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public DataViewSchema.Column Features { get; }

    public int ScoreIndex { get; }

    public int PredictedLabelIndex { get; }

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

    /// <summary>Getter of column <paramref name="column"/> for a row of the output schema backed by <paramref name="input"/>.</summary>
    public ValueGetter<T> GetGetter<T>(DataViewRow input, DataViewSchema.Column column, ref RowScorer? scorer, Func<DataViewRowCursor?>? lookahead = null)
    {
        if (!IsOutput(column))
            return input.GetGetter<T>(InputSchema[column.Index]);
        scorer ??= new RowScorer(Transformer.Network, input, input.GetGetter<VBuffer<float>>(Features), Features.Name, lookahead?.Invoke(), Features);
        var s = scorer;
        Delegate getter = column.Index == ScoreIndex ? s.ScoreGetter : s.PredictedLabelGetter;
        return getter as ValueGetter<T>
            ?? throw new InvalidOperationException($"Column '{column.Name}' is of type {column.Type}; it cannot be read as {typeof(T)}.");
    }
}
