#!/usr/bin/env bash
# Packs Microsoft.ML.TargetProp and Microsoft.ML.TargetProp.TorchSharp into a local folder feed, then, outside this
# repository (so none of its build files apply), creates apps the way a new user would (`dotnet new console`, then
# `dotnet add package`, with no version for Microsoft.ML, ImageAnalytics and OnnxConverter: what nuget.org's newest
# gives, ML.NET 6.0 today):
#   - a training app: the README's image pipeline (ImageFolder → MapValueToKey → LoadImages → ResizeImages →
#     ConvertToGrayscale → ExtractPixels → SDTP → MapKeyToValue) on MNIST digits written as PNGs, with the autoencoder
#     featurizer riding along; trains, evaluates, saves model.zip, exports the part after the image transforms to ONNX
#     (OnnxPipeline.AfterImageTransforms) and scores that with ONNX Runtime fed only "Features" (the README's snippet);
#   - a scoring app that references only Microsoft.ML.TargetProp (+ ImageAnalytics) and scores the zip from image paths;
#   - a training app without libtorch, run with a fake system libtorch on the loader path (as Debian's libtorch1.13
#     puts one there): it must get our clear error, not TorchSharp's trace;
# and checks that all predictions agree and that the scoring app carries no TorchSharp/libtorch.
# Usage: build/package-test.sh [WORK_DIR] [ML_NET_VERSION]. ML_NET_VERSION empty or "latest": `dotnet add package`
# without a version; else that version (5.0.1 also pins OnnxConverter 0.23.1). Prints "package test: OK" on success.
# Run by PackageTests in the test suite; the test packages it puts in the NuGet cache are removed at exit.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mlnet=${2:-latest}
mkdir -p "$work"
libtorch_version=$(grep -oP 'Include="libtorch-cpu-linux-x64" Version="\K[^"]+' "$repo/Directory.Packages.props")
version="0.1.0-pkgtest.$(date +%s%N)"   # unique: the NuGet cache never serves a stale build
cache=${NUGET_PACKAGES:-$HOME/.nuget/packages}
cleanup() { rm -rf "$cache/microsoft.ml.targetprop/$version" "$cache/microsoft.ml.targetprop.torchsharp/$version"; }
trap cleanup EXIT
feed="$work/feed"
echo "packing $version into $feed"
dotnet pack "$repo/src/Microsoft.ML.TargetProp" -c Release -o "$feed" -p:Version="$version" --nologo -v q
dotnet pack "$repo/src/Microsoft.ML.TargetProp.TorchSharp" -c Release -o "$feed" -p:Version="$version" --nologo -v q
for p in Microsoft.ML.TargetProp Microsoft.ML.TargetProp.TorchSharp; do
  if unzip -l "$feed/$p.$version.nupkg" | grep -qiE "publicized|Microsoft\.ML\.(Core|Data)\.dll"; then
    echo "package $p contains ML.NET's (publicized) assemblies" >&2; exit 1
  fi
done
unzip -l "$feed/Microsoft.ML.TargetProp.TorchSharp.$version.nupkg" | grep -q "buildTransitive/Microsoft.ML.TargetProp.TorchSharp.targets"
unzip -p "$feed/Microsoft.ML.TargetProp.$version.nupkg" Microsoft.ML.TargetProp.nuspec | grep -q 'id="Microsoft.ML" version="\[5.0.1, 6.0.999\]"' \
  || { echo "the scoring package does not declare Microsoft.ML [5.0.1, 6.0.999]:" >&2; unzip -p "$feed/Microsoft.ML.TargetProp.$version.nupkg" Microsoft.ML.TargetProp.nuspec >&2; exit 1; }

cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="targetprop-local" value="$feed" />
  </packageSources>
</configuration>
XML
# Keep the repository's Directory.Build.* files away from the throwaway apps.
echo "<Project />" > "$work/Directory.Build.props"
echo "<Project />" > "$work/Directory.Build.targets"
echo "<Project />" > "$work/Directory.Packages.props"

