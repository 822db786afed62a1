# The user's path: frgpy (python/frgpy) reads every kind of file frg writes, the plot commands draw every
# kind, make install gives a working tree of frg and tools, frgpy installs offline with Debian's pip,
# and the jobscripts find frg outside a scheduler (tests/cases/slurm.sh runs them under Slurm).

# user_files: in the current folder, one file of each kind, and the stdout of the runs that wrote them.
#   f.h5 flow (inputs/default.yaml)            fp.h5 fixed point          df.h5 dimensionless flow
#   s.h5 scan (N, g) with s.csv                t.h5 scan with a string axis (truncation) of fixed points
#   d.h5 samples (-model field)                on3.h5 samples of O(3) [count, 3]
#   c.h5.checkpoint.h5 checkpoint (a flow stopped by SIGUSR1: exit code 85 keeps the checkpoint)
user_files() {
  frg -options_file "$INPUTS/default.yaml" -output f.h5 >f.log || { cat f.log; fail "flow run failed"; }
  frg -options_file "$INPUTS/fixedpoint/ising_lpa.yaml" -output fp.h5 >fp.log || { cat fp.log; fail "fixed point run failed"; }
  frg -options_file "$INPUTS/fixedpoint/ising_dimensionless_flow.yaml" -output df.h5 >df.log || { cat df.log; fail "dimensionless flow failed"; }
  frg -options_file "$INPUTS/scan/zero_d.yaml" -output s.h5 -scan_progress 0 >s.log || { cat s.log; fail "scan failed"; }
  frg -task scan -scan_task fixedpoint -scan_vary "truncation=lpa,taylor,lpa_prime; N=1,2" -scan_results nu,omega,eta \
    -output t.h5 -scan_progress 0 >t.log || { cat t.log; fail "truncation scan failed"; }
  frg -model field2 -d 0 -grid_cells 24 -potential "(phi1 - 0.3)^2/2 + phi2^2 + phi1*phi2/4 + phi1^4/24 + phi2^4/12" -output tw.h5 >tw.log || { cat tw.log; fail "two-field flow failed"; }
  frg -options_file "$INPUTS/diffusion/double_well.yaml" -sample_count 4000 -score_compare_routes 0 -output d.h5 >d.log || { cat d.log; fail "samples failed"; }
  frg -task sample -model on -d 0 -N 3 -Lambda 1e5 -t_ir 30 -grid_cells 100 -potential "phi^2/2 + phi^4/24" -sampler em \
    -sample_steps 20 -sample_count 1001 -sample_floor_replicas 1 -output on3.h5 >on3.log || { cat on3.log; fail "O(3) samples failed"; }
  # a checkpoint as a signal leaves it, by -stop_at: the whole flow takes 0.06 s, and a SIGUSR1 sent once
  # four records were printed came after its end in a local CI run (exit 0, no checkpoint)
  local rc=0
  "$FRG" -d 3 -N 1 -t_ir 10 -grid_cells 1000 -grid_phi_max 2 -output_every 0.1 -integrator arkode_erk \
    -potential "-0.05*phi^2/2 + phi^4" -output c.h5 -stop_at 0.4 >c.log 2>&1 || rc=$?
  [ $rc -eq 85 ] && [ -s c.h5.checkpoint.h5 ] || { cat c.log; fail "no checkpoint (exit code $rc)"; }
}

# printed NAME LOG AWK_FIELD PATTERN: the number frg printed on the line matching PATTERN.
printed() { awk -v n="$2" "/$3/ {gsub(\",\", \"\", \$n); print \$n; exit}" "$1"; }

