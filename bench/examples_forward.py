#!/usr/bin/python3
"""PyTorch's side of the atlas example pass, for comparison with `deepvis atlas --examples`.

The same work as DeepVis's pass (src/Cli/Atlas/ExamplePass.cs): images read lazily in batches (an IDX
file, gzipped or not, grey replicated to RGB; or a folder tree of images in sorted order), each scaled to
0..1, normalized with the model's mean and std, resized bilinearly to --size (align_corners=False, as
DeepVis's Resize), a forward pass in eval mode without autograd up to the last of --layers, and per
layer, image and channel the spatial maximum, its position and the map's sum, kept as a running top-k.

--weights names a state dict: written there first (torchvision's seeded random ResNet-18) when it does
not exist, so that `deepvis atlas --weights` runs the very same network. Prints images per second over
the pass (reading and preparing included) and the process's maximum RSS.

  /usr/bin/python3 bench/examples_forward.py --examples /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \\
      --count 10000 --threads 2 --weights /tmp/resnet18-random.pth
"""
import argparse
import gzip
import heapq
import os
import resource
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def idx_images(path, count):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">iiii", f.read(16))
        if magic != 0x803:
            raise SystemExit(f"{path}: not an IDX image file (magic 0x{magic:08x})")
        for _ in range(min(n, count)):
            grey = np.frombuffer(f.read(rows * cols), dtype=np.uint8).reshape(rows, cols).astype(np.float32) / 255
            yield np.repeat(grey[None], 3, axis=0)


def folder_images(root, count):
    from PIL import Image
    extensions = (".png", ".jpg", ".jpeg", ".bmp", ".tga", ".gif")
    files = sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs if f.lower().endswith(extensions))
    for name in files[:count]:
        try:
            rgb = np.asarray(Image.open(os.path.join(root, name)).convert("RGB"), dtype=np.float32) / 255
        except OSError:
            continue
        yield rgb.transpose(2, 0, 1)


def batches(images, size):
    batch = []
    for image in images:
        batch.append(image)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--top", type=int, default=9)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--layers", nargs="+", default=["layer3", "layer4"])
    parser.add_argument("--weights", required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = torchvision.models.resnet18()
    if os.path.exists(args.weights):
        model.load_state_dict(torch.load(args.weights))
    else:
        torch.save(model.state_dict(), args.weights)
    model.eval()
    outputs = {}
    for name in args.layers:
        model.get_submodule(name).register_forward_hook(lambda _m, _i, y, name=name: outputs.__setitem__(name, y))
    mean, std = torch.tensor(MEAN).view(1, 3, 1, 1), torch.tensor(STD).view(1, 3, 1, 1)
    read = idx_images(args.examples, args.count) if os.path.isfile(args.examples) else folder_images(args.examples, args.count)
    tops = {}
    sums = {}
    done = 0
    start = time.perf_counter()
    with torch.inference_mode():
        for batch in batches(read, args.batch):
            # Each image at its own size, normalized then resized, as DeepVis prepares them.
            x = torch.cat([F.interpolate((torch.from_numpy(b)[None] - mean) / std, size=(args.size, args.size), mode="bilinear", align_corners=False)
                           for b in batch])
            model(x) if args.layers[-1] == "fc" else forward_to(model, x, args.layers)
            for name in args.layers:
                y = outputs[name].flatten(2)
                peak, at = y.max(dim=2)
                total = y.sum(dim=2, dtype=torch.float64)
                sums[name] = sums.get(name, 0) + total.sum(dim=0)
                for n in range(y.shape[0]):
                    for c in range(y.shape[1]):
                        entry = (float(peak[n, c]), -(done + n), int(at[n, c]))
                        heap = tops.setdefault((name, c), [])
                        (heapq.heappush if len(heap) < args.top else heapq.heappushpop)(heap, entry)
            done += len(batch)
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pytorch {torch.__version__}, {args.threads} threads: {done} images at {args.size}x{args.size} up to {', '.join(args.layers)} "
          f"in {seconds:.1f} s: {done / seconds:.2f} images/s; maximum RSS {rss:.0f} MiB")


def forward_to(model, x, layers):
    """Runs torchvision's ResNet only as far as the last layer asked for."""
    last = max(["layer1", "layer2", "layer3", "layer4"].index(name) for name in layers)
    x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    for stage in [model.layer1, model.layer2, model.layer3, model.layer4][:last + 1]:
        x = stage(x)


if __name__ == "__main__":
    main()
