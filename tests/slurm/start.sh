#!/usr/bin/env bash
# Starts a private single-node Slurm cluster for the test suite: munged, slurmctld and slurmd with
# ProctrackType=proctrack/linuxproc, TaskPlugin=task/none and MpiDefault=pmix (where installed), all
# state, sockets and logs in DIR.
#   tests/slurm/start.sh DIR      then: export SLURM_CONF=DIR/slurm.conf; sbatch ...; tests/slurm/stop.sh DIR
# Needs root (slurmd runs jobs as their owner) and the Debian packages slurm-wlm and munge
# (tests/slurm/install.sh). Exits nonzero with a clear message if the cluster does not come up.
set -u
dir=${1:?usage: tests/slurm/start.sh DIR}
mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
dir=$(cd "$dir" && pwd)
die() { echo "slurm test cluster: $*" >&2; for f in "$dir"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 15 "$f"; } >&2; done; exit 1; }
for cmd in munged slurmctld slurmd sbatch scontrol sinfo; do
  command -v "$cmd" >/dev/null || PATH=$PATH:/usr/sbin command -v "$cmd" >/dev/null || die "$cmd is not installed (apt-get install slurm-wlm munge, or tests/slurm/install.sh)"
done
export PATH=$PATH:/usr/sbin
[ "$(id -u)" -eq 0 ] || die "must run as root (slurmd)"
host=$(hostname -s)
# srun starts MPI ranks through Slurm's PMIx plugin where it is installed (Debian's slurm-wlm has it),
# as on most clusters; the jobscripts then launch with srun (without it: mpirun)
mpi=none
for plugin_dir in /usr/lib/x86_64-linux-gnu/slurm-wlm /usr/lib64/slurm /usr/lib/slurm; do
  [ -e "$plugin_dir/mpi_pmix.so" ] && mpi=pmix
done
# ports from the folder name, so two clusters on one machine do not collide
port=$(( 20000 + $(cksum <<<"$dir" | cut -d' ' -f1) % 20000 ))

dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 700 "$dir/munge"; chmod 400 "$dir/munge/munge.key"
munged --force --socket="$dir/munge/munge.sock" --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
  --log-file="$dir/munged.log" --seed-file="$dir/munge/munged.seed" || die "munged did not start"

cat >"$dir/slurm.conf" <<CONF
ClusterName=frgtest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=$mpi
ReturnToService=2
JobRequeue=1
MinJobAge=600
SlurmdTimeout=30
InactiveLimit=0
KillWait=10
NodeName=$host CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -c -f "$SLURM_CONF" || die "slurmctld did not start"
slurmd -f "$SLURM_CONF" || die "slurmd did not start"
for _ in $(seq 1 60); do
  state=$(sinfo -h -o %t 2>/dev/null | head -1)
  [ "$state" = idle ] && { echo "slurm test cluster up: SLURM_CONF=$SLURM_CONF, node $host idle"; exit 0; }
  sleep 0.5
done
die "the node did not become idle (sinfo state '${state:-none}')"