test_user_frgpy_reads_every_kind() {
  user_files
  export PYTHONPATH="$ROOT/python"
  local check="$TESTS/py/frgpy_check.py"
  $PY "$check" flow f.h5 "$(printed f.log 4 'observables  *phi0 =')" "$(printed f.log 3 '^ *gamma2 =')" || fail "flow"
  $PY "$check" fixedpoint fp.h5 "$(printed fp.log 2 '^  nu ')" "$(printed fp.log 2 '^  omega ')" || fail "fixed point"
  $PY "$check" dimensionless df.h5 "$(printed df.log 3 'approach rate')" "$(printed df.log 3 'growth rate')" || fail "dimensionless flow"
  $PY "$check" scan s.h5 s.csv || fail "scan"
  $PY "$check" samples d.h5 "$(printed d.log 2 '^  W1 ')" 1 || fail "samples"
  $PY "$check" samples on3.h5 "$(printed on3.log 2 '^  W1 ')" 3 || fail "O(3) samples"
  $PY "$check" checkpoint c.h5.checkpoint.h5 0.1 || fail "checkpoint"
  $PY "$check" future . || fail "files with the attributes and 2D grids being added"
  $PY "$check" errors . || fail "files frg did not write"
  # the command line: a listing for every kind, a clear message and exit code 1 for other files
  for f in f fp df s t d on3 c.h5.checkpoint; do
    $PY -m frgpy $f.h5 >$f.txt || fail "python3 -m frgpy $f.h5 failed"
  done
  grep -q "frg checkpoint file" c.h5.checkpoint.txt && grep -q "^  nu  *0.6495617738806" fp.txt || fail "listing lacks kind or values"
  "$ROOT/tools/frg_read.py" f.h5 | grep -q "^  phi0  *0.6834266" || fail "tools/frg_read.py does not list the summary"
  local rc=0
  $PY -m frgpy not_hdf5.h5 2>err.txt || rc=$?
  [ $rc -eq 1 ] && grep -q "not an HDF5 file, so not an frg result file" err.txt || fail "non-frg file: exit $rc, $(cat err.txt)"
}

# plot_all DIR COMMAND...: in DIR (links to the files of every kind, with FUTURE=1 also the files with
# what is being added), COMMAND on all of them in one process (each process loads matplotlib, a second);
# it must exit 0 and write X.png beside every X.h5, a real PNG.
plot_all() {
  local dir=$1 f files="f fp df s t d on3 tw c.h5.checkpoint${FUTURE:+ future_flow2d future_fixedpoint}"
  shift
  mkdir "$dir" && for f in $files; do ln -s "../$f.h5" "$dir/$f.h5"; done
  # shellcheck disable=SC2046
  (cd "$dir" && "$@" $(printf '%s.h5 ' $files)) >"$dir.log" 2>&1 || { cat "$dir.log"; echo "$* exited nonzero"; return 1; }
  for f in $files; do
    [ "$(head -c 8 "$dir/$f.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] || { cat "$dir.log"; echo "$* $f.h5 wrote no PNG $f.png"; return 1; }
  done
  echo "$*: all of $files plotted"
}

# Every plot command on every kind of file, two commands at a time: python3 -m frgpy.plot, tools/frg_plot.py,
# and the earlier tools in the forms that tools/run-default.sh, tests/cases/scan.sh and the README use.
test_user_plot_every_command_every_kind() {
  user_files
  export PYTHONPATH="$ROOT/python"
  $PY "$TESTS/py/frgpy_check.py" future . >/dev/null || fail "no future files"
  FUTURE=1 plot_all a $PY -m frgpy.plot & local a=$!
  plot_all b "$ROOT/tools/plot_flow.py" || fail "tools/plot_flow.py"
  wait $a || fail "python3 -m frgpy.plot"
  plot_all c $PY "$ROOT/tools/frg_plot.py" & local c=$!
  plot_all d "$ROOT/tools/plot_scan.py" || fail "tools/plot_scan.py"
  wait $c || fail "tools/frg_plot.py"
  plot_all e $PY "$ROOT/tools/plot_diffusion.py" || fail "tools/plot_diffusion.py"
  [ ! -e diffusion.png ] && [ ! -e e/diffusion.png ] || fail "a fixed diffusion.png was written"
  "$ROOT/tools/plot_flow.py" fp.h5 -o elsewhere.png && [ -s elsewhere.png ] || fail "plot_flow.py FILE -o PNG"
  "$ROOT/tools/plot_scan.py" t.h5 -x N -y nu -y omega -o exps.png && [ -s exps.png ] || fail "plot_scan.py -x N -y nu -y omega"
  "$ROOT/tools/plot_scan.py" t.h5 -x truncation -y nu -o strings.png && [ -s strings.png ] || fail "plot_scan.py with a string x axis"
  "$ROOT/tools/plot_scan.py" s.h5 --nu 0 -x g -y gamma2 -o nu.png | grep -q "^nu = " && [ -s nu.png ] || fail "plot_scan.py --nu"
  $PY "$ROOT/tools/plot_diffusion.py" d.h5 legacy.png && [ -s legacy.png ] || fail "plot_diffusion.py FILE OUT.png"
}

