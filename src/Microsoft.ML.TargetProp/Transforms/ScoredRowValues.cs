using System;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>The computed values (all output columns, concatenated) of the current row of a scored cursor or row.</summary>
internal interface IScoredRowValues
{
    /// <summary>The values of the current row, computed on first use.</summary>
    ReadOnlySpan<float> Current { get; }
}
