#!/bin/bash
# Queues the shards as a job array of SHARDS tasks (default 8) and the merge after all of them succeed.
#   SHARDS=16 WEIGHTS=resnet18-imagenet LAYERS="layer3 layer4" deploy/slurm/submit.sh
set -euo pipefail
here=$(dirname "$0")
shards=${SHARDS:-8}
array=$(sbatch --parsable --export=ALL --array="0-$((shards - 1))" "$here/atlas.sbatch")
sbatch --export=ALL --dependency="afterok:${array}" "$here/atlas-merge.sbatch"
echo "shards: job $array (tasks 0-$((shards - 1))); the merge waits for all of them"
