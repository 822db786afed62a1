# End-to-end test of the Slurm jobscripts on a real single-node Slurm cluster, started and stopped
# by the test (tests/slurm/start.sh, stop.sh). Needs root and the Debian packages slurm-wlm and munge
# (tests/slurm/install.sh); without them the test fails and says why: it never passes silently.

# slurm_wait_state JOB STATE SECONDS: until squeue shows STATE (or the job left the queue: "GONE").
slurm_wait_state() {
  local s
  for _ in $(seq 1 $(( $3 * 5 ))); do
    s=$(squeue -h -j "$1" -o %T 2>/dev/null | head -1); s=${s:-GONE}
    [ "$s" = "$2" ] && return 0
    sleep 0.2
  done
  echo "job $1 is $s, not $2, after $3 s"; scontrol show job "$1" | head -20; return 1
}

# slurm_requeued JOB: after SIGUSR1 the job must exit with 85 and requeue itself. Slurm delays a
# requeued job by two minutes (BeginTime); the test moves that start time to now, but not within
# the same few seconds as the requeue: slurmd revokes the old job credential with a time stamp, and a
# job restarted in that second is killed ("Job credential revoked").
slurm_requeued() {
  slurm_wait_state "$1" PENDING 60 || return 1
  scontrol show job "$1" | grep -q "Restarts=1" || fail "job $1 is pending but was not requeued" || return 1
  sleep 3
  scontrol update JobId="$1" StartTime=now
  slurm_wait_state "$1" GONE 120 || return 1
  scontrol show job "$1" | grep -E "JobState=COMPLETED" || fail "job $1 did not complete" || return 1
}

# slurm_signal_when FILE PATTERN COUNT JOB: SIGUSR1 to the batch shell once FILE has COUNT lines matching PATTERN.
slurm_signal_when() {
  local n
  for _ in $(seq 1 600); do
    n=$(grep -c "$2" "$1" 2>/dev/null || true)
    [ "${n:-0}" -ge "$3" ] && break
    sleep 0.1
  done
  [ "${n:-0}" -ge "$3" ] || fail "$1 never reached $3 lines matching $2" || return 1
  scancel --batch --signal=USR1 "$4"
}

