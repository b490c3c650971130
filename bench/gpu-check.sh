#!/usr/bin/env bash
# The whole GPU check in one call on the lent machine (which has the driver, PyTorch and no .NET SDK):
# the suite on CUDA, bench --check against PyTorch, the speed table beside PyTorch, and every verb once
# on a ResNet-18 at 224. Every step writes its log under $OUT; summary.md gathers the tables.
#
#   bench/gpu-check.sh pack                       # here: publish the CLI and the tests self-contained (.gpu/app.tar.xz)
#   bench/gpu-check.sh run                        # there: device tool, carry [".gpu"], timeout_s 480 (leaves a rerun of a part)
#   bench/gpu-check.sh run --dry-run              # here: the same steps on the cpu device at tiny sizes
#   bench/gpu-check.sh run --only speed,verbs     # a subset (devices always runs): tests, check, speed, verbs
#
# Each step has its own time limit and the run a budget (--budget seconds, default 420), which cuts the
# last steps short or skips them (the summary says which), so one hang costs one step's limit. Test
# groups (one namespace each) run under their own limit, and xunit's long-running detection names a
# test still running after 30 s in the group's log.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

[ $# -ge 1 ] || usage
verb=$1; shift
if [ "$verb" = pack ]; then
  exec "$root/../shared/gpu/pack.sh" src/Cli/DeepVis.Cli.csproj tests/DeepVis.Tests/DeepVis.Tests.csproj
fi
[ "$verb" = run ] || usage

dry=0; only="tests,check,speed,verbs"; budget=420
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) dry=1 ;;
    --only) only=$2; shift ;;
    --budget) budget=$2; shift ;;
    *) echo "gpu-check: unknown option '$1'" >&2; usage ;;
  esac
  shift
done

out=${OUT:-$root/out/gpu-check$([ $dry = 1 ] && echo -dry)}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
summary=$out/summary.md

# The published app unpacked inside the working tree, so the tests find tests/DeepVis.Tests/Fixtures and
# samples/ above their base directory as they do in a build.
app=$root/.gpu/app
if [ ! -x "$app/deepvis" ]; then
  [ -f "$root/.gpu/app.tar.xz" ] || { echo "gpu-check: .gpu/app.tar.xz is missing: run 'bench/gpu-check.sh pack' first" >&2; exit 2; }
  tar -C "$root/.gpu" -xJf "$root/.gpu/app.tar.xz"
fi
deepvis=$app/deepvis
tests=$app/DeepVis.Tests

# PyTorch: the machine's python3 where it has torch (the GPU machine), else Debian's (here).
py=${PYTHON:-}
if [ -z "$py" ]; then
  for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c 'import torch, torchvision, h5py' 2>/dev/null; then py=$candidate; break; fi
  done
fi
[ -n "$py" ] || { echo "gpu-check: no python3 with torch, torchvision and h5py" >&2; exit 2; }

if [ $dry = 1 ]; then
  device=cpu; torch_device=cpu; size=32; batches="1 2"; speed_arches="mini-vgg resnet18"
  check_arches="mini-vgg resnet18"; timed=3; warm=1; render_steps=8; atlas_steps=4; test_filter=(-class 'DeepVis.Tests.Layers.ReluTests*' -class 'DeepVis.Tests.Cli.DevicesCommandTests')
  threads_note="$(nproc) cores"
else
  device=cuda; torch_device=cuda; size=224; batches="1 16"; speed_arches="vgg16 alexnet resnet18 resnet50 mobilenet_v2"
  check_arches="vgg16 resnet50 alexnet resnet18 densenet121 googlenet inception_v3 mobilenet_v2 squeezenet1_1"
  timed=20; warm=5; render_steps=512; atlas_steps=512; test_filter=()
  threads_note="GPU"
fi
export DEEPVIS_DEVICE=$device

left() { echo $(( budget - ($(date +%s) - start) )); }

# step NAME LIMIT COMMAND...: runs COMMAND with its output in $out/NAME.log under LIMIT seconds (or what is
# left of the budget, if less; under 20 s left it is skipped); records its status and wall time in $out/steps.tsv.
step() {
  local name=$1 limit=$2; shift 2
  local remaining; remaining=$(left)
  if [ "$remaining" -lt 20 ]; then
    printf '%s\tskipped\t0\t(%ss left of the budget)\n' "$name" "$remaining" >> "$out/steps.tsv"
    echo "gpu-check: $name skipped (${remaining}s left of the budget)"
    return 1
  fi
  [ "$remaining" -lt "$limit" ] && limit=$remaining
  local t0 rc; t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" > "$out/$name.log" 2>&1
  rc=$?
  local status=ok
  [ $rc -eq 124 ] || [ $rc -eq 137 ] && status=timeout
  [ $rc -ne 0 ] && [ $status = ok ] && status="failed ($rc)"
  printf '%s\t%s\t%s\t\n' "$name" "$status" "$(( $(date +%s) - t0 ))" >> "$out/steps.tsv"
  echo "gpu-check: $name $status in $(( $(date +%s) - t0 ))s"
  return $rc
}

