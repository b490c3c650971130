#!/usr/bin/env bash
# Regenerates the README's ResNet-18 inversion strip and table: inverts a shipped photo at 224x224
# from the stem and each stage's output of the real ImageNet ResNet-18, with the `exact` and
# `mahendran` presets (their default steps), and `mahendran` coarse-to-fine over three resolutions, and
# prints PSNR and SSIM per layer as a Markdown table. 14 minutes on a busy 2-core CPU, build included.
source "$(dirname "$0")/resnet18-setup.sh"
photo=samples/photos/chelsea.png
layers="stem layer1 layer2 layer3 layer4"
declare -A options=([exact]="--preset exact" [mahendran]="--preset mahendran" [coarse-to-fine]="--preset mahendran --coarse-to-fine 3")
for row in exact mahendran coarse-to-fine; do
  for layer in $layers; do
    # shellcheck disable=SC2086
    deepvis invert "$photo" --weights resnet18-imagenet --layer "$layer" --size 224 ${options[$row]} \
      --seed 0 --out "$out/$row" --quiet | tee "$out/$row-$layer.txt"
  done
done

/usr/bin/python3 - "$out" docs/gallery "$photo" $layers <<'PY'
import re
import sys
from PIL import Image

out, gallery, photo, layers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
presets = ["exact", "mahendran", "coarse-to-fine"]
numbers = {}
for preset in presets:
    for layer in layers:
        text = open(f"{out}/{preset}-{layer}.txt").read()
        m = re.search(r"feature loss (\S+), psnr (\S+) dB, ssim (\S+)", text)
        numbers[preset, layer] = (float(m.group(2)), float(m.group(3)))
print("| layer | " + " | ".join(f"{p} PSNR (dB) | {p} SSIM" for p in presets) + " |")
print("| --- |" + " --- | --- |" * len(presets))
for layer in layers:
    print(f"| `{layer}` | " + " | ".join(f"{numbers[p, layer][0]:.1f} | {numbers[p, layer][1]:.2f}" for p in presets) + " |")

side, gap = 224, 4
original = Image.open(photo).convert("RGB").resize((side, side), Image.BILINEAR)
strip = Image.new("RGB", (gap + (side + gap) * (len(layers) + 1), gap + (side + gap) * len(presets)), (128, 128, 128))
stem = photo.rsplit("/", 1)[-1].rsplit(".", 1)[0]
for row, preset in enumerate(presets):
    y = gap + row * (side + gap)
    strip.paste(original, (gap, y))
    for col, layer in enumerate(layers, start=1):
        strip.paste(Image.open(f"{out}/{preset}/{stem}-{layer}.png").convert("RGB"), (gap + col * (side + gap), y))
strip.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(f"{gallery}/resnet18-invert-chelsea.png", optimize=True)
PY
