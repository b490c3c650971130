#!/bin/bash
# Runs the Slurm path for real on this machine: starts a private single-node cluster (its own munge
# key and socket, slurm.conf, state folders and ports, all in a temporary folder; no systemd), submits
# the atlas array job and its dependent merge through deploy/slurm/submit.sh on the CPU (GPUS=0), waits
# for both, and compares the merged site byte for byte with one `deepvis atlas` run of the same
# settings. Everything it started is stopped and the folder removed on exit, failed or not.
#
#   DEEPVIS="dotnet src/Cli/bin/Debug/net10.0/deepvis.dll" deploy/slurm/test-local.sh
#
# Needs root (slurmd runs jobs as their user), Debian's slurm-wlm (slurmctld, slurmd, sbatch) and
# munge. Exit 0: the sites are equal; 1: they differ or a job failed; 77: a prerequisite is missing.
# SHARDS (default 3), LAYERS, ATLAS_OPTIONS and TIMEOUT (seconds, default 600) can be set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

skip() { echo "skipped: $*" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (slurmd starts the jobs)"
for tool in slurmctld slurmd sbatch squeue scontrol sinfo munged mungekey; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || skip "$tool is missing (Debian packages slurm-wlm and munge)"
done
export PATH="$PATH:/usr/sbin"

: "${DEEPVIS:=deepvis}"
: "${SHARDS:=3}"
: "${LAYERS:=conv2_1}"
: "${ATLAS_OPTIONS:=--channels 0-5 --steps 8 --batch 2}"
: "${TIMEOUT:=600}"
# The same thread count in the jobs and the single run, and one thread each on a shared machine.
export DEEPVIS_THREADS=${DEEPVIS_THREADS:-1}

work=$(mktemp -d /tmp/deepvis-slurm.XXXXXX)
chmod 755 "$work"
ok=0
cleanup() {
  for pidfile in "$work"/slurmd.pid "$work"/slurmctld.pid "$work"/munge/munged.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  if [ "$ok" -ne 1 ]; then
    for log in "$work"/*.log "$work"/run/*.log; do
      [ -f "$log" ] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# A free TCP port from a random start, so runs side by side and a system Slurm do not collide.
free_port() {
  local port=$((20000 + RANDOM % 20000))
  while ss -Htln "sport = :$port" | grep -q . || ss -Htln "sport = :$((port + 1))" | grep -q .; do port=$((port + 2)); done
  echo "$port"
}

# munge: its own key and socket; --force because /tmp's sticky, world-writable parent fails its checks.
mkdir -p "$work/munge" && chmod 755 "$work/munge"
mungekey --create --keyfile="$work/munge/munge.key" >/dev/null
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/munge.socket" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge.log" --seed-file="$work/munge/munge.seed"

node=$(hostname -s)
getent hosts "$node" >/dev/null || skip "the host name $node does not resolve (slurmd finds slurmctld by it)"
cpus=$(nproc)
memory=$(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo)
ctld_port=$(free_port)
slurmd_port=$((ctld_port + 1))
mkdir -p "$work/state" "$work/spool" "$work/run"
cat >"$work/slurm.conf" <<EOF
ClusterName=deepvis-test
SlurmctldHost=$node
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
# The merge of a failed array is cancelled instead of waiting forever on its dependency.
DependencyParameters=kill_invalid_depend
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
MinJobAge=600
NodeName=$node CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 120); do
  state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || { echo "the node did not come up (state '$state')" >&2; exit 1; }

# The embedded model's atlas with the shipped Fashion-MNIST samples as examples.
mkdir -p "$work/run/examples"
cp "$repo"/samples/*.png "$work/run/examples/"
cd "$work/run"
export DEEPVIS LAYERS ATLAS_OPTIONS SHARDS WEIGHTS="" EXAMPLES="$work/run/examples" ATLAS_DIR="$work/run/shards" SITE="$work/run/site"
submitted=$(GPUS=0 CPUS_PER_TASK=1 MEM=1024 "$here/submit.sh")
echo "$submitted"
array=$(sed -n 's/^shards: job \([0-9]*\) .*/\1/p' <<<"$submitted")
merge=$(sed -n 's/.*the merge, job \([0-9]*\),.*/\1/p' <<<"$submitted")

deadline=$((SECONDS + TIMEOUT))
while [ -n "$(squeue -h -j "$array,$merge" -o %i 2>/dev/null)" ]; do
  [ "$SECONDS" -lt "$deadline" ] || { echo "the jobs did not finish within ${TIMEOUT}s" >&2; squeue >&2; exit 1; }
  sleep 1
done
# One line per array task and one for the merge; every job must have completed.
states=$( { scontrol -o show job "$array"; scontrol -o show job "$merge"; } | sed -n 's/^JobId=\([0-9]*\) .* JobState=\([A-Z_]*\) .*/job \1: \2/p')
echo "$states"
failed=0
[ "$(grep -c ': COMPLETED$' <<<"$states")" -eq $((SHARDS + 1)) ] || failed=1
[ "$failed" -eq 0 ] || { echo "a job did not complete" >&2; exit 1; }

# The single run, with the same settings as each shard (atlas.sbatch's command without --shard).
$DEEPVIS atlas --device cpu --layers $LAYERS --examples "$EXAMPLES" $ATLAS_OPTIONS --out "$work/run/single" --quiet
if ! diff -r "$work/run/single" "$SITE" >&2; then
  echo "the merged site differs from the single run" >&2
  exit 1
fi
files=$(find "$SITE" -type f | wc -l)
echo "slurm: $SHARDS shards and their merge give the single run's site byte for byte ($files files)"
ok=1