test_user_make_install() {
  local prefix=$PWD/prefix
  make -C "$ROOT" --no-print-directory BUILD="$BUILD" PREFIX="$prefix" install >install.log 2>&1 || { cat install.log; fail "make install failed"; }
  cat install.log
  [ "$(md5sum <"$prefix/bin/frg")" = "$(md5sum <"$FRG")" ] || fail "bin/frg is not the built frg"
  for f in bin/frg-plot bin/frg-read share/frg/tools/plot_flow.py share/frg/tools/plot_scan.py share/frg/tools/plot_diffusion.py \
    share/frg/jobscripts/slurm/flow.sbatch share/frg/jobscripts/pbs/flow.pbs share/frg/inputs/default.yaml; do
    [ -e "$prefix/$f" ] || fail "$f not installed"
  done
  # the installed tree works on its own: frg runs a deck, its tools find the installed frgpy (not the source tree's)
  cd "$prefix" || fail "no $prefix"
  bin/frg -options_file share/frg/inputs/fixedpoint/ising_lpa.yaml -output "$OLDPWD/fp.h5" >/dev/null || fail "installed frg failed"
  cd "$OLDPWD" || fail "cd back"
  local site; site=$(ls -d "$prefix"/lib/python3.*/dist-packages)
  bin=$prefix/bin
  env -u PYTHONPATH "$bin/frg-read" fp.h5 | grep -q "^  nu  *0.6495617738806" || fail "installed frg-read"
  env -u PYTHONPATH "$bin/frg-plot" fp.h5 && [ -s fp.png ] || fail "installed frg-plot"
  env -u PYTHONPATH $PY "$prefix/share/frg/tools/plot_flow.py" fp.h5 -o tool.png && [ -s tool.png ] || fail "installed plot_flow.py"
  env -u PYTHONPATH $PY -c 'import sys, frgpy; print(frgpy.__file__); sys.exit(0 if frgpy.__file__.startswith(sys.argv[1]) else 1)' "$site" 2>/dev/null &&
    fail "frgpy was importable without PYTHONPATH before install: the test cannot tell where it came from"
  PYTHONPATH="$site" $PY -c 'import sys, frgpy; sys.exit(0 if frgpy.__file__.startswith(sys.argv[1]) else 1)' "$site" || fail "installed frgpy not at $site"
  # a second install over the first (an update) works, and installing compiles nothing
  make -C "$ROOT" --no-print-directory BUILD="$BUILD" PREFIX="$prefix" install 2>&1 | grep -E "^ +(CC|LD) " && fail "make install compiled"
  [ -x "$prefix/bin/frg" ] || fail "second install"
}

# pip installs frgpy offline with Debian's pip: into a folder (--target) and into a venv that sees
# Debian's numpy and h5py; from a copy, so that the build leaves nothing in the source tree.
test_user_pip_install_offline() {
  cp -R "$ROOT/python" src
  $PY -m pip install --quiet --no-build-isolation --no-deps --no-index --target target ./src 2>&1 | grep -v "Running pip as the 'root' user"
  PYTHONPATH=target $PY -c 'import frgpy, sys; print(frgpy.__file__); sys.exit(0 if "/target/frgpy/" in frgpy.__file__ else 1)' || fail "pip --target"
  $PY -m venv --system-site-packages venv || fail "venv"
  venv/bin/pip install --quiet --no-build-isolation --no-deps --no-index ./src || fail "pip install in a venv"
  frg -options_file "$INPUTS/fixedpoint/ising_lpa.yaml" -output fp.h5 >/dev/null || fail "frg"
  venv/bin/python -c 'import frgpy; r = frgpy.open("fp.h5"); print(frgpy.__file__, r.nu); assert "/venv/" in frgpy.__file__ and abs(r.nu - 0.64956177388) < 1e-10' || fail "frgpy in the venv"
  venv/bin/python -m frgpy.plot fp.h5 && [ -s fp.png ] || fail "frgpy.plot in the venv"
}

