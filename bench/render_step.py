#!/usr/bin/python3
"""A Lucent-style render loop in PyTorch, the peer of `deepvis bench --render`: milliseconds per step.

The same work as DeepVis's `render` with Lucid's recipe (src/Optim/Render, Parameterization,
Transforms), done the way Lucent (the PyTorch port of Lucid) does it:

  parameters   an rfft2 spectrum [N, 3, H, W/2+1, 2] drawn from N(0, 0.01^2), scaled per frequency by
               1 / max(f, 1 / max(H, W)) (decay 1), inverse FFT (torch.fft.irfftn, norm "ortho"), / 4
  colour       Lucid's decorrelation matrix (the square root of ImageNet's colour correlation, divided
               by its largest column norm), then the sigmoid into 0..1
  transforms   Lucid's standard_transforms, one draw per step for the whole batch as Lucent draws:
               pad 12 with 0.5, jitter 8 (a translation through grid_sample, as kornia's translate),
               scale 1 + (i - 5) / 50 (bilinear interpolation, then zero padding), rotate -10..10
               degrees (affine_grid + grid_sample), jitter 4; then a centred crop or pad back to the
               render size, as DeepVis's transform chain ends (Lucent instead upsamples images under
               224 px to 224, which would give the network more work than DeepVis's render does)
  network      ImageNet normalization, the whole model's forward (eval mode, frozen weights) with a
               forward hook on the objective's layer
  objective    LAYER:CHANNEL, the channel's mean over the batch and positions (Lucent's channel)
  update       Adam at 0.05 on the spectrum

The weights are torchvision's random initialization: a step's time does not depend on them.
Timing: the median over --steps steps after --warmup untimed ones, and their mean ("streamed").

  OMP_NUM_THREADS=2 /usr/bin/python3 bench/render_step.py --size 128 --batch 16 --steps 8 --threads 2
"""
import argparse
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision.models as tvm

MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
# Lucid's color_correlation_svd_sqrt.
COLOR_SVD_SQRT = np.asarray([[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]], dtype=np.float32)


def rfft2d_freqs(h, w):
    """Lucent's rfft2d_freqs: the frequency magnitude of every rfft2 coefficient."""
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.fftfreq(w)[: w // 2 + (2 if w % 2 == 1 else 1)]
    return np.sqrt(fx * fx + fy * fy)


def fft_image(batch, h, w, generator):
    """Lucent's fft_image (sd 0.01, decay 1): the parameters and the function that makes the image."""
    freqs = rfft2d_freqs(h, w)
    spectrum = (torch.randn(batch, 3, *freqs.shape, 2, generator=generator) * 0.01).requires_grad_(True)
    scale = torch.tensor(1.0 / np.maximum(freqs, 1.0 / max(w, h))).float()[None, None, ..., None]

    def image():
        scaled = torch.view_as_complex(scale * spectrum)
        return torch.fft.irfftn(scaled, s=(h, w), norm="ortho")[:batch, :3, :h, :w] / 4.0

    return spectrum, image


def to_valid_rgb(image):
    """Lucent's _linear_decorrelate_color and sigmoid."""
    normalized = torch.tensor(COLOR_SVD_SQRT / np.max(np.linalg.norm(COLOR_SVD_SQRT, axis=0)))
    return torch.sigmoid(torch.matmul(image.permute(0, 2, 3, 1), normalized.T).permute(0, 3, 1, 2))


def affine(image, theta):
    """Samples image through the 2x3 matrix theta (normalized coordinates), zeros outside: kornia's warp."""
    grid = F.affine_grid(theta.expand(image.shape[0], 2, 3), list(image.shape), align_corners=False)
    return F.grid_sample(image, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def jitter(d, rng):
    def inner(image):
        dx, dy = rng.choice(d), rng.choice(d)
        h, w = image.shape[2:]
        return affine(image, torch.tensor([[1.0, 0.0, -2.0 * dx / w], [0.0, 1.0, -2.0 * dy / h]]))
    return inner


def pad(p, value):
    return lambda image: F.pad(image, [p] * 4, mode="constant", value=value)


def random_scale(scales, rng):
    def inner(image):
        scale = rng.choice(scales)
        h, w = image.shape[2:]
        sh, sw = int(np.ceil(scale * h)), int(np.ceil(scale * w))
        pad_x, pad_y = max(0, int(np.ceil((w - sw) / 2))), max(0, int(np.ceil((h - sh) / 2)))
        return F.pad(F.interpolate(image, size=(sh, sw), mode="bilinear", align_corners=True), [pad_y, pad_x] * 2)
    return inner


def random_rotate(angles, rng):
    def inner(image):
        alpha = np.deg2rad(rng.choice(angles))
        c, s = float(np.cos(alpha)), float(np.sin(alpha))
        h, w = image.shape[2:]
        # A rotation about the centre in pixels, in normalized coordinates of a non-square image.
        return affine(image, torch.tensor([[c, -s * h / w, 0.0], [s * w / h, c, 0.0]]))
    return inner


def crop_or_pad(size):
    def inner(image):
        h, w = image.shape[2:]
        if h >= size:
            top, left = (h - size) // 2, (w - size) // 2
            return image[:, :, top:top + size, left:left + size]
        before = (size - h) // 2
        return F.pad(image, [before, size - h - before, before, size - w - before], value=0.5)
    return inner


def standard_transforms(size, rng):
    """Lucent's standard_transforms, then back to the render size."""
    return [pad(12, 0.5), jitter(8, rng), random_scale([1 + (i - 5) / 50.0 for i in range(11)], rng),
            random_rotate(list(range(-10, 11)) + 5 * [0], rng), jitter(4, rng), crop_or_pad(size)]


def parse_objective(text):
    layer, channel = text.rsplit(":", 1)
    return layer, int(channel)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--arch", default="resnet18", help="a torchvision model (random weights)")
    p.add_argument("--objective", default="layer3:12", help="LAYER:CHANNEL, LAYER a module name of the model")
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--batch", type=int, default=1)
    p.add_argument("--steps", type=int, default=16)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    model = getattr(tvm, args.arch)(weights=None).eval()
    for param in model.parameters():
        param.requires_grad_(False)
    layer, channel = parse_objective(args.objective)
    captured = {}
    dict(model.named_modules())[layer].register_forward_hook(lambda _m, _i, out: captured.__setitem__("out", out))

    spectrum, image_f = fft_image(args.batch, args.size, args.size, torch.Generator().manual_seed(args.seed))
    transforms = standard_transforms(args.size, rng)
    mean, std = torch.tensor(MEAN).view(1, 3, 1, 1), torch.tensor(STD).view(1, 3, 1, 1)
    optimizer = torch.optim.Adam([spectrum], lr=0.05)

    def step():
        optimizer.zero_grad()
        image = to_valid_rgb(image_f())
        for t in transforms:
            image = t(image)
        model((image - mean) / std)
        loss = -captured["out"][:, channel].mean()
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        loss = step()
        times.append((time.perf_counter() - start) * 1000)
    median, streamed = statistics.median(times), sum(times) / len(times)
    print(f"pytorch {torch.__version__} render on cpu, {torch.get_num_threads()} threads: {args.arch} {args.objective}, "
          f"batch {args.batch}, {args.size}x{args.size}, {args.steps} steps after {args.warmup} warm-up")
    print(f"  {median:.2f} ms/step (median, each step synchronized); {streamed:.2f} ms/step streamed")
    print(f"  {args.batch * 1000 / median:.1f} image-steps/s")
    print(f"  objective {-loss:.4g} at the last step")


if __name__ == "__main__":
    main()
