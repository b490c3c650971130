# Sourced by the ResNet-18 gallery scripts: a scratch folder removed on exit, a Release build, a
# `deepvis` function running it, and the real ImageNet ResNet-18 fetched (once, through NuGet).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
/usr/bin/python3 -c "import PIL" 2>/dev/null || { echo "the gallery scripts need Debian's python3-pil (apt-get install python3-pil)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet build src/Cli -c Release -v quiet -nologo
deepvis() { dotnet src/Cli/bin/Release/net10.0/deepvis.dll "$@"; }
deepvis models get resnet18-imagenet
