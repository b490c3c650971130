#!/usr/bin/python3
"""The DeepVis benchmark step in PyTorch, for comparison with `deepvis bench`, and its reference files.

One step = forward to the logits, backward to the input for one class logit (summed over the batch),
a normalized gradient step x += step * g / (mean |g| per image + 1e-8), a clamp of x to the valid
pixel range per channel. The weights are frozen (no weight gradients), the model is in eval mode
(dropout is the identity): exactly what DeepVis's step does (src/Optim/Benchmark/StepBenchmark.cs).

Timing: median over --steps steps, each synchronized on its own, after --warmup untimed steps; also
the mean with one synchronize at the end ("streamed"). Modes: fp32 (TF32 off for convolutions and
matmuls) and tf32 (PyTorch's defaults: TF32 convolutions). Peak memory: torch.cuda.max_memory_allocated.

  /usr/bin/python3 bench/pytorch_step.py --arch vgg16 --batch 16 --device cuda --mode both
  /usr/bin/python3 bench/pytorch_step.py --arch vgg16 --device cpu --threads 2 --mode fp32
  /usr/bin/python3 bench/pytorch_step.py --arch vgg16 --write-reference vgg16-ref.h5
  deepvis bench --check vgg16-ref.h5 --device cuda --batch 16

--write-reference writes a DeepVis weights file (docs/weights-format.md) of the same seeded random
weights, plus the root datasets `input`, `logits`, `input_gradient` (d logits[:, class] / d input) and
the attribute `class_index`; the reference is computed in float64 on the CPU. --width-divisor and
--classes make narrow variants (the test fixture is one: see tests/DeepVis.Tests/Fixtures/README.md).
The graph families (resnet18, resnet50, densenet121, googlenet, inception_v3, mobilenet_v2,
squeezenet1_1, efficientnet_b0, mobilenet_v3_large, convnext_tiny) are torchvision's own models with
its random initialization; their reference files carry torchvision's state-dict names, which DeepVis
reads as they are (`deepvis bench --check`); a module's own parameter (ConvNeXt's layer_scale) is
stored as that module's weight, as DeepVis's converter stores it.
"""
import argparse
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torchvision.models as tvm

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
VGG = {
    "vgg16": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "vgg19": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
    # The embedded default model's layout (weights-converter/training/train_mini_vgg.py): grayscale, 28x28.
    "mini-vgg": [16, 16, "M", 32, 32, "M"],
}
# Input channels, mean and std as DeepVis's seeded random weights record them (src/Nets/Zoo/RandomWeights.cs).
STATS = {"mini-vgg": (1, [0.5], [0.5])}
GRAPHS = ["resnet18", "resnet50", "densenet121", "googlenet", "inception_v3", "mobilenet_v2", "squeezenet1_1",
          "efficientnet_b0", "mobilenet_v3_large", "convnext_tiny"]


def torchvision_model(arch, classes):
    """torchvision's model, random-initialized, without the training-only auxiliary classifiers."""
    extra = {"aux_logits": False, "init_weights": True} if arch in ("googlenet", "inception_v3") else {}
    return getattr(tvm, arch)(weights=None, num_classes=classes, **extra)


def stats(arch):
    return STATS.get(arch, (3, MEAN, STD))


