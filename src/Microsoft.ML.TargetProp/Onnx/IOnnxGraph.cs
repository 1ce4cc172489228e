using System.Collections.Generic;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Onnx;

/// <summary>
/// The part of an ONNX graph under construction that our writers use: look up a column's variable, declare output
/// columns, add constant tensors and standard-domain nodes. Implemented over ML.NET's internal OnnxContext in
/// MLNetInternals/, so nothing else touches ML.NET internals.
/// </summary>
internal interface IOnnxGraph
{
    /// <summary>True when the graph holds a variable for data column <paramref name="column"/>.</summary>
    bool HasColumn(string column);

    /// <summary>The variable holding data column <paramref name="column"/>.</summary>
    string ColumnVariable(string column);

    /// <summary>Declares the variable of the new data column <paramref name="column"/> of <paramref name="type"/>.</summary>
    string AddColumn(DataViewType type, string column);

    /// <summary>A fresh intermediate variable (its shape is left to the runtime).</summary>
    string Temporary(string hint);

    /// <summary>A float tensor constant.</summary>
    string Floats(string hint, IEnumerable<float> values, long[] dims);

    /// <summary>An int64 tensor constant.</summary>
    string Longs(string hint, IEnumerable<long> values, long[] dims);

    /// <summary>Adds a node of the standard ONNX domain; <paramref name="attributes"/> values are long, long[], float, string or a <see cref="System.Type"/> (Cast's "to").</summary>
    void Node(string op, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes);

    /// <summary>Throws when the target opset is older than <paramref name="opset"/> (naming <paramref name="what"/>).</summary>
    void RequireOpset(int opset, string what);
}
