#!/usr/bin/python3
"""DeepVis's cpu device against its CPU peers, side by side in one run, at the same thread count.

Step rows (ARCH:BATCH): the benchmark step (forward to the logits, backward to the input, normalized
step, clamp) on `deepvis bench --device cpu --threads T` and on each peer named by --peers:
`pytorch` (bench/pytorch_step.py --mode fp32, PyTorch 1.13 here) and `torchsharp`
(bench/torchsharp/run.sh, TorchSharp 0.107 on libtorch 2.10; see bench/torchsharp/README.md). Render
rows (--render SIZE:BATCH:STEPS): the render loop of `deepvis bench --render` against bench/render_step.py
(a Lucent-style PyTorch loop) on --render-arch, objective --objective.

The sides of a row run one after the other, --repeats times (A B C A B C ...), and each side keeps its
best median: the machine is shared, so interleaving spreads the noise over all sides. On a machine
with more runnable threads than cores, libtorch's OpenMP threads spin at every barrier while the thread
they wait for is descheduled, and a step takes 30-70x longer (measured here with a load average of
about 50); --omp-wait-policy passive (the default) makes them sleep instead, as OMP_WAIT_POLICY does,
which is what such a machine should be compared with. `default` leaves OpenMP's own choice. One Markdown
table per peer: ms/step (median), GFLOP/s, the ratio of DeepVis's throughput to the peer's, and each
one's fraction of the machine's peak. The graph families' weights, and every row of the torchsharp
peer, come from bench/pytorch_step.py --write-reference, which `deepvis bench --check` and the
torchsharp peer check their logits and input gradient against before timing.

  /usr/bin/python3 bench/compare_cpu.py --threads 2 --peak-gflops 156.5
  /usr/bin/python3 bench/compare_cpu.py --rows resnet18:1 mobilenet_v2:1 --peers pytorch torchsharp
  /usr/bin/python3 bench/compare_cpu.py --rows --render 128:1:16 128:16:4 224:16:2

The default rows are alexnet and vgg16 at 224, batch 1 and 8, and mini-vgg at 28, batch 10.
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
GRAPHS = ["resnet18", "resnet50", "densenet121", "googlenet", "inception_v3", "mobilenet_v2", "squeezenet1_1",
          "efficientnet_b0", "mobilenet_v3_large", "convnext_tiny"]
MS = re.compile(r"([0-9.]+) ms/step \(median")
GFLOP = re.compile(r"([0-9.]+) GFLOP/step")
PEER_NAMES = {"pytorch": "PyTorch", "torchsharp": "TorchSharp"}


def execute(command, env):
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout


def run(command, env):
    """The median ms/step and the GFLOP/step (None when the output has none) of one side."""
    stdout = execute(command, env)
    ms, flop = MS.search(stdout), GFLOP.search(stdout)
    if not ms:
        sys.exit(f"{' '.join(command)}: no timing in its output:\n{stdout}")
    return float(ms.group(1)), float(flop.group(1)) if flop else None


def interleaved(sides, repeats, env):
    """Runs every side's command once per round, `repeats` rounds; each side's best median and GFLOP/step."""
    best = {}
    for _ in range(repeats):
        for name, command in sides.items():
            ms, flop = run(command, env)
            previous = best.get(name, (float("inf"), None))
            best[name] = (min(ms, previous[0]), flop if flop is not None else previous[1])
    return best


def reference(arch, size, args, env):
    """bench/pytorch_step.py's reference file (its seeded torchvision weights) for arch at size, made once."""
    path = os.path.join(args.scratch, f"{arch}-{size}-ref.h5")
    if not os.path.exists(path):
        execute(["/usr/bin/python3", os.path.join(HERE, "pytorch_step.py"), "--arch", arch, "--size", str(size),
                 "--write-reference", path], env)
    return path