slurm_end_to_end_body() {
  local scan_args="-grid_cells 3000 -rtol 1e-11 -atol 1e-13" job
  cp "$INPUTS/scan/zero_d.yaml" deck.yaml
  # 1. a scan as one 2-rank MPI job, interrupted by SIGUSR1, requeued, completed
  job=$(sbatch --parsable "$ROOT/jobscripts/slurm/scan.sbatch" deck.yaml $scan_args) || return 1
  slurm_signal_when deck.h5.journal '^[0-9]' 3 "$job" || return 1
  slurm_requeued "$job" || return 1
  cat frg-scan-"$job".out | grep -v '^\[frg scan\] point'
  # mpirun says "Exit code: 85", srun "exit code 85", frg itself "(exit code 85)"
  grep -qiE "exit code:? *85" frg-scan-"$job".out || fail "the first run did not stop with exit code 85" || return 1
  if scontrol show config | grep -qE "^MpiDefault *= *pmix"; then
    grep -q "^frg jobscript: srun " frg-scan-"$job".out || fail "two tasks under MpiDefault=pmix were not launched by srun" || return 1
  fi
  grep -E "[1-9][0-9]* finished before" frg-scan-"$job".out || fail "the requeued run did not resume" || return 1
  "$FRG" -options_file deck.yaml $scan_args -output ref.h5 -scan_progress 0 >/dev/null || return 1
  scan_tables_equal ref.h5 deck.h5 || return 1
  $PY -c "
pts = [int(l.split('\t')[0]) for l in open('deck.h5.journal') if not l.startswith('#')]
assert sorted(pts) == list(range(16)), sorted(pts)
print('journal: 16 points, each once')" || return 1
  # 2. one flow, checkpointed on SIGUSR1 and restarted by the requeued job
  # explicit steps on 4000 cells: a few seconds, so that the signal reliably finds the flow running
  local flow="-d 3 -N 1 -Lambda 1 -t_ir 10 -grid_cells 4000 -grid_phi_max 2 -output_every 0.1 -integrator arkode_erk"
  cat >flowdeck.yaml <<EOF
potential: "-0.05*phi^2/2 + phi^4"
EOF
  job=$(sbatch --parsable --ntasks=1 "$ROOT/jobscripts/slurm/flow.sbatch" flowdeck.yaml $flow) || return 1
  slurm_signal_when frg-flow-"$job".out '^\[frg\] t =' 1 "$job" || return 1
  slurm_requeued "$job" || return 1
  grep -E "signal received|restarted from" frg-flow-"$job".out || fail "no checkpoint/restart in the job output" || return 1
  "$FRG" -options_file flowdeck.yaml $flow -output flowref.h5 -progress 0 >/dev/null || return 1
  $PY - <<'PYEOF' || fail "the restarted flow differs from an uninterrupted one" || return 1
import h5py, numpy as np
a, b = h5py.File("flowref.h5", "r"), h5py.File("flowdeck.h5", "r")
t0 = b["summary"].attrs["restarted_from_t"]
assert 0 < t0 < 10 and np.array_equal(a["flow/t"][:], b["flow/t"][:]), t0
du = np.max(np.abs(a["flow/u"][:] - b["flow/u"][:])) / np.max(np.abs(a["flow/u"][:]))
print(f"flow restarted at t = {t0}, max rel. difference of u {du:.2e}")
assert du < 1e-7
PYEOF
  # 3. a scan shared by a job array of two tasks
  job=$(sbatch --parsable --array=0-1 "$ROOT/jobscripts/slurm/scan-array.sbatch" deck.yaml -scan_vary "N=1,2,3; g=0.5,1,2" -output array.h5) || return 1
  for _ in $(seq 1 600); do [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break; sleep 0.2; done
  cat frg-scan-array-"$job"_*.out | grep -v '^\[frg scan\] point'
  "$FRG" -options_file deck.yaml -scan_vary "N=1,2,3; g=0.5,1,2" -output arrayref.h5 -scan_progress 0 >/dev/null || return 1
  scan_tables_equal arrayref.h5 array.h5 || return 1
  slurm_checkout_body
}

# slurm_job_done JOB STATE: wait until JOB left the queue, then its final state must be STATE.
slurm_job_done() {
  slurm_wait_state "$1" GONE 120 || return 1
  scontrol show job "$1" | grep -q "JobState=$2" || fail "job $1 did not end $2: $(scontrol show job "$1" | grep -o 'JobState=[A-Z]*')" || return 1
}

# 4. From a built checkout, as the README says: sbatch jobscripts/slurm/flow.sbatch inputs/default.yaml
# with FRG unset and no frg on PATH (the jobscript finds build/bin/frg in the submission folder); frg on
# PATH wins over that; two tasks launch through srun (or mpirun where the cluster has no PMIx) or
# through FRG_LAUNCH=mpirun; a frg that is nowhere ends the job with a message that says what to do.
slurm_checkout_body() {
  local path="" entry jobs job_direct job_srun job_mpirun job_path job_missing
  mkdir -p checkout/build/bin onpath && cp -R "$ROOT/jobscripts" "$ROOT/inputs" checkout/ && ln -s "$FRG" checkout/build/bin/frg
  printf '#!/bin/sh\nexec %s "$@"\n' "$FRG" >onpath/frg && chmod +x onpath/frg
  IFS=: read -r -a entries <<<"$PATH"
  for entry in "${entries[@]}"; do [ -x "$entry/frg" ] || path=${path:+$path:}$entry; done
  cd checkout || return 1
  "$FRG" -options_file inputs/default.yaml -output direct.h5 -progress 0 >/dev/null || return 1
  job_direct=$(env -u FRG PATH="$path" sbatch --parsable jobscripts/slurm/flow.sbatch inputs/default.yaml) || return 1
  job_srun=$(env -u FRG PATH="$path" sbatch --parsable --ntasks=2 jobscripts/slurm/flow.sbatch inputs/default.yaml -output two.h5) || return 1
  job_mpirun=$(env -u FRG PATH="$path" FRG_LAUNCH=mpirun sbatch --parsable --ntasks=2 jobscripts/slurm/flow.sbatch inputs/default.yaml -output mpirun.h5) || return 1
  job_path=$(env -u FRG PATH="$PWD/../onpath:$path" sbatch --parsable jobscripts/slurm/flow.sbatch inputs/default.yaml -output onpath.h5) || return 1
  job_missing=$(FRG=/nonexistent/frg sbatch --parsable jobscripts/slurm/flow.sbatch inputs/default.yaml -output missing.h5) || return 1
  for job in $job_direct $job_srun $job_mpirun $job_path; do slurm_job_done "$job" COMPLETED || { cat frg-flow-"$job".out; return 1; }; done
  slurm_job_done "$job_missing" FAILED || return 1
  grep -h "^frg jobscript" frg-flow-*.out
  grep -q "^frg jobscript: $PWD/build/bin/frg (1 task(s))" frg-flow-"$job_direct".out || fail "one task did not run build/bin/frg directly" || return 1
  grep -qE "^frg jobscript: (srun|mpirun -n 2) $PWD/build/bin/frg \(2 task" frg-flow-"$job_srun".out || fail "two tasks: no srun or mpirun" || return 1
  grep -q "^frg jobscript: mpirun -n 2 $PWD/build/bin/frg" frg-flow-"$job_mpirun".out || fail "FRG_LAUNCH=mpirun not used" || return 1
  grep -q "^frg jobscript: $PWD/../onpath/frg " frg-flow-"$job_path".out || fail "frg on PATH did not win over build/bin/frg" || return 1
  grep -q "no frg to run (tried FRG=/nonexistent/frg" frg-flow-"$job_missing".out || fail "no clear message for a missing frg" || return 1
  [ ! -e missing.h5 ] || fail "a job without frg wrote output" || return 1
  PYTHONPATH="$ROOT/python" $PY - <<'PYEOF' || fail "the jobs' flows differ from a direct run"
import frgpy
ref = frgpy.open("direct.h5")
for name, ranks in (("default.h5", 1), ("onpath.h5", 1), ("two.h5", 2), ("mpirun.h5", 2)):
    r = frgpy.open(name)
    rel = abs(r.summary["phi0"] / ref.summary["phi0"] - 1)
    print(f"{name}: {r.provenance['ranks']} rank(s), phi0 = {r.summary['phi0']!r}, relative difference {rel:.1e}")
    assert r.kind == "flow" and r.provenance["ranks"] == ranks and rel <= (0 if ranks == 1 else 1e-9), name
PYEOF
}

test_slurm_end_to_end() {
  local dir rc=0
  dir=$(mktemp -d /tmp/frg-slurm.XXXXXX)
  "$ROOT/tests/slurm/start.sh" "$dir" || { fail "Slurm could not start (see above): this test needs slurm-wlm and munge, and root"; return 1; }
  export SLURM_CONF="$dir/slurm.conf" PATH="$PATH:/usr/sbin"
  slurm_end_to_end_body || rc=1
  [ $rc -eq 0 ] || { echo "--- slurmctld.log"; tail -n 20 "$dir/slurmctld.log"; }
  "$ROOT/tests/slurm/stop.sh" "$dir"
  rm -rf "$dir"
  return $rc
}
