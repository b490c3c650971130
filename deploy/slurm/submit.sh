#!/bin/bash
# Queues the shards as a job array of SHARDS tasks (default 8) and the merge after all of them succeed.
#   SHARDS=16 WEIGHTS=resnet18-imagenet LAYERS="layer3 layer4" deploy/slurm/submit.sh
# GPUS (default 1) is the GPUs per shard; GPUS=0 renders on the CPU (DEVICE defaults to cpu then).
# CPUS_PER_TASK and MEM, when set, replace the shards' --cpus-per-task=4 and --mem=16G.
set -euo pipefail
here=$(dirname "$0")
shards=${SHARDS:-8}
gpus=${GPUS:-1}
options=()
if [ "$gpus" -gt 0 ]; then
  options+=(--gres="gpu:$gpus")
else
  export DEVICE=${DEVICE:-cpu}
fi
[ -n "${CPUS_PER_TASK:-}" ] && options+=(--cpus-per-task="$CPUS_PER_TASK")
[ -n "${MEM:-}" ] && options+=(--mem="$MEM")
array=$(sbatch --parsable --export=ALL --array="0-$((shards - 1))" "${options[@]}" "$here/atlas.sbatch")
merge=$(sbatch --parsable --export=ALL --dependency="afterok:${array}" "$here/atlas-merge.sbatch")
echo "shards: job $array (tasks 0-$((shards - 1))); the merge, job $merge, waits for all of them"