# The jobscripts outside a scheduler: frg from $FRG, else PATH, else ./build/bin/frg, else a clear error;
# a PBS script run by hand (no PBS_NODEFILE: one rank) writes DECK-NAME.h5.
test_user_jobscripts_find_frg() {
  local path="" entry rc=0
  IFS=: read -r -a entries <<<"$PATH"
  for entry in "${entries[@]}"; do [ -x "$entry/frg" ] || path=${path:+$path:}$entry; done
  cp "$INPUTS/default.yaml" deck.yaml
  env -u FRG PATH="$path" SLURM_SUBMIT_DIR="$PWD" bash "$ROOT/jobscripts/slurm/flow.sbatch" deck.yaml >out.log 2>&1 || rc=$?
  cat out.log
  [ $rc -eq 1 ] && grep -q "no frg to run (tried frg on PATH, $PWD/build/bin/frg)" out.log || fail "missing frg: exit $rc"
  [ ! -e deck.h5 ] || fail "output without frg"
  mkdir -p build/bin && ln -s "$FRG" build/bin/frg
  env -u FRG PATH="$path" SLURM_SUBMIT_DIR="$PWD" bash "$ROOT/jobscripts/slurm/flow.sbatch" deck.yaml >out.log 2>&1 || { cat out.log; fail "slurm/flow.sbatch with build/bin/frg"; }
  grep -q "^frg jobscript: $PWD/build/bin/frg (1 task(s))" out.log && [ -s deck.h5 ] || { cat out.log; fail "build/bin/frg not run directly"; }
  rm deck.h5
  env -u FRG PATH="$path" PBS_O_WORKDIR="$PWD" DECK=deck.yaml bash "$ROOT/jobscripts/pbs/flow.pbs" >out.log 2>&1 || { cat out.log; fail "pbs/flow.pbs"; }
  grep -q "^frg jobscript: $PWD/build/bin/frg (1 task(s))" out.log && [ -s deck.h5 ] || { cat out.log; fail "pbs/flow.pbs did not run build/bin/frg"; }
  rm deck.h5
  FRG="$FRG" FRG_LAUNCH="mpirun -n 2 --oversubscribe" SLURM_SUBMIT_DIR="$PWD" bash "$ROOT/jobscripts/slurm/flow.sbatch" deck.yaml >out.log 2>&1 || { cat out.log; fail "FRG_LAUNCH as a whole command"; }
  grep -q "^frg jobscript: mpirun -n 2 --oversubscribe $FRG " out.log && [ "$(h5attr deck.h5 provenance ranks)" = 2.0 ] || { cat out.log; fail "FRG_LAUNCH command not used"; }
  # a checkpoint stop on 2 ranks: exit code 85 kept, and no Open MPI "job has been aborted" banner
  rm -f deck.h5 deck.h5.checkpoint.h5
  rc=0
  FRG="$FRG" FRG_LAUNCH="mpirun -n 2 --oversubscribe" SLURM_SUBMIT_DIR="$PWD" bash "$ROOT/jobscripts/slurm/flow.sbatch" deck.yaml -stop_at 1 >out.log 2>&1 || rc=$?
  cat out.log
  [ $rc -eq 85 ] && [ -s deck.h5.checkpoint.h5 ] || fail "-stop_at on 2 ranks under the jobscript: exit $rc, not 85 with a checkpoint"
  ! grep -qiE "aborted|non-zero status" out.log || fail "Open MPI's abort banner on a checkpoint exit (85)"
}