def print_tables(title, peers, rows, args):
    """One table per peer: rows of (label, DeepVis ms, GFLOP/step, {peer: ms or None})."""
    peak = f" (peak {args.peak_gflops:g} GFLOP/s)" if args.peak_gflops else ""
    for peer in peers:
        name = PEER_NAMES[peer]
        print(f"\n{title}, DeepVis against {name}, {args.threads} threads:\n")
        print(f"| row | DeepVis cpu ms/step | GFLOP/s | {name} ms/step | GFLOP/s | DeepVis / {name} | DeepVis, {name} of peak{peak} |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for label, ours, flop, theirs in rows:
            if theirs.get(peer) is None:
                print(f"| {label} | {ours:.1f} | {flop / ours * 1000:.1f} | n/a | | | |")
                continue
            ours_rate, theirs_rate = flop / ours * 1000, flop / theirs[peer] * 1000
            share = (f"{ours_rate / args.peak_gflops:.0%}, {theirs_rate / args.peak_gflops:.0%}" if args.peak_gflops else "")
            print(f"| {label} | {ours:.1f} | {ours_rate:.1f} | {theirs[peer]:.1f} | {theirs_rate:.1f} | {theirs[peer] / ours:.2f}x | {share} |")


def step_rows(args, env):
    rows = []
    for row in args.rows:
        arch, batch = row.split(":")
        size = {"mini-vgg": "28", "inception_v3": "299"}.get(arch, "224")
        common = ["--arch", arch, "--batch", batch, "--size", size, "--steps", str(args.steps), "--warmup", str(args.warmup)]
        ours_args = common
        if arch in GRAPHS:
            # Time PyTorch's own weights of these, checked first.
            # Deep ReLU networks: an activation within float32 rounding of zero takes the other side of
            # the kink in one implementation, moving the input gradient by up to ~1e-2 (L2): see
            # src/Optim/Benchmark/ReferenceCheck.cs (the logits agree to about 1e-6).
            ours_args = ["--check", reference(arch, size, args, env), "--tolerance", "2e-2", "--batch", batch, "--size", size,
                         "--steps", str(args.steps), "--warmup", str(args.warmup)]
        sides = {"deepvis": [args.deepvis, "bench", "--device", "cpu", "--threads", str(args.threads), *ours_args]}
        if "pytorch" in args.peers:
            sides["pytorch"] = ["/usr/bin/python3", os.path.join(HERE, "pytorch_step.py"), "--device", "cpu", "--threads",
                                str(args.threads), "--mode", "fp32", *common]
        if "torchsharp" in args.peers and arch != "mini-vgg":
            sides["torchsharp"] = [os.path.join(HERE, "torchsharp", "run.sh"), "--reference", reference(arch, size, args, env),
                                   "--arch", arch, "--threads", str(args.threads), "--tolerance", "2e-2", *common[2:]]
        best = interleaved(sides, args.repeats, env)
        ours, flop = best.pop("deepvis")
        rows.append((f"{arch}, batch {batch}, {size} px", ours, flop, {peer: ms for peer, (ms, _) in best.items()}))
        print(f"{rows[-1][0]}: " + ", ".join(f"{k} {v:.1f} ms" for k, v in [("deepvis", ours), *rows[-1][3].items()]),
              file=sys.stderr, flush=True)
    return rows


def render_rows(args, env):
    rows = []
    weights = reference(args.render_arch, 224, args, env)
    for row in args.render:
        size, batch, steps = row.split(":")
        common = ["--size", size, "--batch", batch, "--steps", steps, "--warmup", str(args.warmup), "--threads", str(args.threads),
                  "--objective", args.objective]
        best = interleaved({
            "deepvis": [args.deepvis, "bench", "--render", "--device", "cpu", "--weights", weights, *common],
            "pytorch": ["/usr/bin/python3", os.path.join(HERE, "render_step.py"), "--arch", args.render_arch, *common],
        }, args.repeats, env)
        ours, flop = best["deepvis"]
        rows.append((f"{args.render_arch} {args.objective}, {size} px, batch {batch}, {steps} steps", ours, flop,
                     {"pytorch": best["pytorch"][0]}))
        print(f"{rows[-1][0]}: deepvis {ours:.1f} ms, pytorch {best['pytorch'][0]:.1f} ms", file=sys.stderr, flush=True)
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--rows", nargs="*", default=DEFAULT_ROWS, metavar="ARCH:BATCH", help="step rows (none: render rows only)")
    p.add_argument("--peers", nargs="+", choices=sorted(PEER_NAMES), default=["pytorch"], help="peers of the step rows")
    p.add_argument("--render", nargs="*", default=[], metavar="SIZE:BATCH:STEPS", help="render rows, against bench/render_step.py")
    p.add_argument("--render-arch", default="resnet18")
    p.add_argument("--objective", default="layer3:12", help="the render rows' objective")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--repeats", type=int, default=2, help="rounds of interleaved runs; each side keeps its best median")
    p.add_argument("--peak-gflops", type=float, default=None,
                   help="the machine's fp32 peak: cores x FMA units x 8 lanes x 2 x clock (GHz)")
    p.add_argument("--omp-wait-policy", choices=["passive", "active", "default"], default="passive",
                   help="OMP_WAIT_POLICY of every side (DeepVis does not use OpenMP)")
    p.add_argument("--scratch", default="/tmp", help="where the reference files go")
    p.add_argument("--deepvis", default=os.path.join(REPO, "src", "Cli", "bin", "Release", "net10.0", "deepvis"))
    args = p.parse_args()
    os.makedirs(args.scratch, exist_ok=True)

    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))
    env.pop("OMP_WAIT_POLICY", None)
    if args.omp_wait_policy != "default":
        env["OMP_WAIT_POLICY"] = args.omp_wait_policy.upper()
    print(f"OMP_WAIT_POLICY {env.get('OMP_WAIT_POLICY', 'unset')}; load average before: {open('/proc/loadavg').read().split()[:3]}")
    if args.rows:
        print_tables("Benchmark step", args.peers, step_rows(args, env), args)
    if args.render:
        print_tables("Render loop", ["pytorch"], render_rows(args, env), args)
    print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
