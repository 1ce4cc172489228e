using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.MLNetInternals;

/// <summary>
/// The ScoreColumnSetId annotation ML.NET's scorers put on every column they add: one more than the largest set id in
/// the input schema, so evaluators and the score command find the newest set of score columns
/// (ML.NET's <c>ScorerBindingsBase</c>). Its type and <c>GetMaxAnnotationKind</c> are internal to ML.NET.
/// </summary>
internal static class ScoreAnnotations
{
    /// <summary>The set id the columns added to <paramref name="input"/> get.</summary>
    public static uint NextSetId(DataViewSchema input) => checked(input.GetMaxAnnotationKind(out _, AnnotationUtils.Kinds.ScoreColumnSetId) + 1);

    /// <summary>Adds ScoreColumnSetId = <paramref name="setId"/> to <paramref name="builder"/>.</summary>
    public static void AddSetId(DataViewSchema.Annotations.Builder builder, uint setId) =>
        builder.Add(AnnotationUtils.Kinds.ScoreColumnSetId, AnnotationUtils.ScoreColumnSetIdType, (ref uint dst) => dst = setId);

    /// <summary>The SchemaShape of the ScoreColumnSetId annotation a trainer promises.</summary>
    public static SchemaShape.Column SetIdShape => new(AnnotationUtils.Kinds.ScoreColumnSetId, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true);
}
