#!/usr/bin/python3
"""Tune the defaults of `deepvis class` on the embedded mini-vgg, fast, in PyTorch.

A port of src/Optim/ClassVisualization.cs (octaves with bilinear resize, jitter, logit ascent with an
L2 penalty, normalized step, annealed Gaussian blur with reflect padding, clamp to the pixel range),
run on all ten classes at once from several seeds, from noise and from black. It prints the lowest
target-class probability per setting; the C# run of the chosen defaults is what docs/quality.md
reports. Seconds per setting on 2 cores, where the CPU accelerator takes minutes.

  /usr/bin/python3 weights-converter/training/tune_class.py [--seeds 5]
"""
import argparse
import math
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_mini_vgg import REPO, MiniVgg  # noqa: E402

# Each setting: (octaves as (scale, iterations, start_sigma, end_sigma), step, l2); jitter 1 throughout.
SETTINGS = {
    "previous default": ([(0.5, 30, 1.0, 0.5), (0.75, 30, 0.8, 0.4), (1, 40, 0.6, 0.3)], 0.05, 0.01),
    "previous, step 0.08": ([(0.5, 30, 1.0, 0.5), (0.75, 30, 0.8, 0.4), (1, 40, 0.6, 0.3)], 0.08, 0.01),
    "less blur, step 0.05": ([(0.5, 30, 0.8, 0.4), (0.75, 30, 0.6, 0.3), (1, 40, 0.5, 0.2)], 0.05, 0.01),
    "less blur, step 0.08": ([(0.5, 30, 0.8, 0.4), (0.75, 30, 0.6, 0.3), (1, 40, 0.5, 0.2)], 0.08, 0.01),
    "less blur, step 0.1 (the default)": ([(0.5, 30, 0.8, 0.4), (0.75, 30, 0.6, 0.3), (1, 40, 0.5, 0.2)], 0.1, 0.01),
    "less blur, step 0.08, l2 0.03": ([(0.5, 30, 0.8, 0.4), (0.75, 30, 0.6, 0.3), (1, 40, 0.5, 0.2)], 0.08, 0.03),
    "more blur and steps": ([(0.5, 40, 1.5, 0.8), (0.75, 40, 1.2, 0.6), (1, 60, 1.0, 0.5)], 0.08, 0.01),
}


def load_model(path):
    with h5py.File(path, "r") as f:
        state = {f"{layer}.{p}": torch.tensor(f[layer][p][()]) for layer in f if layer != "classes" for p in ("weight", "bias")}
        mean, std = float(np.ravel(f.attrs["mean"])[0]), float(np.ravel(f.attrs["std"])[0])
    model = MiniVgg(state["features.0.weight"].shape[0], state["features.5.weight"].shape[0], state["classifier.0.weight"].shape[0])
    model.load_state_dict(state)
    for p in model.parameters():
        p.requires_grad_(False)
    return model.eval(), mean, std


def blur(x, sigma):
    """Gaussian blur of +- ceil(2 sigma) pixels with reflect padding; none below sigma 0.3, as AnnealedBlur."""
    radius = min(math.ceil(2 * sigma), x.shape[2] - 1)
    if sigma < 0.3 or radius < 1:
        return x
    t = torch.arange(-radius, radius + 1, dtype=torch.float32)
    k = torch.exp(-t * t / (2 * sigma * sigma))
    k /= k.sum()
    x = F.pad(x, (radius,) * 4, mode="reflect")
    x = F.conv2d(x, k.view(1, 1, 1, -1))
    return F.conv2d(x, k.view(1, 1, -1, 1))


def visualize(model, mean, std, octaves, step, l2, black, seed, jitter=1, noise=0.1, size=28):
    """Probabilities of the ten classes on their visualizations (item n maximizes class n)."""
    rng = np.random.default_rng(seed)
    lo, hi = -mean / std, (1 - mean) / std
    classes = torch.arange(10)
    x = None
    for scale, iterations, start_sigma, end_sigma in octaves:
        side = max(1, round(scale * size))
        if x is None:
            x = torch.full((10, 1, side, side), lo) if black else torch.tensor(rng.normal(size=(10, 1, side, side)) * noise / std, dtype=torch.float32)
        else:
            x = F.interpolate(x, size=(side, side), mode="bilinear", align_corners=False)
        for i in range(iterations):
            dy, dx = (int(v) for v in rng.integers(-jitter, jitter + 1, 2))
            rolled = torch.roll(x, (dy, dx), (2, 3)).requires_grad_(True)
            (-model(rolled)[classes, classes].sum()).backward()
            g = torch.roll(rolled.grad, (-dy, -dx), (2, 3)) + 2 * l2 * x
            x = x - step * g / g.abs().mean(dim=(1, 2, 3), keepdim=True)
            x = blur(x, start_sigma + (end_sigma - start_sigma) * (i / max(1, iterations - 1))).clamp(lo, hi)
    with torch.no_grad():
        return F.softmax(model(x), 1)[classes, classes].numpy()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weights", default=os.path.join(REPO, "models", "mini-vgg-fashion.h5"))
    parser.add_argument("--seeds", type=int, default=8)
    args = parser.parse_args()
    torch.set_num_threads(2)
    model, mean, std = load_model(args.weights)
    for name, (octaves, step, l2) in SETTINGS.items():
        for black in (False, True):
            lowest = [visualize(model, mean, std, octaves, step, l2, black, seed) for seed in range(1, args.seeds + 1)]
            mins = [p.min() for p in lowest]
            worst = [int(p.argmin()) for p in lowest]
            print(f"{name:34} from {'black' if black else 'noise'}: lowest {min(mins):.3f} "
                  f"(per seed {' '.join(f'{m:.3f}' for m in mins)}; class {worst})", flush=True)


if __name__ == "__main__":
    main()
