using System;
using Microsoft.ML.Data;

namespace Microsoft.ML.TargetProp.Transforms;

/// <summary>The columns an <see cref="AutoencoderTransformer"/> adds: the code h_c, and optionally the reconstruction x̂ (shaped like the input).</summary>
internal sealed class AutoencoderColumns : ScoringColumns
{
    private readonly AutoencoderTransformer _transformer;
    private readonly int _codeSize;
    private readonly bool _reconstruct;

    public AutoencoderColumns(AutoencoderTransformer transformer, DataViewSchema inputSchema)
        : base(inputSchema, transformer.InputColumnName, transformer.Model.InputShape, builder => AddOutputs(builder, transformer))
    {
        _transformer = transformer;
        _codeSize = transformer.Model.CodeSize;
        _reconstruct = transformer.ReconstructionColumnName is not null;
    }

    private static void AddOutputs(DataViewSchema.Builder builder, AutoencoderTransformer transformer)
    {
        builder.AddColumn(transformer.OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, transformer.Model.CodeSize));
        if (transformer.ReconstructionColumnName is { } name)
        {
            var shape = transformer.Model.InputShape;
            builder.AddColumn(name, new VectorDataViewType(NumberDataViewType.Single, shape.Channels, shape.Height, shape.Width));
        }
    }

    public override int ValuesPerRow => _codeSize + (_reconstruct ? InputSize : 0);

    public override void Compute(ReadOnlySpan<float> input, Span<float> values)
    {
        var network = _transformer.Network;
        int code = _transformer.Model.CodeLayer;
        if (_reconstruct) network.Activations(input, network.LayerCount - 1, values[_codeSize..], code, values[.._codeSize]);
        else network.Activations(input, code, values[.._codeSize]);
    }

    public override void ComputeBatch(float[] inputs, int count, float[] values)
    {
        var network = _transformer.Network;
        int code = _transformer.Model.CodeLayer;
        if (!_reconstruct)
        {
            network.ActivationsBatch(inputs, count, code, values);
            return;
        }
        // One pass yields both parts; rows of the block are then laid out as [code | reconstruction].
        var codes = new float[count * _codeSize];
        var reconstructions = new float[count * InputSize];
        network.ActivationsBatch(inputs, count, network.LayerCount - 1, reconstructions, code, codes);
        for (int r = 0; r < count; r++)
        {
            codes.AsSpan(r * _codeSize, _codeSize).CopyTo(values.AsSpan(r * ValuesPerRow));
            reconstructions.AsSpan(r * InputSize, InputSize).CopyTo(values.AsSpan(r * ValuesPerRow + _codeSize));
        }
    }

    protected override Delegate CreateGetter(IScoredRowValues values, int output) => output == 0
        ? VectorGetter(values, 0, _codeSize)
        : VectorGetter(values, _codeSize, InputSize);
}
