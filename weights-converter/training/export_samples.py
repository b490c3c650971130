#!/usr/bin/python3
"""Write one sample image per Fashion-MNIST class from the TEST set into samples/.

For each class it picks the first test image (in file order) that the trained model classifies
correctly with probability at least --confidence, and writes it as a 28x28 8-bit grayscale PNG
named after the class: samples/t-shirt-top.png, samples/ankle-boot.png, ... (no spaces or
slashes). It prints the test index and the model's probability of each.

Run by hand with Debian's PyTorch, after train_mini_vgg.py:

  /usr/bin/python3 weights-converter/training/export_samples.py [--pth /tmp/mini-vgg-fashion.pth]
"""
import argparse
import os
import struct
import sys
import zlib

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_converted import model_from_state_dict  # noqa: E402
from train_mini_vgg import CLASSES, REPO, load_split, normalize  # noqa: E402


def file_name(name):
    """'t-shirt/top' -> 't-shirt-top', 'ankle boot' -> 'ankle-boot'."""
    return name.replace("/", "-").replace(" ", "-")


def write_png(path, pixels):
    """An 8-bit grayscale PNG of a uint8 [H, W] array (PIL when available, else by hand)."""
    try:
        from PIL import Image
        Image.fromarray(pixels, mode="L").save(path, optimize=True)
        return
    except ImportError:
        pass

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    h, w = pixels.shape
    raw = b"".join(b"\x00" + pixels[r].tobytes() for r in range(h))  # filter type 0 per row
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pth", default="/tmp/mini-vgg-fashion.pth")
    parser.add_argument("--out", default=os.path.join(REPO, "samples"))
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--mean", type=float, default=None, help="default: the training set's")
    parser.add_argument("--std", type=float, default=None)
    args = parser.parse_args()
    torch.set_num_threads(2)

    if args.mean is None or args.std is None:
        train, _ = load_split("train")
        pixels = train.astype(np.float64) / 255.0
        args.mean, args.std = float(pixels.mean()), float(pixels.std())
    images, labels = load_split("t10k")
    model = model_from_state_dict(args.pth)
    with torch.no_grad():
        probabilities = torch.softmax(model(normalize(images, args.mean, args.std)), 1).numpy()

    os.makedirs(args.out, exist_ok=True)
    for c, name in enumerate(CLASSES):
        picks = np.nonzero((labels == c) & (probabilities.argmax(1) == c) & (probabilities[:, c] >= args.confidence))[0]
        if picks.size == 0:
            sys.exit(f"no test image of class {c} ({name}) classified with probability >= {args.confidence}")
        index = int(picks[0])
        path = os.path.join(args.out, file_name(name) + ".png")
        write_png(path, images[index])
        print(f"{path}: test image {index}, class {c} ({name}), probability {probabilities[index, c]:.4f}")


if __name__ == "__main__":
    main()
