using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.TargetProp.Onnx;

namespace Microsoft.ML.TargetProp.MLNetInternals;

/// <summary>
/// How our transformers take part in <c>mlContext.Model.ConvertToOnnx</c>. ML.NET's exporter walks back from the
/// pipeline's output view through <c>IDataTransform.Source</c> and stops at the first view that is not an
/// <c>ITransformCanSaveOnnx</c> (both internal to ML.NET), turning that view's columns into graph inputs. So the view a
/// transformer returns is wrapped in <see cref="View"/>, which is such a transform and writes its nodes through
/// <see cref="IOnnxGraph"/>.
/// </summary>
internal static class OnnxExport
{
    /// <summary>Wraps the scored view <paramref name="scored"/> of <paramref name="source"/>; <paramref name="write"/> adds the nodes.</summary>
    public static IDataView Exportable(IDataView scored, IDataView source, Action<IOnnxGraph> write) => new View(scored, source, write);

    private sealed class View : ITransformCanSaveOnnx
    {
        private readonly IDataView _scored;
        private readonly Action<IOnnxGraph> _write;

        public View(IDataView scored, IDataView source, Action<IOnnxGraph> write)
        {
            _scored = scored;
            Source = source;
            _write = write;
        }

        public IDataView Source { get; }

        public bool CanShuffle => _scored.CanShuffle;

        public DataViewSchema Schema => _scored.Schema;

        public long? GetRowCount() => _scored.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => _scored.GetRowCursor(columnsNeeded, rand);

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => _scored.GetRowCursorSet(columnsNeeded, n, rand);

        // Checks on columns belong in SaveAsOnnx: CanSaveOnnx runs while ML.NET walks the pipeline, before graph inputs exist.
        public bool CanSaveOnnx(OnnxContext ctx) => true;

        public void SaveAsOnnx(OnnxContext ctx) => _write(new Graph(ctx));

        public void Save(ModelSaveContext ctx) =>
            throw new NotSupportedException("A scored view is not saved on its own: save the fitted transformer (mlContext.Model.Save) instead.");
    }

    private sealed class Graph : IOnnxGraph
    {
        private readonly OnnxContext _ctx;

        public Graph(OnnxContext ctx) => _ctx = ctx;

        public bool HasColumn(string column) => _ctx.ContainsColumn(column);

        public string ColumnVariable(string column) => _ctx.GetVariableName(column);

        public string AddColumn(DataViewType type, string column) => _ctx.AddIntermediateVariable(type, column);

        public string Temporary(string hint) => _ctx.AddIntermediateVariable(null, "TargetProp" + hint, skip: true);

        public string Floats(string hint, IEnumerable<float> values, long[] dims) => _ctx.AddInitializer(values, dims, "TargetProp" + hint);

        public string Longs(string hint, IEnumerable<long> values, long[] dims) => _ctx.AddInitializer(values, dims, "TargetProp" + hint);

        public void Node(string op, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
        {
            var node = _ctx.CreateNode(op, inputs, outputs, _ctx.GetNodeName("TargetProp" + op), "");
            foreach (var (name, value) in attributes)
            {
                switch (value)
                {
                    case long l: node.AddAttribute(name, l); break;
                    case long[] ls: node.AddAttribute(name, ls); break;
                    case float f: node.AddAttribute(name, (double)f); break;
                    case Type t: node.AddAttribute(name, t); break;
                    case string text: node.AddAttribute(name, text); break;
                    default: throw new ArgumentException($"Unsupported ONNX attribute value {value?.GetType().Name} for {op}.{name}.");
                }
            }
        }

        public void RequireOpset(int opset, string what) => _ctx.CheckOpSetVersion(opset, what);
    }
}
