using System;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>The columns a <see cref="TargetPropTransformer"/> adds: Score (class probabilities with slot names) and PredictedLabel (a key).</summary>
internal sealed class ClassifierColumns : ScoringColumns
{
    private readonly TargetPropTransformer _transformer;

    public ClassifierColumns(TargetPropTransformer transformer, DataViewSchema inputSchema)
        : base(inputSchema, transformer.FeatureColumnName, transformer.Model.InputShape, builder => AddOutputs(builder, transformer, inputSchema))
    {
        _transformer = transformer;
    }

    private static void AddOutputs(DataViewSchema.Builder builder, TargetPropTransformer transformer, DataViewSchema inputSchema)
    {
        int classes = transformer.Model.Classes;
        uint setId = MLNetInternals.ScoreAnnotations.NextSetId(inputSchema);
        var score = new DataViewSchema.Annotations.Builder();
        MLNetInternals.ScoreAnnotations.AddSetId(score, setId);
        if (transformer.LabelValues is { } values)
        {
            var names = values.Names.Select(n => n.AsMemory()).ToArray();
            score.Add(AnnotationUtils.Kinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, classes),
                (ref VBuffer<ReadOnlyMemory<char>> dst) => dst = new VBuffer<ReadOnlyMemory<char>>(names.Length, (ReadOnlyMemory<char>[])names.Clone()));
            values.AddValues(score, AnnotationUtils.Kinds.TrainingLabelValues);
        }
        AddKind(score, AnnotationUtils.Const.ScoreValueKind.Score);
        builder.AddColumn(transformer.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, classes), score.ToAnnotations());
        var predicted = new DataViewSchema.Annotations.Builder();
        MLNetInternals.ScoreAnnotations.AddSetId(predicted, setId);
        transformer.LabelValues?.AddKeyValues(predicted);
        AddKind(predicted, AnnotationUtils.Const.ScoreValueKind.PredictedLabel);
        builder.AddColumn(transformer.PredictedLabelColumnName, new KeyDataViewType(typeof(uint), classes), predicted.ToAnnotations());
    }

    private static void AddKind(DataViewSchema.Annotations.Builder builder, string valueKind)
    {
        builder.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance,
            (ref ReadOnlyMemory<char> dst) => dst = AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification.AsMemory());
        builder.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> dst) => dst = valueKind.AsMemory());
    }

    public override int ValuesPerRow => _transformer.Model.Classes;

    public override void Compute(ReadOnlySpan<float> input, Span<float> values) => _transformer.Network.Predict(input, values);

    public override void ComputeBatch(float[] inputs, int count, float[] values) => _transformer.Network.PredictBatch(inputs, count, values);

    protected override Delegate CreateGetter(IScoredRowValues values, int output) => output == 0
        ? VectorGetter(values, 0, ValuesPerRow)
        : ArgMaxKeyGetter(values, 0, ValuesPerRow);
}