# -version and --version print frg's version, the git commit and the libraries (not PETSc's banner) and
# exit 0 without MPI; --help is -help; every result file records the commit, compiler, MPI and host.
test_user_version_and_provenance() {
  local v commit
  for v in -version --version; do
    "$FRG" $v >v.log 2>&1 || { cat v.log; fail "frg $v exited nonzero"; }
    grep -q "^frg [0-9]" v.log && grep -q "git commit" v.log && grep -q "PETSc  *3\." v.log && grep -q "SUNDIALS" v.log && grep -q "HDF5" v.log &&
      grep -q "MPI  *Open MPI" v.log || { cat v.log; fail "frg $v does not print frg's version, commit and libraries"; }
  done
  commit=$(git -C "$TESTS/.." rev-parse HEAD 2>/dev/null || echo unknown)
  grep -q "git commit   $commit" v.log || { cat v.log; fail "frg --version names another commit than the checkout's ($commit)"; }
  "$FRG" --help >h.log 2>&1 || { cat h.log; fail "frg --help exited nonzero"; }
  grep -q -- "-task" h.log || fail "frg --help does not list -task"
  frg -options_file "$INPUTS/default.yaml" -t_ir 0.1 -output p.h5 -progress 0 >p.log || { cat p.log; fail "flow failed"; }
  [ "$(h5attr p.h5 provenance git_commit)" = "$commit" ] || fail "/provenance git_commit is $(h5attr p.h5 provenance git_commit), not $commit"
  for a in git_dirty compiler build_flags mpi_library host; do
    [ -n "$(h5attr p.h5 provenance $a)" ] || fail "/provenance lacks $a"
  done
}

# -task sample runs on its own defaults: a zero-dimensional flow whose noise range covers the sampler's
# [-sample_s_min, -sample_s_max] (it failed with the flow task's -d 3, Lambda = 1, t_IR = 5), and
# -task sample -help lists the options without validating them (it exited 1 on -d).
test_user_sample_defaults_and_help() {
  frg -task sample -sample_count 2000 -sample_floor_replicas 2 -output s.h5 >s.log 2>&1 || { cat s.log; fail "-task sample on its defaults failed"; }
  grep -q "s in \[0.0001, 1000" s.log || { cat s.log; fail "the score table does not cover the default noise range"; }
  [ "$(h5attr s.h5 parameters Lambda)" = "200.0" ] || fail "Lambda $(h5attr s.h5 parameters Lambda), expected 2/sqrt(s_min) = 200"
  frg -task sample -help >h.log 2>&1 || { cat h.log; fail "-task sample -help exited nonzero"; }
  frg -task sample -d 3 -help >h3.log 2>&1 || { cat h3.log; fail "-task sample -d 3 -help exited nonzero"; }
  for o in -sample_s_min -sampler -score_levels -integrator_max_dt -grid_cells; do grep -q -- "$o" h.log || fail "-task sample -help does not list $o"; done
  expect_error "-task sample needs a zero-dimensional flow: -d must be 0, got 3" out.h5 "$FRG" -task sample -d 3 -output out.h5 || return 1
}

# A scan in which every point failed is a failed run: exit 1 and one line naming the first failure; the
# table with each point's message is kept (it exited 0).
test_user_scan_all_points_failed() {
  local rc=0
  "$FRG" -task scan -scan_vary "potential=phi^2/0,2*phi^2/0" -output s.h5 >s.log 2>&1 || rc=$?
  [ $rc -eq 1 ] || { cat s.log; fail "a scan whose points all failed exited $rc"; }
  grep -q "frg: error: every one of the 2 scan points failed" s.log || { cat s.log; fail "no error line for the failed scan"; }
  [ -s s.csv ] && grep -q "not finite" s.csv || fail "the table with the points' messages was not kept"
  "$FRG" -task scan -scan_vary "potential=phi^2/0,phi^2/2+phi^4/24" -d 0 -Lambda 1e4 -t_ir 20 -output m.h5 >m.log 2>&1 || { cat m.log; fail "a scan with one good point exited nonzero"; }
}

