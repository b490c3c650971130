#!/usr/bin/python3
"""Train the zoo's mini-vgg on Fashion-MNIST: the embedded default model of DeepVis.

The module has exactly the state-dict names of the `mini-vgg` layout in
src/Nets/Zoo/Architectures.cs (torchvision VGG naming, two conv blocks, two linear layers):

  features.0  Conv2d(1, c1, 3, pad 1)    features.5  Conv2d(c1, c2, 3, pad 1)
  features.1  ReLU                       features.6  ReLU
  features.2  Conv2d(c1, c1, 3, pad 1)   features.7  Conv2d(c2, c2, 3, pad 1)
  features.3  ReLU                       features.8  ReLU
  features.4  MaxPool2d(2)               features.9  MaxPool2d(2)
  avgpool     AdaptiveAvgPool2d(7)       (the identity at 28x28 input: 28 / 2 / 2 = 7)
  classifier.0 Linear(c2 * 49, hidden), classifier.1 ReLU, classifier.2 Dropout,
  classifier.3 Linear(hidden, 10)

Data: Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist, IDX files read
here with gzip + numpy). Input: grayscale pixel p in 0..1, normalized as (p - mean) / std with the
training set's mean and std (printed). Fixed seed, deterministic on the CPU.

Run with Debian's PyTorch (not the python3 first on PATH):

  /usr/bin/python3 weights-converter/training/train_mini_vgg.py [--out /tmp/mini-vgg-fashion.pth]

It prints per-epoch train loss and test accuracy and the final test accuracy, saves the state dict
with torch.save, and writes models/fashion-mnist-classes.txt (the ten class names in index order).
"""
import argparse
import gzip
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"
REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CLASSES = ["t-shirt/top", "trouser", "pullover", "dress", "coat",
           "sandal", "shirt", "sneaker", "bag", "ankle boot"]


def read_idx(path):
    """An IDX file (gzip-compressed): big-endian magic 0x0000 <type> <ndim>, ndim int32 sizes, data."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} bytes of data for dims {dims}")
    return data.reshape(dims)


def load_split(split):
    """Images as uint8 [N, 28, 28] and labels as int64 [N] for split 'train' or 't10k'."""
    images = read_idx(os.path.join(DATA, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATA, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{split}: {images.shape[0]} images but {labels.shape[0]} labels")
    return images, labels


def normalize(images, mean, std):
    """uint8 [N, 28, 28] -> float32 tensor [N, 1, 28, 28] as (p - mean) / std, p = pixel / 255."""
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return (x - mean) / std


class MiniVgg(nn.Module):
    def __init__(self, c1, c2, hidden, classes=10, dropout=0.5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, c1, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(c1, c1, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
            nn.Conv2d(c1, c2, kernel_size=3, padding=1), nn.ReLU(),
            nn.Conv2d(c2, c2, kernel_size=3, padding=1), nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2))
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(c2 * 49, hidden), nn.ReLU(), nn.Dropout(dropout),
            nn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def augment(x, generator, background, shift):
    """Random horizontal flip (half the batch) and a random translation of up to `shift` pixels."""
    n, _, h, w = x.shape
    flip = torch.rand(n, generator=generator) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    if shift == 0:
        return x
    padded = F.pad(x, (shift, shift, shift, shift), value=background)
    dy = torch.randint(0, 2 * shift + 1, (n,), generator=generator)
    dx = torch.randint(0, 2 * shift + 1, (n,), generator=generator)
    rows = (dy[:, None] + torch.arange(h))[:, :, None]
    cols = (dx[:, None] + torch.arange(w))[:, None, :]
    return padded[torch.arange(n)[:, None, None], 0, rows, cols].unsqueeze(1)


@torch.no_grad()
def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    for i in range(0, x.shape[0], batch):
        correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return correct / x.shape[0]


def parse_and_load(parser, epochs):
    """Adds the options every Fashion-MNIST training script here shares, parses the command line,
    seeds everything and loads the data: (args, data) with data as load_data returns it."""
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=2e-3, help="Adam learning rate, cosine-annealed to 0")
    parser.add_argument("--shift", type=int, default=1, help="random translation in pixels (0: none)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    return args, load_data(args)


def load_data(args):
    """Seeds everything, reads both splits and normalizes them with the training set's mean and std:
    (x_train, y_train, x_test, y_test, background, mean, std), background being a black pixel."""
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.use_deterministic_algorithms(True)
    train_images, train_labels = load_split("train")
    test_images, test_labels = load_split("t10k")
    pixels = train_images.astype(np.float64) / 255.0
    mean, std = float(pixels.mean()), float(pixels.std())
    print(f"train {train_images.shape[0]} images, test {test_images.shape[0]}; "
          f"mean {mean:.6f} std {std:.6f} (pixels in 0..1, training set)")
    return (normalize(train_images, mean, std), torch.from_numpy(train_labels),
            normalize(test_images, mean, std), torch.from_numpy(test_labels), (0.0 - mean) / std, mean, std)


def train(model, name, args, data):
    """Adam with a one-cycle cosine schedule, flips and shifts; prints each epoch; returns the test accuracy."""
    x_train, y_train, x_test, y_test, background, _, _ = data
    print(f"{name}: {sum(p.numel() for p in model.parameters()):,} parameters")
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = (x_train.shape[0] + args.batch - 1) // args.batch
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch,
        pct_start=0.15, anneal_strategy="cos")
    generator = torch.Generator().manual_seed(args.seed)

    start = time.time()
    accuracy = 0.0
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(x_train.shape[0], generator=generator)
        total, count = 0.0, 0
        for i in range(0, order.shape[0], args.batch):
            index = order[i:i + args.batch]
            x = augment(x_train[index], generator, background, args.shift)
            loss = F.cross_entropy(model(x), y_train[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item() * index.shape[0]
            count += index.shape[0]
        accuracy = evaluate(model, x_test, y_test)
        print(f"epoch {epoch}/{args.epochs}: train loss {total / count:.4f}, "
              f"test accuracy {accuracy * 100:.2f}%, {time.time() - start:.0f} s", flush=True)

    print(f"final test accuracy {accuracy * 100:.2f}% ({round(accuracy * x_test.shape[0])}/{x_test.shape[0]}), "
          f"training time {time.time() - start:.0f} s on {args.threads} threads")
    return accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="/tmp/mini-vgg-fashion.pth", help="where to torch.save the state dict")
    parser.add_argument("--classes-out", default=os.path.join(REPO, "models", "fashion-mnist-classes.txt"),
                        help="where to write the class names, one per line in index order")
    parser.add_argument("--c1", type=int, default=32, help="channels of the first conv block")
    parser.add_argument("--c2", type=int, default=64, help="channels of the second conv block")
    parser.add_argument("--hidden", type=int, default=128, help="width of the hidden linear layer")
    args, data = parse_and_load(parser, epochs=8)
    model = MiniVgg(args.c1, args.c2, args.hidden)
    train(model, f"mini-vgg c1={args.c1} c2={args.c2} hidden={args.hidden}", args, data)
    mean, std = data[5:]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save(model.state_dict(), args.out)
    print(f"state dict -> {args.out}")
    os.makedirs(os.path.dirname(os.path.abspath(args.classes_out)), exist_ok=True)
    with open(args.classes_out, "w", encoding="utf-8") as f:
        f.write("\n".join(CLASSES) + "\n")
    print(f"class names -> {args.classes_out}")
    print(f"convert with: --mean {mean:.6f} --std {std:.6f} --size 28")


if __name__ == "__main__":
    main()