# A new console app and its packages, as a user types them. $1: folder; the rest: package names (ours get $version,
# libtorch its version, ML.NET's none unless a version was asked for).
new_app() {
  local dir=$1; shift
  dotnet new console -o "$dir" --framework net10.0 --force > /dev/null
  for package in "$@"; do
    local args=()
    case "$package" in
      Microsoft.ML.TargetProp*) args=(--version "$version") ;;
      libtorch-cpu-linux-x64) args=(--version "$libtorch_version") ;;
      Microsoft.ML|Microsoft.ML.ImageAnalytics) [ "$mlnet" = latest ] || args=(--version "$mlnet") ;;
      Microsoft.ML.OnnxConverter) [ "$mlnet" = latest ] || { [[ "$mlnet" == 5.* ]] && args=(--version 0.23.1) || args=(--version 0.24.0); } ;;
    esac
    (cd "$dir" && dotnet add package "$package" "${args[@]}" > "add-$package.txt" 2>&1) || { cat "$dir/add-$package.txt" >&2; exit 1; }
  done
  # Warnings as errors apart from the mirror's neighbouring patch versions (NU1603): an NU1608 version conflict fails here.
  sed -i 's#<Nullable>enable</Nullable>#<Nullable>enable</Nullable><TreatWarningsAsErrors>true</TreatWarningsAsErrors><WarningsNotAsErrors>NU1603</WarningsNotAsErrors>#' "$dir/$(basename "$dir").csproj"
}

new_app "$work/train" Microsoft.ML Microsoft.ML.ImageAnalytics Microsoft.ML.OnnxConverter Microsoft.ML.OnnxRuntime \
  Microsoft.ML.TargetProp.TorchSharp libtorch-cpu-linux-x64
cat > "$work/train/Program.cs" <<'CS'
using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.TargetProp.Data;
using Microsoft.ML.TargetProp.Onnx;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;
using SkiaSharp;

// Set-up: 3,000 MNIST training digits as PNGs in one folder per class (what a user's image folder looks like).
string digits = Path.Combine(args[1], "digits");
WritePngs(Path.Combine(args[0], "train-images-idx3-ubyte.gz"), Path.Combine(args[0], "train-labels-idx1-ubyte.gz"), digits, 3000);

// The README's pipeline (a small network and 2 epochs, to be quick).
var mlContext = new MLContext(seed: 0);
IDataView data = ImageFolder.Load(mlContext, digits);
var split = mlContext.Data.TrainTestSplit(data, testFraction: 0.2, seed: 0);
var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
    .Append(mlContext.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: "ImagePath"))
    .Append(mlContext.Transforms.ResizeImages("Image", 28, 28))
    .Append(mlContext.Transforms.ConvertToGrayscale("Image"))
    .Append(mlContext.Transforms.ExtractPixels("Features", "Image",
        colorsToExtract: Microsoft.ML.Transforms.Image.ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 1f / 255))
    // The autoencoder featurizer (section 5.5) rides along, so the zip holds both of the scoring package's transformers.
    .Append(mlContext.Transforms.FeaturizeByAutoencoder(new AutoencoderEstimator.Options { HiddenLayers = "fc(64) fc(16) fc(64)", NumberOfEpochs = 2, OutputColumnName = "Code" }))
    .Append(mlContext.MulticlassClassification.Trainers.SimplifiedTargetProp(
        new SimplifiedTargetPropTrainer.Options { Architecture = "lc(3x3,8,2) fc(64)", NumberOfEpochs = 2, LearningRate = 2e-3, InverseLearningRate = 2e-3 }))
    .Append(mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
var model = pipeline.Fit(split.TrainSet);
var metrics = mlContext.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
mlContext.Model.Save(model, data.Schema, Path.Combine(args[1], "model.zip"));

// ONNX: the part after the image transforms; ONNX Runtime is fed the pixel vector "Features" and nothing else.
var (graph, input) = OnnxPipeline.AfterImageTransforms(model, data.Schema);
using (var stream = File.Create(Path.Combine(args[1], "model.onnx")))
    mlContext.Model.ConvertToOnnx(graph, input, stream);
using var session = new InferenceSession(Path.Combine(args[1], "model.onnx"));
Console.WriteLine($"accuracy {metrics.MicroAccuracy:F3}; ONNX inputs: {string.Join(", ", session.InputMetadata.Keys)}");

var test = mlContext.Data.TakeRows(split.TestSet, 20);
File.WriteAllLines(Path.Combine(args[1], "test-images.txt"), test.GetColumn<string>("ImagePath"));
foreach (var p in mlContext.Data.CreateEnumerable<Prediction>(model.Transform(test), reuseRowObject: false))
{
    var features = new DenseTensor<float>(p.Features, new[] { 1, 1, 28, 28 });   // N × C × H × W, as ExtractPixels shapes it
    using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Features", features) });
    string onnxLabel = results.First(r => r.Name == "PredictedLabel.output").AsTensor<string>().GetValue(0);
    if (onnxLabel != p.PredictedLabel) throw new Exception($"ONNX Runtime predicts {onnxLabel}, ML.NET {p.PredictedLabel}");
    Console.WriteLine($"{p.PredictedLabel} {string.Join(" ", p.Code.Take(3).Select(c => c.ToString("R")))}");
}

static void WritePngs(string images, string labels, string folder, int count)
{
    using var pixels = new GZipStream(File.OpenRead(images), CompressionMode.Decompress);
    using var classes = new GZipStream(File.OpenRead(labels), CompressionMode.Decompress);
    pixels.ReadExactly(new byte[16]);
    classes.ReadExactly(new byte[8]);
    var image = new byte[784];
    var label = new byte[1];
    for (int i = 0; i < count; i++)
    {
        pixels.ReadExactly(image);
        classes.ReadExactly(label);
        string dir = Path.Combine(folder, label[0].ToString());
        Directory.CreateDirectory(dir);
        using var bitmap = new SKBitmap(28, 28, SKColorType.Gray8, SKAlphaType.Opaque);
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++) bitmap.SetPixel(x, y, new SKColor(image[y * 28 + x], image[y * 28 + x], image[y * 28 + x]));
        using var png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(Path.Combine(dir, $"{i:D5}.png"), png.ToArray());
    }
}

