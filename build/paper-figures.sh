#!/usr/bin/env bash
# Re-runs the experiments behind the figures in docs/results.md (the paper's Figures 4-8, at this machine's budgets)
# and copies the PNGs to docs/figures/. Heavy: about two hours on 2 cores. Run one step with STEP=<name>
# (figure4, figure4-cifar, figure5, figure6, figure8).
#   usage: build/paper-figures.sh [output-folder]          (default /tmp/tpnet-figures)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-/tmp/tpnet-figures}"
step="${STEP:-all}"
figures="$root/docs/figures"
mkdir -p "$out" "$figures"
dotnet build "$root/src/Microsoft.ML.TargetProp.Cli" -c Release -v quiet -nologo
# Run from a copy so rebuilding the repository while this runs cannot break it.
bin="$out/tpnet-bin"
rm -rf "$bin" && cp -r "$root/src/Microsoft.ML.TargetProp.Cli/bin/Release/net10.0" "$bin"
tpnet() { (cd "$root" && dotnet "$bin/tpnet.dll" "$@"); }
run() { [[ "$step" == all || "$step" == "$1" ]]; }

if run figure4; then   # AO-SDTP: best test accuracy against the auxiliary output size
  tpnet aux-sweep --arch mnist-fc --sizes 0,16,64,256,512,1000 --epochs 10 --threads 1 --output "$out/aux-sweep-mnist-fc"
  cp "$out/aux-sweep-mnist-fc/aux-sweep.png" "$figures/figure4-aux-sweep-mnist-fc.png"
fi
if run figure4-cifar; then   # the paper's setting: CIFAR-10 (the JPEG tars of ../shared/data extract to train/ and test/ class folders)
  cifar="$out/cifar10"
  if [[ ! -d "$cifar/train" ]]; then
    mkdir -p "$cifar"
    for t in train test; do tar xf "$root/../shared/data/cifar10-jpeg/cifar10-jpeg-$t.tar" -C "$cifar"; done
  fi
  tpnet aux-sweep -d "$cifar" --arch cifar-fc --sizes 0,16,64,256,512,1000 --epochs 8 --threads 2 --output "$out/aux-sweep-cifar-fc"
  cp "$out/aux-sweep-cifar-fc/aux-sweep.png" "$figures/figure4-aux-sweep-cifar-fc.png"
fi
if run figure5; then   # Table 4 random search: distribution of best test accuracies per algorithm
  for a in bp fa dfa dtp sdtp ao-sdtp; do
    tpnet sweep --algorithm "$a" --arch mnist-fc --configs 20 --epochs 2 --train-limit 10000 --threads 2 --output "$out/sweep-mnist-fc-$a"
    cp "$out/sweep-mnist-fc-$a/histogram.png" "$figures/figure5-sweep-mnist-fc-$a.png"
  done
fi
if run figure6; then   # the autoencoder with every algorithm: reconstruction curves and reconstructions (Figures 6, 7)
  tpnet autoencode train --epochs 20 --threads 2 --output "$out/autoencode"
  cp "$out/autoencode/reconstruction_curves.png" "$figures/figure6-reconstruction-curves.png"
  cp "$out/autoencode/reconstructions.png" "$figures/figure7-reconstructions.png"
fi
if run figure8; then   # Table 1's MNIST-FC cells: train and test error per epoch
  tpnet reproduce --arch mnist-fc --epochs 10 --threads 2 --output "$out/reproduce-mnist-fc"
  cp "$out/reproduce-mnist-fc/learning_curves.png" "$figures/figure8-learning-curves-mnist-fc.png"
fi
echo "Figures in $figures; raw outputs (CSV, metrics.json, model zips) in $out."
