#!/usr/bin/env bash
# Builds the README's atlases and screenshots them with headless Chromium (Debian's chromium, installed
# if missing): the embedded model's atlas (every channel of its four convolutions, the ten samples as
# examples; under a minute on a 2-core CPU) -> atlas-index.png and atlas-channel.png; with --resnet18
# also the ImageNet ResNet-18's layer3, channels 0-63, the two photos as examples (about 16 minutes on
# a shared 2-core CPU) -> atlas-resnet18-layer3.png and atlas-resnet18-channel.png. With
# Debian's dataset-fashion-mnist also the embedded model with its 10,000 test images as examples ->
# atlas-fashion-layer.png and atlas-fashion-channel.png; with --resnet18-photos a random ResNet-18
# (bench/examples_forward.py writes torchvision's seeded one) with the shipped photos and the CC0 photos
# of Debian's python3-skimage -> atlas-resnet18-photos.png.
# The sites stay in out/atlas/ (ignored by git); a rerun resumes them and only retakes the pictures.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v chromium >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
dotnet build src/Cli -c Release -v quiet -nologo
deepvis() { dotnet src/Cli/bin/Release/net10.0/deepvis.dll "$@"; }
sites=out/atlas

# A page as a PNG of the window's size, reduced to 256 colours (or $4; Debian's python3-pil) to stay small.
shot() {
  local page=$1 size=$2 png=$3 colours=${4:-256}
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --window-size="$size" --screenshot="$PWD/$png" "file://$PWD/$page" 2>/dev/null
  /usr/bin/python3 -c 'import sys; from PIL import Image; Image.open(sys.argv[1]).convert("RGB").quantize(int(sys.argv[2])).save(sys.argv[1], optimize=True)' "$png" "$colours"
  echo "$png: $(du -k "$png" | cut -f1) KB"
}

time deepvis atlas --layers conv1_1 conv1_2 conv2_1 conv2_2 --examples samples --out $sites/mini-vgg --quiet
shot $sites/mini-vgg/index.html 1000,1000 docs/gallery/atlas-index.png
shot $sites/mini-vgg/features.5/c0002.html 1000,1000 docs/gallery/atlas-channel.png

fashion=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
if [[ -f $fashion ]]; then
  time deepvis atlas --layers conv1_1 conv1_2 conv2_1 conv2_2 --examples $fashion --out $sites/mini-vgg-fashion --quiet
  shot $sites/mini-vgg-fashion/features.5/index.html 1000,900 docs/gallery/atlas-fashion-layer.png 128
  shot $sites/mini-vgg-fashion/features.5/c0003.html 1000,900 docs/gallery/atlas-fashion-channel.png 128
fi

if [[ ${1:-} == --resnet18-photos ]]; then
  weights=out/resnet18-random.pth
  [[ -f $weights ]] || /usr/bin/python3 bench/examples_forward.py --examples samples/photos --count 1 --weights $weights
  photos=out/atlas/photos
  mkdir -p $photos/photos $photos/skimage
  cp samples/photos/*.png $photos/photos/
  cp $(dpkg -L python3-skimage | grep 'skimage/data/[^/]*\.\(png\|jpg\)$') $photos/skimage/
  time deepvis atlas --weights $weights --layers layer3 --channels 0-15 --size 64 --steps 64 --examples $photos \
    --out $sites/resnet18-photos --quiet
  shot $sites/resnet18-photos/layer3.1.relu_1/index.html 1000,900 docs/gallery/atlas-resnet18-photos.png 128
fi

if [[ ${1:-} == --resnet18 ]]; then
  deepvis models get resnet18-imagenet
  time deepvis atlas --weights resnet18-imagenet --layers layer3 --channels 0-63 --size 128 --steps 256 \
    --examples samples/photos --out $sites/resnet18-layer3 --quiet
  # layer3's node is CNTK's ReLU347 (the stage's last ReLU), hence the folder's name.
  shot $sites/resnet18-layer3/ReLU347/index.html 1000,620 docs/gallery/atlas-resnet18-layer3.png 128
  shot $sites/resnet18-layer3/ReLU347/c0012.html 1000,900 docs/gallery/atlas-resnet18-channel.png
fi