public sealed class Prediction
{
    public string PredictedLabel { get; set; } = "";
    public float[] Features { get; set; } = Array.Empty<float>();
    public float[] Code { get; set; } = Array.Empty<float>();
}
CS

new_app "$work/score" Microsoft.ML.ImageAnalytics Microsoft.ML.TargetProp
cat > "$work/score/Program.cs" <<'CS'
using System;
using System.IO;
using System.Linq;
using Microsoft.ML;

// Scores the training app's 20 test images from their paths with plain Model.Load: no training package here.
var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
var engine = ml.Model.CreatePredictionEngine<Input, Prediction>(model);
Console.WriteLine("scored");
foreach (string path in File.ReadAllLines(args[1]))
{
    var p = engine.Predict(new Input { ImagePath = path });
    Console.WriteLine($"{p.PredictedLabel} {string.Join(" ", p.Code.Take(3).Select(c => c.ToString("R")))}");
}

public sealed class Input
{
    public string ImagePath { get; set; } = "";
    public string Label { get; set; } = "";
}
public sealed class Prediction { public string PredictedLabel { get; set; } = ""; public float[] Code { get; set; } = Array.Empty<float>(); }
CS

# A training app that forgot the libtorch package: a build warning, then one clear error at the first trainer call,
# also when a (fake) system libtorch sits on the loader path, as Debian's libtorch1.13 puts one.
new_app "$work/notorch" Microsoft.ML Microsoft.ML.TargetProp.TorchSharp
sed -i 's#<TreatWarningsAsErrors>true</TreatWarningsAsErrors>##' "$work/notorch/notorch.csproj"   # TPNET001 is expected
cat > "$work/notorch/Program.cs" <<'CS'
using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

var ml = new MLContext(seed: 0);
var rows = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new Row { Features = new float[] { i, -i }, Label = (i % 2).ToString() }));
try
{
    ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.MulticlassClassification.Trainers.Backprop(architecture: "fc(4)", numberOfEpochs: 1)).Fit(rows);
    Console.WriteLine("trained?!");
    return 1;
}
catch (InvalidOperationException e)
{
    Console.WriteLine(e.Message);
    return 3;
}

