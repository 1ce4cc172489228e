using System;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.MLNetInternals;

/// <summary>The output <see cref="SchemaShape"/> of a multiclass trainer (SchemaShape.Column's constructor is internal to ML.NET).</summary>
internal static class SchemaShapes
{
    /// <summary>Checks the label and feature columns of <paramref name="input"/> and adds Score and PredictedLabel.</summary>
    public static SchemaShape MulticlassOutput(SchemaShape input, string labelColumn, string featureColumn, string scoreColumn, string predictedLabelColumn)
    {
        if (!input.TryFindColumn(featureColumn, out var features))
            throw new ArgumentOutOfRangeException(nameof(input), $"Feature column '{featureColumn}' not found; expected a known-size Vector<Single> column.");
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(input), $"Feature column '{featureColumn}' must be a known-size Vector<Single>; it is {features.GetTypeString()}.");
        if (!input.TryFindColumn(labelColumn, out var label))
            throw new ArgumentOutOfRangeException(nameof(input), $"Label column '{labelColumn}' not found.");
        if (!label.IsKey)
            throw new ArgumentOutOfRangeException(nameof(input), $"Label column '{labelColumn}' must be a key; it is {label.GetTypeString()}. Convert it with mlContext.Transforms.Conversion.MapValueToKey(\"{labelColumn}\").");
        bool hasNames = label.Annotations.TryFindColumn(AnnotationUtils.Kinds.KeyValues, out _);
        var text = TextDataViewType.Instance;
        var kinds = new[]
        {
            ScoreAnnotations.SetIdShape,
            new SchemaShape.Column(AnnotationUtils.Kinds.ScoreColumnKind, SchemaShape.Column.VectorKind.Scalar, text, false),
            new SchemaShape.Column(AnnotationUtils.Kinds.ScoreValueKind, SchemaShape.Column.VectorKind.Scalar, text, false),
        };
        var keyValues = hasNames ? label.Annotations.First(a => a.Name == AnnotationUtils.Kinds.KeyValues) : default;
        var scoreAnnotations = hasNames
            ? kinds.Append(new SchemaShape.Column(AnnotationUtils.Kinds.SlotNames, SchemaShape.Column.VectorKind.Vector, text, false))
                .Append(new SchemaShape.Column(AnnotationUtils.Kinds.TrainingLabelValues, SchemaShape.Column.VectorKind.Vector,
                    Transforms.LabelKeyValues.KeepsType(keyValues.ItemType) ? keyValues.ItemType : text, false))
            : kinds;
        var labelAnnotations = hasNames
            ? kinds.Append(Transforms.LabelKeyValues.KeepsType(keyValues.ItemType)
                ? keyValues
                : new SchemaShape.Column(AnnotationUtils.Kinds.KeyValues, SchemaShape.Column.VectorKind.Vector, text, false))
            : kinds;
        var columns = input.ToDictionary(c => c.Name);
        columns[scoreColumn] = new SchemaShape.Column(scoreColumn, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false, new SchemaShape(scoreAnnotations));
        columns[predictedLabelColumn] = new SchemaShape.Column(predictedLabelColumn, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true, new SchemaShape(labelAnnotations));
        return new SchemaShape(columns.Values);
    }

    /// <summary>Checks the input column of an autoencoder featurizer and adds its code (and reconstruction) vector columns.</summary>
    public static SchemaShape AutoencoderOutput(SchemaShape input, string inputColumn, string outputColumn, string? reconstructionColumn)
    {
        if (!input.TryFindColumn(inputColumn, out var features))
            throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{inputColumn}' not found; expected a known-size Vector<Single> column.");
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(input), $"Input column '{inputColumn}' must be a known-size Vector<Single>; it is {features.GetTypeString()}.");
        var columns = input.ToDictionary(c => c.Name);
        columns[outputColumn] = new SchemaShape.Column(outputColumn, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        if (reconstructionColumn is not null)
            columns[reconstructionColumn] = new SchemaShape.Column(reconstructionColumn, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }
}