# Scans as a user reads them: -scan_task fixedpoint prints one line per point (it printed each point's
# 20-line report), numeric axis values are CSV numbers and strings stay quoted (every value was a
# quoted string), and a single bisection needs no -scan_vary axis (it needed a dummy one); frgpy reads
# the axis-less table.
test_user_scan_output() {
  frg -task scan -scan_task fixedpoint -scan_vary "N=1,2; truncation=lpa,taylor" -output fp.h5 >fp.log 2>&1 || { cat fp.log; fail "fixed-point scan failed"; }
  [ "$(grep -c '' fp.log)" -eq 6 ] || { cat fp.log; fail "the fixed-point scan printed $(grep -c '' fp.log) lines for 4 points, not 6"; }
  grep -q "^0,1,\"lpa\",0\.6495" fp.csv || { head -3 fp.csv; fail "fp.csv: N is not written as a number or truncation not as a string"; }
  $PY -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1]).read().splitlines()[1:], quoting=csv.QUOTE_NONNUMERIC)); assert r[0][1] == 1.0 and r[2][1] == 2.0 and r[0][2] == "lpa", r[0]' fp.csv ||
    fail "a CSV reader does not see N as a number"
  grep -v "^scan_vary" "$INPUTS/scan/ising_bisect.yaml" >bisect.yaml
  frg -options_file bisect.yaml -scan_bisect_tol 1e-4 -output b.h5 >b.log 2>&1 || { cat b.log; fail "a bisection without -scan_vary failed"; }
  grep -q "point 0/1: critical = -0.229" b.log || { cat b.log; fail "the bisection without axes did not find m2_c = -0.229..."; }
  PYTHONPATH="$TESTS/../python" $PY -c 'import frgpy,sys; s=frgpy.open(sys.argv[1]); t=s.table; print(t); assert abs(float(t["critical"][0]) + 0.2294) < 1e-3' b.h5 ||
    fail "frgpy cannot read the axis-less bisection table"
}

# -help puts frg first: the usage and frg's own options, without PETSc's 60 lines of start-up options
# (it printed those before ours); -help_petsc adds them. Both exit 0.
test_user_help_frg_first() {
  "$FRG" -help >h.log 2>&1 || { cat h.log; fail "-help exited nonzero"; }
  head -1 h.log | grep -q "^frg: functional renormalization group" || { head -3 h.log; fail "-help does not start with frg's usage"; }
  ! grep -q "Options for all PETSc programs" h.log || fail "-help prints PETSc's start-up options"
  [ "$(grep -c '' h.log)" -lt 110 ] || fail "-help prints $(grep -c '' h.log) lines"
  grep -qE "^ +-grid_cells <" h.log || fail "-help does not list -grid_cells"
  "$FRG" -help_petsc >p.log 2>&1 || { cat p.log; fail "-help_petsc exited nonzero"; }
  grep -q "Options for all PETSc programs" p.log && grep -qE "^ +-grid_cells <" p.log || fail "-help_petsc lacks PETSc's or frg's options"
}

# `frg -help | head` ended in PETSc's SIGPIPE traceback and MPI_Abort (exit 59); a run whose stdout
# closes early still writes its result.
test_user_help_into_closed_pipe() {
  local rc
  "$FRG" -help 2>stderr.log | head -1
  rc=${PIPESTATUS[0]}
  cat stderr.log
  [ "$rc" -eq 0 ] || fail "frg -help | head exited $rc"
  ! grep -q "PETSC ERROR\|MPI_ABORT" stderr.log || fail "a traceback on a closed pipe"
  "$FRG" -options_file "$INPUTS/tests/zero_d_convex.yaml" -output out.h5 2>stderr.log | head -1
  rc=${PIPESTATUS[0]}
  cat stderr.log
  [ "$rc" -eq 0 ] && [ -s out.h5 ] || fail "a flow whose stdout closed exited $rc or wrote no out.h5"
}

