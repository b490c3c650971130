#!/bin/bash
# Builds the TorchSharp peer, loads on Debian 12 through a patched copy of libLibTorchSharp.so (see
# patch-glibcxx.py), and runs it with the arguments given:
#   bench/torchsharp/run.sh --reference /tmp/resnet18-ref.h5 --arch resnet18 --threads 2
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/bin/Release/net10.0"
if [ ! -x "$out/torchsharp-step" ]; then
  dotnet build -c Release "$here" >&2
fi
library="$out/runtimes/linux-x64/native/libLibTorchSharp.so"
# The build copies the package's library; the copy is patched once (a patched copy stays patched).
versions=$(readelf -V "$library")
if grep -q 'GLIBCXX_3.4.32  Flags: none' <<<"$versions"; then
  /usr/bin/python3 "$here/patch-glibcxx.py" "$library" "$library" >&2
fi
exec "$out/torchsharp-step" "$@"