class Net(nn.Module):
    """torchvision's VGG / AlexNet layouts (same state-dict names); widths divided by `divisor`."""

    def __init__(self, arch, divisor, classes):
        super().__init__()
        d = lambda w: max(1, w // divisor)  # noqa: E731
        hidden = d(4096)
        if arch == "alexnet":
            self.features = nn.Sequential(
                nn.Conv2d(3, d(64), 11, stride=4, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
                nn.Conv2d(d(64), d(192), 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
                nn.Conv2d(d(192), d(384), 3, padding=1), nn.ReLU(),
                nn.Conv2d(d(384), d(256), 3, padding=1), nn.ReLU(),
                nn.Conv2d(d(256), d(256), 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2))
            self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
            self.classifier = nn.Sequential(
                nn.Dropout(), nn.Linear(d(256) * 36, hidden), nn.ReLU(),
                nn.Dropout(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, classes))
        else:
            layers, channels = [], stats(arch)[0]
            for v in VGG[arch]:
                if v == "M":
                    layers.append(nn.MaxPool2d(2, 2))
                else:
                    layers += [nn.Conv2d(channels, d(v), 3, padding=1), nn.ReLU()]
                    channels = d(v)
            self.features = nn.Sequential(*layers)
            self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
            if arch == "mini-vgg":
                self.classifier = nn.Sequential(
                    nn.Linear(channels * 49, d(128)), nn.ReLU(), nn.Dropout(), nn.Linear(d(128), classes))
            else:
                self.classifier = nn.Sequential(
                    nn.Linear(channels * 49, hidden), nn.ReLU(), nn.Dropout(),
                    nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(), nn.Linear(hidden, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def flops_per_step(model, batch, size):
    """2 * output elements * fan-in for every conv and linear layer, forward and input backward."""
    total, hooks = 0, []

    def count(module, _, out):
        nonlocal total
        fan_in = module.weight[0].numel()
        total += 2 * 2 * out.numel() * fan_in

    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            hooks.append(m.register_forward_hook(count))
    with torch.no_grad():
        channels = model.features[0].in_channels if isinstance(model, Net) else 3
        model(torch.zeros(batch, channels, size, size, device=next(model.parameters()).device, dtype=next(model.parameters()).dtype))
    for h in hooks:
        h.remove()
    return total


def make_step(model, x, cls, step_size, lo, hi):
    def step():
        x.grad = None
        model(x)[:, cls].sum().backward()
        with torch.no_grad():
            g = x.grad
            x.add_(step_size * g / (g.abs().mean(dim=(1, 2, 3), keepdim=True) + 1e-8))
            torch.maximum(torch.minimum(x, hi), lo, out=x)
    return step


def bench(model, args, device, mode):
    torch.backends.cudnn.allow_tf32 = mode == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = False
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    g = torch.Generator().manual_seed(args.seed)
    channels, mean, std = stats(args.arch)
    x = (torch.rand(args.batch, channels, args.size, args.size, generator=g) - 0.5).to(device).requires_grad_(True)
    mean = torch.tensor(mean, device=device).view(1, channels, 1, 1)
    std = torch.tensor(std, device=device).view(1, channels, 1, 1)
    step = make_step(model, x, args.cls, 1.0, (0 - mean) / std, (1 - mean) / std)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    for _ in range(args.warmup):
        step()
    sync()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        sync()
        times.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    for _ in range(args.steps):
        step()
    sync()
    streamed = (time.perf_counter() - start) * 1000 / args.steps
    median = statistics.median(times)
    flops = flops_per_step(model, args.batch, args.size)
    peak = torch.cuda.max_memory_allocated() / 2**20 if device.type == "cuda" else float("nan")
    threads = f", {torch.get_num_threads()} threads" if device.type == "cpu" else ""
    print(f"pytorch {torch.__version__} {mode} on {device.type}{threads}: {args.arch}, batch {args.batch}, "
          f"{args.size}x{args.size}, {args.steps} steps after {args.warmup} warm-up")
    print(f"  {median:.2f} ms/step (median, each step synchronized); {streamed:.2f} ms/step streamed")
    print(f"  {args.batch * 1000 / median:.1f} image-steps/s")
    print(f"  {flops / 1e9:.2f} GFLOP/step (conv + linear, forward + input backward): {flops / (median * 1e9):.3f} TFLOP/s")
    print(f"  peak device memory {peak:.1f} MiB (torch.cuda.max_memory_allocated)")


def write_reference(model, args, path):
    """Our weights format plus input, logits and d logits[:, class] / d input, computed in float64."""
    import h5py
    model = model.double().cpu()
    g = torch.Generator().manual_seed(args.seed + 1)
    channels, mean, std = stats(args.arch)
    x = ((torch.rand(args.batch, channels, args.size, args.size, generator=g, dtype=torch.float64)
          - torch.tensor(mean, dtype=torch.float64).view(1, channels, 1, 1))
         / torch.tensor(std, dtype=torch.float64).view(1, channels, 1, 1)).requires_grad_(True)
    logits = model(x)
    logits[:, args.cls].sum().backward()
    classes = logits.shape[1]
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "deepvis-weights"
        f.attrs["version"] = np.int32(1)
        f.attrs["arch"] = args.arch
        f.attrs["input_channels"] = np.int32(channels)
        f.attrs["mean"] = np.array(mean, dtype=np.float32)
        f.attrs["std"] = np.array(std, dtype=np.float32)
        f.attrs["default_size"] = np.int32(args.size)
        f.attrs["class_count"] = np.int32(classes)
        f.attrs["color_order"] = "RGB"
        f.attrs["input_range"] = np.float32(1.0)
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            layer, kind = name.rsplit(".", 1)
            if kind not in ("weight", "bias", "running_mean", "running_var"):
                # A module's own parameter (ConvNeXt's layer_scale): DeepVis stores it as that node's weight.
                layer, kind = name, "weight"
            f.require_group(layer).create_dataset(kind, data=tensor.numpy().astype(np.float32))
        f.create_dataset("input", data=x.detach().numpy().astype(np.float32))
        f.create_dataset("logits", data=logits.detach().numpy().astype(np.float32))
        f.create_dataset("input_gradient", data=x.grad.numpy().astype(np.float32))
        f.attrs["class_index"] = np.int32(args.cls)
    print(f"reference -> {path}: input {tuple(x.shape)}, logits {tuple(logits.shape)}, class {args.cls}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--arch", choices=["vgg16", "vgg19", "alexnet", "mini-vgg", *GRAPHS], default="vgg16")
    p.add_argument("--size", type=int, default=None, help="input side (default 224, 28 for mini-vgg)")
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--class", dest="cls", type=int, default=0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--threads", type=int, default=None, help="CPU threads (torch.set_num_threads; default: torch's)")
    p.add_argument("--mode", choices=["fp32", "tf32", "both"], default="both")
    p.add_argument("--width-divisor", type=int, default=1, help="divide every width (narrow test variants)")
    p.add_argument("--classes", type=int, default=1000)
    p.add_argument("--write-reference", metavar="FILE", help="write the reference file for `deepvis bench --check` and exit")
    args = p.parse_args()
    if args.size is None:
        args.size = {"mini-vgg": 28, "inception_v3": 299}.get(args.arch, 224)
    if args.threads is not None:
        torch.set_num_threads(args.threads)

    torch.manual_seed(args.seed)
    model = (torchvision_model(args.arch, args.classes) if args.arch in GRAPHS
             else Net(args.arch, args.width_divisor, args.classes)).eval()
    for param in model.parameters():
        param.requires_grad_(False)
    if args.write_reference:
        write_reference(model, args, args.write_reference)
        return
    device = torch.device(args.device)
    model = model.to(device)
    for mode in (["fp32", "tf32"] if args.mode == "both" else [args.mode]):
        bench(model, args, device, mode)


if __name__ == "__main__":
    main()
