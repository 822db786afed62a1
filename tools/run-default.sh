#!/usr/bin/env bash
# make run: the default deck on all available cores, then a PNG of the flow.
#   tools/run-default.sh BUILD_DIR NP
set -eu
build=${1:-build}
np=${2:-$(nproc)}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# make run runs on this machine only: Open MPI's shared-memory transports (faster start-up)
export OMPI_MCA_pml=${OMPI_MCA_pml:-ob1} OMPI_MCA_btl=${OMPI_MCA_btl:-self,vader}
out=frg_default.h5
if [ "$np" -gt 1 ]; then
  mpirun -n "$np" "$build/bin/frg" -options_file inputs/default.yaml -output "$out"
else
  "$build/bin/frg" -options_file inputs/default.yaml -output "$out"
fi
/usr/bin/python3 tools/plot_flow.py "$out" -o frg_default.png
echo "wrote $out and frg_default.png"
