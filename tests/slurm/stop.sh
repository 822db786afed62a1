#!/usr/bin/env bash
# Stops the cluster of tests/slurm/start.sh DIR: only the daemons whose pid files are in DIR.
dir=${1:?usage: tests/slurm/stop.sh DIR}
export SLURM_CONF="$dir/slurm.conf" PATH=$PATH:/usr/sbin
scancel --quiet --user=root 2>/dev/null
for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
  [ -s "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
done
exit 0
