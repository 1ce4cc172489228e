#!/usr/bin/env bash
# Packs Microsoft.ML.TargetProp and Microsoft.ML.TargetProp.TorchSharp into a local folder feed, then, outside this
# repository (so none of its build files apply), builds
#   - a training app that references Microsoft.ML.TargetProp.TorchSharp + libtorch-cpu-linux-x64 from that feed,
#     trains SDTP on a small MNIST subset through the ML.NET API and saves model.zip, and
#   - a scoring app that references only Microsoft.ML.TargetProp,
# and checks that both predict the same labels and that the scoring app carries no TorchSharp/libtorch.
# Usage: build/package-test.sh [WORK_DIR]. Prints "package test: OK" on success. Run by PackageTests in the test suite.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
libtorch_version=$(grep -oP 'Include="libtorch-cpu-linux-x64" Version="\K[^"]+' "$repo/Directory.Packages.props")
version="0.1.0-pkgtest.$(date +%s%N)"   # unique: the NuGet cache never serves a stale build
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

mkdir -p "$work/train" "$work/score"
cat > "$work/train/train.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><NoWarn>NU1603</NoWarn></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.ML.TargetProp.TorchSharp" Version="$version" />
    <PackageReference Include="libtorch-cpu-linux-x64" Version="$libtorch_version" />
  </ItemGroup>
</Project>
XML
cat > "$work/train/Program.cs" <<'CS'
using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.TargetProp.TorchSharp.Data;
using Microsoft.ML.TargetProp.TorchSharp.Trainers;

var mnist = args[0];
var ml = new MLContext(seed: 0);
var train = MnistDataset.Load(mnist, train: true, limit: 3000);
var test = MnistDataset.Load(mnist, train: false, limit: 20);
IDataView Rows(InMemoryDataset d) => ml.Data.LoadFromEnumerable(Enumerable.Range(0, d.Count).Select(i => new Digit
{
    Features = d.Features.AsSpan(i * 784, 784).ToArray(), Label = d.Labels[i].ToString(),
}));
var options = new SimplifiedTargetPropTrainer.Options { Architecture = "lc(3x3,8,2) fc(64)", NumberOfEpochs = 2, LearningRate = 2e-3, InverseLearningRate = 2e-3 };
// The autoencoder featurizer (section 5.5) rides along, so the zip holds both of the scoring package's transformers.
var autoencoder = new AutoencoderEstimator.Options { HiddenLayers = "fc(64) fc(16) fc(64)", NumberOfEpochs = 2, OutputColumnName = "Code" };
var model = ml.Transforms.FeaturizeByAutoencoder(autoencoder)
    .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
    .Append(ml.MulticlassClassification.Trainers.SimplifiedTargetProp(options))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"))
    .Fit(Rows(train));
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(Rows(test)));
ml.Model.Save(model, Rows(train).Schema, args[1]);
Console.WriteLine($"accuracy {metrics.MicroAccuracy:F3}");
foreach (var p in ml.Data.CreateEnumerable<Prediction>(model.Transform(Rows(test)), reuseRowObject: false))
    Console.WriteLine($"{p.PredictedLabel} {string.Join(" ", p.Code.Take(3).Select(c => c.ToString("R")))}");

public sealed class Digit
{
    [VectorType(1, 28, 28)] public float[] Features { get; set; } = Array.Empty<float>();
    public string Label { get; set; } = "";
}
public sealed class Prediction { public string PredictedLabel { get; set; } = ""; public float[] Code { get; set; } = Array.Empty<float>(); }
CS
cat > "$work/score/score.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><NoWarn>NU1603</NoWarn></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.ML.TargetProp" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$work/score/Program.cs" <<'CS'
using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

// Reads the first 20 MNIST test images itself (no training package here) and scores them with plain Model.Load.
using var gz = new GZipStream(File.OpenRead(Path.Combine(args[0], "t10k-images-idx3-ubyte.gz")), CompressionMode.Decompress);
var header = new byte[16];
gz.ReadExactly(header);
var ml = new MLContext();
var model = ml.Model.Load(args[1], out _);
var engine = ml.Model.CreatePredictionEngine<Digit, Prediction>(model);
var pixels = new byte[784];
Console.WriteLine("scored");
for (int i = 0; i < 20; i++)
{
    gz.ReadExactly(pixels);
    var p = engine.Predict(new Digit { Features = Array.ConvertAll(pixels, b => b / 255f) });
    Console.WriteLine($"{p.PredictedLabel} {string.Join(" ", p.Code.AsSpan(0, 3).ToArray().Select(c => c.ToString("R")))}");
}

public sealed class Digit
{
    [VectorType(1, 28, 28)] public float[] Features { get; set; } = Array.Empty<float>();
    public string Label { get; set; } = "";
}
public sealed class Prediction { public string PredictedLabel { get; set; } = ""; public float[] Code { get; set; } = Array.Empty<float>(); }
CS

# A training app that forgot the libtorch package: a build warning, then one clear error at the first trainer call.
mkdir -p "$work/notorch"
cat > "$work/notorch/notorch.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><NoWarn>NU1603</NoWarn></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.ML.TargetProp.TorchSharp" Version="$version" />
  </ItemGroup>
</Project>
XML
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
set +e
dotnet "$work/notorch/out/notorch.dll" > "$work/notorch/run.txt" 2>&1
code=$?
set -e
if [ "$code" != 3 ] || ! grep -q "references no libtorch package" "$work/notorch/run.txt"; then
  echo "an app without libtorch did not get the clear error (exit $code):" >&2; cat "$work/notorch/run.txt" >&2; exit 1
fi
if [ -d "$work/notorch/out/cpu" ]; then echo "TorchSharp copied libtorch into $work/notorch/out/cpu" >&2; exit 1; fi
echo "training app without libtorch: warning TPNET001 and the clear error"

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
  cached=$(find "${NUGET_PACKAGES:-$HOME/.nuget/packages}/torchsharp" -name libLibTorchSharp.so -path "*linux-x64*" | head -1)
  if [ -n "$cached" ] && weak "$cached"; then echo "the NuGet cache's $cached was patched" >&2; exit 1; fi
else
  echo "readelf not found: the GLIBCXX check of the outputs is skipped (training below still proves the build output loads)"
fi
echo "building the scoring app"
dotnet build "$work/score" -c Release --nologo -v q --configfile "$work/nuget.config" -o "$work/score/out"
if ls -R "$work/score/out" | grep -qi torch; then echo "the scoring app carries TorchSharp/libtorch" >&2; exit 1; fi

dotnet "$work/train/out/train.dll" "$repo/data/mnist" "$work/model.zip" > "$work/train.txt"
dotnet "$work/score/out/score.dll" "$repo/data/mnist" "$work/model.zip" > "$work/score.txt"
head -1 "$work/train.txt"
if ! diff <(tail -n +2 "$work/train.txt") <(tail -n +2 "$work/score.txt"); then
  echo "the scoring app's predictions differ from the training app's" >&2; exit 1
fi
echo "package test: OK"
