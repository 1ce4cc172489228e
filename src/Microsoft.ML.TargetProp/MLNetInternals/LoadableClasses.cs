using Microsoft.ML;
using Microsoft.ML.TargetProp.Transforms;

// Registers the transformer's loader with ML.NET's component catalog, so a plain mlContext.Model.Load of a zip that
// contains it works in a fresh process: the zip names this assembly and loader signature, ML.NET loads the assembly
// and finds this attribute.
[assembly: LoadableClass(typeof(TargetPropTransformer), null, typeof(SignatureLoadModel), "Target propagation classifier", TargetPropTransformer.LoaderSignature)]
[assembly: LoadableClass(typeof(AutoencoderTransformer), null, typeof(SignatureLoadModel), "Target propagation autoencoder", AutoencoderTransformer.LoaderSignature)]