: > "$out/steps.tsv"
has() { [[ ",$only," == *",$1,"* ]]; }

# 1. The device, then the suite on it, one namespace per process.
step devices 60 bash -c "'$deepvis' devices; command -v nvidia-smi >/dev/null && nvidia-smi; $py -c 'import torch; print(\"torch\", torch.__version__, \"cuda\", torch.version.cuda, torch.cuda.get_device_name(0) if torch.cuda.is_available() else \"no cuda\")'"

if has tests; then
  if [ ${#test_filter[@]} -gt 0 ]; then
    step tests-dry 120 "$tests" "${test_filter[@]}" -noColor -longRunning 30 -parallelMode none
  else
    # Namespaces of the test classes: DeepVis.Tests.Layers, DeepVis.Tests.Nets, ... less the fuzz suite
    # (file parsing, nothing on the device) and the fetched models (NuGet, which the machine cannot reach).
    "$tests" -list classes -noLogo 2>/dev/null | sed -n 's/^\(DeepVis\.Tests\.[A-Za-z]*\)\..*/\1/p' | sort -u \
      | grep -vx 'DeepVis\.Tests\.\(Fuzz\|Models\)' > "$work/namespaces"
    while read -r ns; do
      step "tests-${ns##*.}" 120 "$tests" -namespace "$ns" -noColor -longRunning 30 -parallelMode none
    done < "$work/namespaces"
  fi
fi

# 2. Correctness at full size: logits and input gradient against PyTorch (float64 on the CPU); the table
# shows the errors themselves (an input gradient of a deep ReLU network moves by up to ~1e-2 where an
# activation within rounding of zero takes the other side of the kink: src/Optim/Benchmark/ReferenceCheck.cs).
if has check; then
  for arch in $check_arches; do
    ref=$work/$arch-ref.h5
    side=$size; [ "$arch" = inception_v3 ] && [ $dry = 0 ] && side=299
    [ "$arch" = mini-vgg ] && side=28
    step "check-$arch" 120 bash -c "'$py' bench/pytorch_step.py --arch $arch --batch 2 --size $side --write-reference '$ref' &&
      '$deepvis' bench --check '$ref' --tolerance 2e-2 --batch 2 --size $side --steps 2 --warmup 1 --device $device"
  done
fi

# 3. Speed beside PyTorch in the same call: float32 with TF32 off on both sides, then PyTorch's default (TF32).
if has speed; then
  for arch in $speed_arches; do
    side=$size; [ "$arch" = mini-vgg ] && side=28
    # DeepVis has seeded random weights of its own for the chains only: the graph families time
    # torchvision's, written by PyTorch and checked first (deep ReLU networks: see src/Optim/Benchmark/ReferenceCheck.cs).
    weights=(--arch "$arch")
    case $arch in
      vgg*|alexnet|mini-vgg) ;;
      *) weights=(--check "$work/$arch-speed.h5" --tolerance 2e-2)
         step "speed-weights-$arch" 120 "$py" bench/pytorch_step.py --arch "$arch" --batch 1 --size "$side" --write-reference "$work/$arch-speed.h5" || continue ;;
    esac
    for n in $batches; do
      step "speed-deepvis-$arch-$n" 120 "$deepvis" bench "${weights[@]}" --batch "$n" --size "$side" --steps $timed --warmup $warm --device $device
      step "speed-pytorch-$arch-$n" 120 "$py" bench/pytorch_step.py --arch "$arch" --batch "$n" --size "$side" --steps $timed --warmup $warm --device $torch_device --mode both
    done
  done
fi

# 4. Every verb once on a ResNet-18 (torchvision's layout, seeded random weights: time does not depend on them).
if has verbs; then
  weights=$work/resnet18.h5
  photo=samples/photos/chelsea.png
  if step verbs-weights 120 "$py" bench/pytorch_step.py --arch resnet18 --batch 1 --size $size --write-reference "$weights"; then
    step verb-render 240 "$deepvis" render --weights "$weights" --objective layer3:12 --size $size --steps $render_steps --out "$out/verbs/render" --quiet
    step verb-dream 120 "$deepvis" dream "$photo" --weights "$weights" --layer layer3 --size $size --out "$out/verbs/dream" --quiet
    step verb-invert 180 "$deepvis" invert "$photo" --weights "$weights" --layer layer3 --preset mahendran --size $size --out "$out/verbs/invert" --quiet
    step verb-atlas 240 "$deepvis" atlas --weights "$weights" --layers layer1 --size $size --steps $atlas_steps --out "$out/verbs/atlas" --quiet
  fi
fi

"$py" bench/gpu_table.py "$out" "$threads_note" > "$summary"
cat "$summary"
! grep -qv $'\tok\t' "$out/steps.tsv"
