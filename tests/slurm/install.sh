#!/usr/bin/env bash
# Installs what the Slurm end-to-end test needs on Debian 12 (run as root): the Slurm daemons and
# client commands and munge. The packages' own services are not needed (the test starts private
# daemons with their own configuration), so they are stopped if the package scripts started them.
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
for s in slurmctld slurmd munge; do systemctl stop "$s" 2>/dev/null || true; done
echo "slurm-wlm and munge installed"
