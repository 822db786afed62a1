#!/usr/bin/env bash
# make run: the default deck, then a PNG of the flow (frg_default.h5, frg_default.png).
#   tools/run-default.sh BUILD_DIR [NP]      make run NP=4: on 4 ranks
# One rank by default: the deck's 1D grid of 800 cells takes 0.19 s as one process and 0.52 s on two
# ranks under mpirun (measured on the 2-core development VM: start-up and messages outweigh the work
# they share). Ranks pay off for scans, and for a single 1D flow only on very large grids.
set -eu
build=${1:-build}
np=${2:-1}
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
