#!/usr/bin/env bash
# Regenerates the README's gallery: runs the README's commands on the embedded model (CPU or GPU,
# whichever `deepvis devices` picks), then enlarges the 28x28 results with nearest-neighbour
# scaling (Debian's python3-pil) so the pixels stay visible. About 10 minutes on a 2-core CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet build src/Cli -c Release -v quiet -nologo
deepvis() { dotnet src/Cli/bin/Release/net10.0/deepvis.dll "$@" --out "$out" --quiet; }

deepvis class --class sneaker --background 0,0,0
deepvis class --class trouser dress sandal bag "ankle boot" --background 0,0,0
deepvis invert samples/sneaker.png samples/trouser.png --layer conv1_2
deepvis invert samples/sneaker.png --layer relu2_2
deepvis dream samples/sneaker.png --layer conv2_2 --size 112
deepvis filters --layer conv1_2 --filter-start 0 --filter-end 15 --iterations 100

/usr/bin/python3 - "$out" docs/gallery <<'PY'
import sys
from PIL import Image

out, gallery = sys.argv[1], sys.argv[2]


def strip(paths, side, name, pad=4):
    """The images side by side, each scaled to side x side pixels (nearest), on a mid-grey strip."""
    image = Image.new("L", (len(paths) * (side + pad) + pad, side + 2 * pad), 128)
    for i, path in enumerate(paths):
        image.paste(Image.open(path).convert("L").resize((side, side), Image.NEAREST), (pad + i * (side + pad), pad))
    image.save(f"{gallery}/{name}.png", optimize=True)


strip([f"{out}/class-7-sneaker.png"], 112, "class-sneaker")
strip([f"{out}/class-{c}.png" for c in ("1-trouser", "3-dress", "5-sandal", "8-bag", "9-ankle-boot")], 112, "class-five")
strip(["samples/sneaker.png", f"{out}/sneaker-conv1_2.png", f"{out}/sneaker-relu2_2.png",
       "samples/trouser.png", f"{out}/trouser-conv1_2.png"], 112, "invert")
strip([f"{out}/sneaker-dream.png"], 224, "dream")
sheet = Image.open(f"{out}/conv1_2-filters-0-15.png").convert("L")
sheet.resize((sheet.width * 3, sheet.height * 3), Image.NEAREST).save(f"{gallery}/filters-conv1_2.png", optimize=True)
PY
ls -l docs/gallery
