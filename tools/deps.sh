#!/usr/bin/env bash
# Checks, and on request installs, what frg needs on a Debian machine.
#   tools/deps.sh check    exit 0 when everything is present
#   tools/deps.sh ensure   install the missing Debian packages (apt-get), then check
# On a cluster with its own PETSc or SUNDIALS, set PETSC_DIR (and PETSC_ARCH) or
# SUNDIALS_DIR: the check then looks there and installs nothing for that library.
set -u
PACKAGES="libpetsc-real-dev libsundials-dev libhdf5-openmpi-dev openmpi-bin libmuparser-dev
libgsl-dev libslepc-real-dev python3-numpy python3-scipy python3-h5py python3-matplotlib
pkg-config make gcc slurm-wlm munge"

petsc_ok() {
  if [ -n "${PETSC_DIR:-}" ]; then
    [ -f "$PETSC_DIR/${PETSC_ARCH:-}/lib/pkgconfig/PETSc.pc" ] || [ -f "$PETSC_DIR/lib/pkgconfig/PETSc.pc" ]
  else
    pkg-config --exists petsc 2>/dev/null
  fi
}
sundials_ok() {
  local inc=/usr/include
  [ -n "${SUNDIALS_DIR:-}" ] && inc="$SUNDIALS_DIR/include"
  [ -f "$inc/cvode/cvode.h" ] && [ -f "$inc/sunnonlinsol/sunnonlinsol_petscsnes.h" ] && [ -f "$inc/nvector/nvector_petsc.h" ]
}
check() {
  local missing=""
  command -v mpicc >/dev/null || missing="$missing mpicc"
  command -v mpirun >/dev/null || missing="$missing mpirun"
  command -v pkg-config >/dev/null || missing="$missing pkg-config"
  petsc_ok || missing="$missing petsc"
  sundials_ok || missing="$missing sundials"
  pkg-config --exists muparser gsl hdf5-openmpi 2>/dev/null || missing="$missing muparser/gsl/hdf5"
  /usr/bin/python3 -c 'import numpy, scipy, h5py, matplotlib' 2>/dev/null || missing="$missing python3-modules"
  # the test suite starts a private single-node Slurm cluster (tests/slurm/start.sh)
  [ -x /usr/sbin/slurmctld ] && [ -x /usr/sbin/slurmd ] && [ -x /usr/sbin/munged ] || missing="$missing slurm-wlm/munge"
  if [ -n "$missing" ]; then echo "frg deps: missing:$missing" >&2; return 1; fi
  return 0
}
ensure() {
  check 2>/dev/null && return 0
  echo "frg deps: installing Debian packages (this happens once)" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >&2 || { echo "frg deps: apt-get update failed" >&2; return 1; }
  # shellcheck disable=SC2086
  $sudo apt-get install -y -q --no-install-recommends $PACKAGES >&2 || { echo "frg deps: apt-get install failed" >&2; return 1; }
  # the packages' own Slurm/munge services are not used: the tests start private daemons
  for s in slurmctld slurmd munge; do $sudo systemctl stop "$s" >/dev/null 2>&1 || true; done
  check
}
case "${1:-check}" in
  check) check ;;
  ensure) ensure ;;
  *) echo "usage: tools/deps.sh check|ensure" >&2; exit 2 ;;
esac
