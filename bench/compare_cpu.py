#!/usr/bin/python3
"""DeepVis's cpu device against PyTorch's CPU, side by side in one run, at the same thread count.

For each row it runs `deepvis bench --device cpu --threads T` and `bench/pytorch_step.py --device cpu
--threads T --mode fp32` on the same step (forward to the logits, backward to the input, normalized
step, clamp), one after the other, and prints a Markdown table: ms/step (median), GFLOP/s, the ratio
of DeepVis's throughput to PyTorch's, and each one's fraction of the machine's peak.

  /usr/bin/python3 bench/compare_cpu.py --threads 2 --peak-gflops 156.5
  /usr/bin/python3 bench/compare_cpu.py --rows alexnet:1 mini-vgg:10 --steps 5
  /usr/bin/python3 bench/compare_cpu.py --rows resnet50:1 mobilenet_v2:1 googlenet:1 densenet121:1

The default rows are the issue's: alexnet and vgg16 at 224, batch 1 and 8; mini-vgg at 28, batch 10.
Build first (`dotnet build -c Release src/Cli`); --deepvis names the executable.
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_ROWS = ["alexnet:1", "alexnet:8", "vgg16:1", "vgg16:8", "mini-vgg:10"]
# torchvision's graph families (bench/pytorch_step.py builds them): rows such as resnet50:1.
GRAPHS = ["resnet18", "resnet50", "densenet121", "googlenet", "inception_v3", "mobilenet_v2", "squeezenet1_1"]
MS = re.compile(r"([0-9.]+) ms/step \(median")
GFLOP = re.compile(r"([0-9.]+) GFLOP/step")


def execute(command, env):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def run(command, env):
    stdout = execute(command, env)
    ms, flop = MS.search(stdout), GFLOP.search(stdout)
    if not ms or not flop:
        sys.exit(f"{' '.join(command)}: no timing in its output:\n{stdout}")
    return float(ms.group(1)), float(flop.group(1))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--rows", nargs="+", default=DEFAULT_ROWS, metavar="ARCH:BATCH")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--peak-gflops", type=float, default=None,
                   help="the machine's fp32 peak: cores x FMA units x 8 lanes x 2 x clock (GHz)")
    p.add_argument("--scratch", default="/tmp", help="where the graph families' reference files go")
    p.add_argument("--deepvis", default=os.path.join(REPO, "src", "Cli", "bin", "Release", "net10.0", "deepvis"))
    args = p.parse_args()

    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))
    peak = f" (peak {args.peak_gflops:g} GFLOP/s)" if args.peak_gflops else ""
    print(f"| network | batch | size | DeepVis cpu ms/step | GFLOP/s | PyTorch ms/step | GFLOP/s | DeepVis / PyTorch | "
          f"DeepVis, PyTorch of peak{peak} |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in args.rows:
        arch, batch = row.split(":")
        size = {"mini-vgg": "28", "inception_v3": "299"}.get(arch, "224")
        common = ["--arch", arch, "--batch", batch, "--size", size, "--steps", str(args.steps), "--warmup", str(args.warmup)]
        ours_args = common
        if arch in GRAPHS:
            # DeepVis has no random weights of its own for these: time PyTorch's, checked first.
            reference = os.path.join(args.scratch, f"{arch}-ref.h5")
            execute(["/usr/bin/python3", os.path.join(HERE, "pytorch_step.py"), "--arch", arch, "--size", size,
                       "--write-reference", reference], env)
            # Deep ReLU networks: an activation within float32 rounding of zero takes the other side of
            # the kink in one implementation, moving the input gradient by up to ~1e-2 (L2): see
            # src/Optim/Benchmark/ReferenceCheck.cs (the logits agree to about 1e-6).
            ours_args = ["--check", reference, "--tolerance", "2e-2", "--batch", batch, "--size", size,
                         "--steps", str(args.steps), "--warmup", str(args.warmup)]
        ours, flop = run([args.deepvis, "bench", "--device", "cpu", "--threads", str(args.threads), *ours_args], env)
        theirs, _ = run(["/usr/bin/python3", os.path.join(HERE, "pytorch_step.py"), "--device", "cpu", "--threads",
                         str(args.threads), "--mode", "fp32", *common], env)
        ours_rate, theirs_rate = flop / ours * 1000, flop / theirs * 1000
        share = (f"{ours_rate / args.peak_gflops:.0%}, {theirs_rate / args.peak_gflops:.0%}" if args.peak_gflops else "")
        print(f"| {arch} | {batch} | {size} | {ours:.1f} | {ours_rate:.1f} | {theirs:.1f} | {theirs_rate:.1f} | "
              f"{theirs / ours:.2f}x | {share} |", flush=True)


if __name__ == "__main__":
    main()
