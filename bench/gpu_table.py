#!/usr/bin/python3
"""The Markdown summary of a bench/gpu-check.sh run, read from the logs in its output folder.

  python3 bench/gpu_table.py OUT_FOLDER [DEVICE_NOTE] [--peak-tflops P]

Tables: the steps with their status and wall time; the suite per namespace (xunit's totals); the checks
against PyTorch (relative errors); the speed rows (DeepVis and PyTorch float32, PyTorch TF32: ms/step,
image-steps/s, TFLOP/s, fraction of the GPU's float32 peak, peak memory, DeepVis's throughput over
PyTorch float32's); the verbs' wall times. The float32 peak comes from the GPU's name in devices.log
(dense, boost clock, NVIDIA's data sheets) unless --peak-tflops gives it.
"""
import argparse
import os
import re

# Dense float32 peaks (non-tensor-core), TFLOP/s.
PEAKS = [("H200", 67.0), ("H100 NVL", 60.0), ("H100 PCIe", 51.2), ("H100", 67.0), ("A100", 19.5)]
MS = re.compile(r"([0-9.]+) ms/step \(median")
IPS = re.compile(r"([0-9.]+) image-steps/s")
TFLOPS = re.compile(r"([0-9.]+) TFLOP/s")
PEAK_MEM = re.compile(r"peak device memory ([0-9.na]+) MiB")
CHECK = re.compile(r"logits relative error (\S+) \(max\), input gradient (\S+) \(L2\): (\w+)")
XUNIT = re.compile(r"Total:\s*(\d+),\s*Errors:\s*(\d+),\s*Failed:\s*(\d+),\s*Skipped:\s*(\d+)")
SPEED_STEP = re.compile(r"^speed-(?:deepvis|pytorch)-(.+)-(\d+)$")
LONG = re.compile(r"\[Long Running Test\].*?'([^']+)'")


def read(folder, name):
    path = os.path.join(folder, name)
    return open(path, encoding="utf-8", errors="replace").read() if os.path.exists(path) else ""


def steps(folder):
    rows = []
    for line in read(folder, "steps.tsv").splitlines():
        parts = line.split("\t")
        rows.append((parts + ["", "", "", ""])[:4])
    return rows


def gpu_peak(folder, given):
    if given:
        return given, "given"
    text = read(folder, "devices.log")
    for name, peak in PEAKS:
        if name in text:
            return peak, name
    return None, None


def blocks(text):
    """The result blocks of one bench log: DeepVis prints one, pytorch_step.py one per mode."""
    parts = re.split(r"\n(?=pytorch \S+ (?:fp32|tf32) on )", text)
    return [p for p in parts if MS.search(p)]


def number(pattern, text):
    m = pattern.search(text)
    return float(m.group(1)) if m and m.group(1) != "nan" else None


def fmt(value, digits=2):
    return "" if value is None else f"{value:.{digits}f}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("note", nargs="?", default="")
    p.add_argument("--peak-tflops", type=float)
    args = p.parse_args()
    folder = args.folder
    rows = steps(folder)
    peak, peak_name = gpu_peak(folder, args.peak_tflops)
    device_line = next((l for l in read(folder, "devices.log").splitlines() if "NVIDIA" in l or "cpu" in l.lower()), "")
    print(f"# GPU check ({args.note})\n")
    print(f"Device: {device_line.strip() or 'see devices.log'}; float32 peak used: "
          f"{f'{peak} TFLOP/s ({peak_name})' if peak else 'unknown'}\n")

    print("## Steps\n\n| step | status | wall s | note |\n| --- | --- | --- | --- |")
    for name, status, wall, note in rows:
        print(f"| {name} | {status} | {wall} | {note} |")

    tests = [r for r in rows if r[0].startswith("tests-")]
    if tests:
        print("\n## The suite\n\n| group | total | failed | errors | skipped | long-running tests |\n| --- | --- | --- | --- | --- | --- |")
        for name, status, _, _ in tests:
            text = read(folder, name + ".log")
            totals = XUNIT.findall(text)
            long_running = sorted(set(LONG.findall(text)))
            if totals:
                total, errors, failed, skipped = totals[-1]
                print(f"| {name[6:]} | {total} | {failed} | {errors} | {skipped} | {', '.join(long_running)} |")
            else:
                print(f"| {name[6:]} | {status}: no totals | | | | {', '.join(long_running)} |")

    checks = [r for r in rows if r[0].startswith("check-")]
    if checks:
        print("\n## Checks against PyTorch (batch 2, float64 reference)\n\n| model | logits (max rel.) | input gradient (L2 rel.) | result |\n| --- | --- | --- | --- |")
        for name, status, _, _ in checks:
            m = CHECK.search(read(folder, name + ".log"))
            print(f"| {name[6:]} | {m.group(1) if m else ''} | {m.group(2) if m else ''} | {m.group(3) if m else status} |")

    speed = sorted({(m.group(1), int(m.group(2))) for r in rows if (m := SPEED_STEP.match(r[0]))})
    if speed:
        print("\n## Speed (ms/step median; image-steps/s; TFLOP/s; fraction of float32 peak; peak MiB)\n")
        print("| model | batch | DeepVis ms | img/s | TFLOP/s | of peak | MiB | PyTorch fp32 ms | img/s | MiB | PyTorch TF32 ms | img/s | DeepVis / PyTorch fp32 |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for arch, n in speed:
            ours = blocks(read(folder, f"speed-deepvis-{arch}-{n}.log"))
            theirs = blocks(read(folder, f"speed-pytorch-{arch}-{n}.log"))
            fp32 = next((b for b in theirs if " fp32 on " in b), "")
            tf32 = next((b for b in theirs if " tf32 on " in b), "")
            o = ours[0] if ours else ""
            o_ips, t_ips = number(IPS, o), number(IPS, fp32)
            o_tf = number(TFLOPS, o)
            ratio = f"{o_ips / t_ips:.2f}x" if o_ips and t_ips else ""
            share = f"{o_tf / peak:.1%}" if o_tf and peak else ""
            print(f"| {arch} | {n} | {fmt(number(MS, o))} | {fmt(o_ips, 1)} | {fmt(o_tf, 3)} | {share} | {fmt(number(PEAK_MEM, o), 0)} "
                  f"| {fmt(number(MS, fp32))} | {fmt(t_ips, 1)} | {fmt(number(PEAK_MEM, fp32), 0)} "
                  f"| {fmt(number(MS, tf32))} | {fmt(number(IPS, tf32), 1)} | {ratio} |")

    verbs = [r for r in rows if r[0].startswith("verb-")]
    if verbs:
        print("\n## Verbs on ResNet-18 (torchvision layout, random weights)\n\n| verb | status | wall s |\n| --- | --- | --- |")
        for name, status, wall, _ in verbs:
            print(f"| {name[5:]} | {status} | {wall} |")


if __name__ == "__main__":
    main()