# Every physics reference resolves inside the repository: nothing cites DESIGN.md (not shipped), and
# every "doc/physics.md N.M" that a source, deck, tool, test or the README cites is a section there.
test_user_cited_sections_exist() {
  local cited missing=0 section
  ! grep -rln "DESIGN\.md" "$ROOT"/{src,include,tests,tools,inputs,bench,python,jobscripts,README.md} 2>/dev/null | grep -v "tests/cases/user.sh" || fail "files above cite DESIGN.md, which the repository does not ship"
  cited=$(grep -rhoE "doc/physics\.md [0-9]+(\.[0-9]+)?" "$ROOT"/{src,include,tests,tools,inputs,bench,python,README.md} 2>/dev/null | awk '{print $2}' | sort -u)
  [ -n "$cited" ] || fail "no citation of doc/physics.md found (the check would be empty)"
  for section in $cited; do
    grep -qE "^#+ ${section//./\\.}[ .]" "$ROOT/doc/physics.md" || { echo "doc/physics.md has no section $section"; missing=1; }
  done
  echo "cited sections: $(echo $cited)"
  [ $missing -eq 0 ] || fail "cited sections missing from doc/physics.md"
}

# /provenance holds the wall seconds of each stage of the run (setup, integrate, output or report) in every result
# file, and they are the run's own: each is >= 0, integrate dominates a flow of 4000 cells, and together
# they fit in the wall time the test measured around the process. /fixedpoint says which rho its
# column holds (rho_kind rho-tilde, with c_d), and it is that one: v crosses zero at the printed kappa
# (rho-tilde units), not at kappa_hat = kappa / c_d.
test_user_provenance_stages_and_rho_kind() {
  user_files
  $PY - <<'PYEOF' || fail "stage times or rho kind (above)"
import subprocess, sys, time
import h5py, numpy as np
import os
frg = os.environ.get("FRG")
bad = []
for name in ("f.h5", "fp.h5", "df.h5", "s.h5", "t.h5", "d.h5", "on3.h5"):
    a = h5py.File(name, "r")["provenance"].attrs
    stages = {k: float(a[k]) for k in a if k.startswith("wall_seconds_")}
    if "wall_seconds_integrate" not in stages or not ({"wall_seconds_output", "wall_seconds_report"} & set(stages)):
        bad.append(f"{name}: no integrate, or neither output nor report, in /provenance ({sorted(stages)})")
    if any(not (v >= 0 and np.isfinite(v)) for v in stages.values()):
        bad.append(f"{name}: stage times {stages}")
    print(name, {k[13:]: round(v, 4) for k, v in stages.items()})
start = time.time()
subprocess.run([frg, "-options_file", os.environ["INPUTS"] + "/default.yaml", "-grid_cells", "4000", "-t_ir", "2", "-progress", "0", "-output", "big.h5"], check=True, stdout=subprocess.DEVNULL)
elapsed = time.time() - start
a = h5py.File("big.h5", "r")["provenance"].attrs
stages = {k[13:]: float(a[k]) for k in a if k.startswith("wall_seconds_")}
print("4000 cells:", stages, f"process {elapsed:.3f} s")
if not sum(stages.values()) <= elapsed:
    bad.append(f"the stages sum to {sum(stages.values()):.3f} s, more than the process took ({elapsed:.3f} s)")
if not stages.get("integrate", 0) > 2 * (stages.get("setup", 0) + stages.get("output", 0)):
    bad.append(f"integrate does not dominate a 4000-cell flow: {stages}")
f = h5py.File("fp.h5", "r")
g = f["fixedpoint"]
kind = g.attrs.get("rho_kind", b"")
kind = kind.decode() if isinstance(kind, bytes) else kind
if kind != "rho-tilde":
    bad.append(f"/fixedpoint rho_kind is {kind!r}")
rho, v = g["rho"][()], g["v"][()]
i = int(np.argmax(v > 0))
zero = rho[i - 1] - v[i - 1] * (rho[i] - rho[i - 1]) / (v[i] - v[i - 1])
kappa, c_d = float(f["summary"].attrs["kappa"]), float(g.attrs["c_d"])
print(f"v crosses 0 at rho = {zero:.6g}; kappa = {kappa:.6g} (rho-tilde), kappa_hat = {kappa / c_d:.6g}")
if not abs(zero - kappa) <= 2e-3 * kappa:
    bad.append(f"v crosses zero at {zero}, not at kappa = {kappa}")
for b in bad:
    print("FAILED:", b)
sys.exit(1 if bad else 0)
PYEOF
}
