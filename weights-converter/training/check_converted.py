#!/usr/bin/python3
"""Check the converted mini-vgg HDF5 against the PyTorch model it came from.

Computes logits with PyTorch (the .pth state dict) on Fashion-MNIST test images, runs
`deepvis probe --layer logits` on the same normalized images through the CLI, and compares:
the largest relative error |deepvis - torch| / max|torch| must be below 1e-4, and the argmax
(predicted class) must agree image for image, so the accuracy over the checked images is the same.
It also checks the HDF5's root attributes (arch, mean, std, default_size) and class names.

Run by hand from anywhere, with Debian's PyTorch:

  /usr/bin/python3 weights-converter/training/check_converted.py \
      [--pth /tmp/mini-vgg-fashion.pth] [--weights models/mini-vgg-fashion.h5] [--count 200]
"""
import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_mini_vgg import CLASSES, REPO, MiniVgg, load_split, normalize  # noqa: E402


def model_from_state_dict(path):
    state = torch.load(path, map_location="cpu")
    c1 = state["features.0.weight"].shape[0]
    c2 = state["features.5.weight"].shape[0]
    hidden = state["classifier.0.weight"].shape[0]
    model = MiniVgg(c1, c2, hidden, classes=state["classifier.3.weight"].shape[0])
    model.load_state_dict(state)
    return model.eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pth", default="/tmp/mini-vgg-fashion.pth")
    parser.add_argument("--weights", default=os.path.join(REPO, "models", "mini-vgg-fashion.h5"))
    parser.add_argument("--count", type=int, default=200, help="test images to compare")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--device", default=None, help="passed to deepvis probe --device")
    args = parser.parse_args()
    torch.set_num_threads(2)

    with h5py.File(args.weights, "r") as f:
        attrs = dict(f.attrs)
        classes = [c.decode() if isinstance(c, bytes) else str(c) for c in f["classes"][()]]
    mean, std = float(np.ravel(attrs["mean"])[0]), float(np.ravel(attrs["std"])[0])
    print(f"{args.weights}: arch {attrs['arch']}, input_channels {attrs['input_channels']}, "
          f"mean {mean:.6f}, std {std:.6f}, default_size {attrs['default_size']}, classes {len(classes)}")
    problems = []
    if str(attrs["arch"]) != "mini-vgg":
        problems.append(f"arch is {attrs['arch']}, expected mini-vgg")
    if int(attrs["input_channels"]) != 1 or int(attrs["default_size"]) != 28:
        problems.append("expected input_channels 1 and default_size 28")
    if classes != CLASSES:
        problems.append(f"class names {classes} differ from {CLASSES}")

    images, labels = load_split("t10k")
    x = normalize(images[:args.count], mean, std)
    y = labels[:args.count]
    model = model_from_state_dict(args.pth)
    with torch.no_grad():
        expected = model(x).numpy()

    with tempfile.TemporaryDirectory(prefix="deepvis-check-") as folder:
        inputs, outputs = os.path.join(folder, "input.h5"), os.path.join(folder, "logits.h5")
        with h5py.File(inputs, "w") as f:
            f.create_dataset("input", data=x.numpy().astype(np.float32))
        command = ["dotnet", "run", "--project", os.path.join(REPO, "src", "Cli"), "--",
                   "probe", "--weights", args.weights, "--input", inputs, "--layer", "logits", "--out", outputs]
        if args.device:
            command += ["--device", args.device]
        print("$ " + " ".join(command), flush=True)
        subprocess.run(command, check=True, cwd=REPO)
        with h5py.File(outputs, "r") as f:
            actual = f["activation"][()]

    if actual.shape != expected.shape:
        problems.append(f"deepvis logits have shape {actual.shape}, torch {expected.shape}")
    else:
        error = np.abs(actual.astype(np.float64) - expected).max() / np.abs(expected).max()
        torch_pred, deepvis_pred = expected.argmax(1), actual.argmax(1)
        disagree = int((torch_pred != deepvis_pred).sum())
        print(f"logits on {args.count} test images: max |deepvis - torch| / max |torch| = {error:.3e} "
              f"(tolerance {args.tolerance:g})")
        print(f"accuracy: torch {(torch_pred == y).mean() * 100:.2f}%, deepvis {(deepvis_pred == y).mean() * 100:.2f}%, "
              f"{disagree} images predicted differently")
        if not error < args.tolerance:
            problems.append(f"relative error {error:.3e} is not below {args.tolerance:g}")
        if disagree:
            problems.append(f"{disagree} images get a different predicted class")

    for problem in problems:
        print("FAIL: " + problem)
    print("OK" if not problems else "FAILED")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
