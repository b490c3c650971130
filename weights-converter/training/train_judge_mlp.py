#!/usr/bin/python3
"""Train the judge: a Fashion-MNIST classifier of another architecture than the default mini-vgg.

`deepvis quality --judge` asks it which class each class visualization of the default model shows
(the transfer test): images that carry their class, not only the default model's own quirks,
are recognized by a network that shares none of its layers. It must never be used while tuning.

A multilayer perceptron, no convolution: Flatten, Linear(784, 256), ReLU, Dropout, Linear(256, 128),
ReLU, Dropout, Linear(128, 10). Data, normalization, augmentation and schedule as train_mini_vgg.py.
Exported with torch.onnx.export (Flatten, Gemm, Relu), which DeepVis's converter imports.

  /usr/bin/python3 weights-converter/training/train_judge_mlp.py --threads 1 [--out /tmp/judge-mlp-fashion.onnx]
  dotnet run --project src/Cli -- convert /tmp/judge-mlp-fashion.onnx --out models/judge-mlp-fashion.h5 \\
      --classes models/fashion-mnist-classes.txt --mean 0.286041 --std 0.353024 --size 28
"""
import argparse
import os

import torch
import torch.nn as nn

from train_mini_vgg import parse_and_load, train


def mlp(hidden1, hidden2, dropout, classes=10):
    return nn.Sequential(
        nn.Flatten(), nn.Linear(28 * 28, hidden1), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(hidden1, hidden2), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden2, classes))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="/tmp/judge-mlp-fashion.onnx", help="where to write the ONNX export")
    parser.add_argument("--hidden1", type=int, default=256)
    parser.add_argument("--hidden2", type=int, default=128)
    parser.add_argument("--dropout", type=float, default=0.2)
    args, data = parse_and_load(parser, epochs=8)
    model = mlp(args.hidden1, args.hidden2, args.dropout)
    train(model, f"mlp 784-{args.hidden1}-{args.hidden2}-10", args, data)
    model.eval()
    x_test, mean, std = data[2], data[5], data[6]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.onnx.export(model, x_test[:1], args.out, opset_version=13, input_names=["input"], output_names=["logits"])
    print(f"ONNX -> {args.out}")
    print(f"convert with: --mean {mean:.6f} --std {std:.6f} --size 28")


if __name__ == "__main__":
    main()