public sealed class Row
{
    [VectorType(2)] public float[] Features { get; set; } = Array.Empty<float>();
    public string Label { get; set; } = "";
}
CS
echo "building a training app without libtorch (expects warning TPNET001)"
dotnet build "$work/notorch" -c Release --nologo -v q --configfile "$work/nuget.config" -o "$work/notorch/out" > "$work/notorch/build.txt" 2>&1 || { cat "$work/notorch/build.txt" >&2; exit 1; }
grep -q "TPNET001" "$work/notorch/build.txt" || { echo "no TPNET001 warning for an app without libtorch" >&2; cat "$work/notorch/build.txt" >&2; exit 1; }
mkdir -p "$work/systemlib"
if command -v gcc > /dev/null; then
  for lib in libtorch.so libtorch_cpu.so libc10.so; do echo "int fake_${lib%%.*};" | gcc -shared -fPIC -x c - -o "$work/systemlib/$lib"; done
else
  echo "gcc not found: the fake system libtorch is skipped" >&2
fi
for loader_path in "" "$work/systemlib"; do
  set +e
  LD_LIBRARY_PATH="$loader_path" dotnet "$work/notorch/out/notorch.dll" > "$work/notorch/run.txt" 2>&1
  code=$?
  set -e
  if [ "$code" != 3 ] || ! grep -q "references no libtorch package" "$work/notorch/run.txt"; then
    echo "an app without libtorch (LD_LIBRARY_PATH='$loader_path') did not get the clear error (exit $code):" >&2; cat "$work/notorch/run.txt" >&2; exit 1
  fi
done
if [ -d "$work/notorch/out/cpu" ]; then echo "TorchSharp copied libtorch into $work/notorch/out/cpu" >&2; exit 1; fi
echo "training app without libtorch: warning TPNET001 and the clear error, with and without a system libtorch"

echo "building the training app"
dotnet build "$work/train" -c Release --nologo -v q --configfile "$work/nuget.config" -o "$work/train/out"
echo "publishing the training app"
dotnet publish "$work/train" -c Release --nologo -v q --configfile "$work/nuget.config" -o "$work/train/pub"
# The buildTransitive fix must have weakened GLIBCXX_3.4.32 in the build and publish outputs, and only there.
weak() { readelf -V "$1" | grep -E "Name: GLIBCXX_3\.4\.32" | grep -q "WEAK"; }
if command -v readelf > /dev/null; then
  for lib in "$work/train/out" "$work/train/pub"; do
    so=$(find "$lib" -name libLibTorchSharp.so | head -1)
    [ -n "$so" ] || { echo "no libLibTorchSharp.so in $lib" >&2; exit 1; }
    weak "$so" || { echo "$so: GLIBCXX_3.4.32 is not weakened" >&2; exit 1; }
  done
  cached=$(find "$cache/torchsharp" -name libLibTorchSharp.so -path "*linux-x64*" | head -1)
  if [ -n "$cached" ] && weak "$cached"; then echo "the NuGet cache's $cached was patched" >&2; exit 1; fi
else
  echo "readelf not found: the GLIBCXX check of the outputs is skipped (training below still proves the build output loads)"
fi
echo "building the scoring app"
dotnet build "$work/score" -c Release --nologo -v q --configfile "$work/nuget.config" -o "$work/score/out"
if ls -R "$work/score/out" | grep -qi torch; then echo "the scoring app carries TorchSharp/libtorch" >&2; exit 1; fi
echo "ML.NET in the apps: $(grep -oP '"Microsoft\.ML/\K[0-9.]+' "$work/train/obj/project.assets.json" | head -1) (asked: $mlnet)"

dotnet "$work/train/out/train.dll" "$repo/data/mnist" "$work" > "$work/train.txt"
dotnet "$work/score/out/score.dll" "$work/model.zip" "$work/test-images.txt" > "$work/score.txt"
head -1 "$work/train.txt"
grep -q "ONNX inputs: Features$" "$work/train.txt" || { echo "the ONNX graph's inputs are not just Features" >&2; exit 1; }
if ! diff <(tail -n +2 "$work/train.txt") <(tail -n +2 "$work/score.txt"); then
  echo "the scoring app's predictions differ from the training app's" >&2; exit 1
fi
echo "package test: OK"
