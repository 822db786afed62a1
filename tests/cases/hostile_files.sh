# Hostile files: paths that collide, files that are not frg's, links planted at partial files, crafted
# checkpoints and journals, a full disk, and a seeded mutation fuzzer. Each test failed before its fix.
# The runs are 0D flows on 60 cells (a few ms each).

HF_DECK="-options_file $INPUTS/tests/zero_d_double_well.yaml -grid_cells 60 -t_ir 10 -progress 0"
# hf_run NP: the command that runs frg on NP ranks (for expect_error, which runs a command, not a function)
hf_run() { if [ "$1" -eq 1 ]; then echo "$FRG"; else echo "mpirun -n $1 --oversubscribe $FRG"; fi; }
HF_SCAN="-options_file $INPUTS/scan/zero_d.yaml -scan_vary N=1,2;g=1 -scan_progress 0"

# Two output roles never share a path, also through ./ or a link: refused before any work, on 1 and 2
# ranks, and the existing file stays. Before, -checkpoint o.h5 -output o.h5 exited 0 and deleted o.h5,
# and with -checkpoint_every on 2 ranks destroyed the old o.h5.
test_hostile_files_roles() {
  local np
  frg $HF_DECK -output keep.h5 >/dev/null || fail "reference run failed"
  for np in 1 2; do
    rm -f o.h5*
    expect_error "-output o.h5 and -checkpoint o.h5 are the same file" o.h5 $(hf_run $np) $HF_DECK -output o.h5 -checkpoint o.h5 || fail "same path on $np ranks"
    cp keep.h5 o.h5
    ln -sf o.h5 link.h5
    for ck in ./o.h5 link.h5 "$PWD/o.h5"; do
      expect_error "are the same file" "" $(hf_run $np) $HF_DECK -output o.h5 -checkpoint "$ck" -checkpoint_every 5 || fail "-checkpoint $ck on $np ranks"
      cmp -s o.h5 keep.h5 || fail "-checkpoint $ck on $np ranks changed o.h5"
    done
    rm -f s.h5* s.csv
    expect_error "-output s.h5 and -scan_csv s.h5 are the same file" s.h5 $(hf_run $np) $HF_SCAN -output s.h5 -scan_csv s.h5 || fail "-scan_csv = -output on $np ranks"
    expect_error "-scan_csv s.h5.journal and -output (its journal) s.h5.journal are the same file" s.h5 $(hf_run $np) $HF_SCAN -output s.h5 -scan_csv s.h5.journal ||
      fail "-scan_csv = the journal on $np ranks"
  done
}

# A file that is not frg's is never replaced: a deck at -scan_csv (unless -output_overwrite); an empty
# or folder -output of a scan fails before the scan. Before, -scan_csv mydeck.yaml overwrote the deck.
test_hostile_files_not_ours() {
  echo "N: 4" >mydeck.yaml
  expect_error "-scan_csv mydeck.yaml exists and was not written by frg" s.h5 "$FRG" $HF_SCAN -output s.h5 -scan_csv mydeck.yaml || fail "a deck at -scan_csv"
  [ "$(cat mydeck.yaml)" = "N: 4" ] || fail "the deck was changed"
  "$FRG" $HF_SCAN -output s.h5 -scan_csv mine.csv >/dev/null || fail "a scan failed"
  rm -f s.h5 s.h5.journal
  "$FRG" $HF_SCAN -output s.h5 -scan_csv mine.csv >/dev/null || fail "a scan could not replace its own CSV"
  rm -f s.h5 s.h5.journal
  "$FRG" $HF_SCAN -output s.h5 -scan_csv mydeck.yaml -output_overwrite >/dev/null || fail "-output_overwrite did not replace the CSV"
  head -1 mydeck.yaml | grep -q "^point," || fail "-output_overwrite: no table in mydeck.yaml"
  expect_error "-output needs a value" "" "$FRG" $HF_SCAN -output "" || fail "-output \"\" of a scan" # (refused when the options are read, before the scan checks its own)
  mkdir folder.h5
  expect_error "folder.h5" "" "$FRG" $HF_SCAN -output folder.h5 || fail "a folder at -output of a scan"
  [ ! -e folder.h5.journal ] || fail "a journal was written for a folder -output"
  expect_error "folder.h5 is a folder" "" "$FRG" $HF_DECK -output folder.h5 || fail "a folder at -output of a flow"
  echo "text" >t.h5
  for deck in "$HF_DECK" "-options_file $INPUTS/diffusion/double_well.yaml" "-options_file $INPUTS/fixedpoint/ising_lpa.yaml"; do
    expect_error "exists and was not written by frg" "" "$FRG" $deck -output t.h5 || fail "a text file at -output ($deck)"
    [ "$(cat t.h5)" = text ] || fail "t.h5 was replaced ($deck)"
  done
}

# A link planted at a partial file is never followed: the file it points to stays, for the flow's
# output and checkpoint and for the scan's table and CSV (named NAME.PID.partial: planted for many PIDs).
test_hostile_files_partial_links() {
  echo victim >v
  ln -s v o.h5.partial
  expect_error "refusing to write through it" "" "$FRG" $HF_DECK -output o.h5 || fail "a link at o.h5.partial"
  rm -f o.h5.partial
  ln -s v c.h5.partial
  local rc=0
  "$FRG" $HF_DECK -output o.h5 -checkpoint c.h5 -checkpoint_every 2 >ck.log 2>&1 || rc=$?
  cat ck.log
  [ "$(cat v)" = victim ] || fail "the checkpoint was written through c.h5.partial"
  [ $rc -eq 1 ] || fail "a link at the checkpoint's partial file: exit $rc, expected 1"
  grep -q "frg: error: -checkpoint c.h5 cannot be written" ck.log || fail "no error naming -checkpoint"
  # the scan's partial files carry the PID of rank 0: plant links for the next PIDs
  local pid=$$ i
  for i in $(seq 1 400); do ln -s v "s.h5.$((pid + i)).partial"; ln -s v "s.csv.$((pid + i)).partial"; done
  rc=0
  "$FRG" $HF_SCAN -output s.h5 -scan_csv s.csv >scan.log 2>&1 || rc=$?
  [ "$(cat v)" = victim ] || fail "the scan wrote through a planted link"
  if [ $rc -ne 0 ]; then grep -q "refusing to write through it" scan.log || { cat scan.log; fail "scan failed otherwise"; }; fi
  echo "scan exit $rc"
}

# A deck of 93 KB runs: its text (and the options, the command line) is stored as a dataset when it
# is too long for an HDF5 attribute, and frgpy reads either form. Before, such a run failed at the very
# end ("cannot create HDF5 attribute deck"), after all the work, with no output.
test_hostile_files_big_deck() {
  local np
  { cat "$INPUTS/tests/zero_d_double_well.yaml"; for i in $(seq 1 2000); do echo "# padding line $i ........................................"; done; } >big.yaml
  { cat "$INPUTS/scan/zero_d.yaml"; for i in $(seq 1 2000); do echo "# padding line $i ........................................"; done; } >bigscan.yaml
  for np in 1 2; do
    frg_np $np -options_file big.yaml -grid_cells 60 -t_ir 10 -progress 0 -output b$np.h5 >b.log 2>&1 || { cat b.log; fail "a big deck on $np ranks"; }
    frg_np $np -options_file bigscan.yaml -scan_vary "N=1,2;g=1" -scan_progress 0 -output s$np.h5 >s.log 2>&1 || { cat s.log; fail "a big scan deck on $np ranks"; }
    PYTHONPATH="$ROOT/python" $PY - b$np.h5 big.yaml s$np.h5 bigscan.yaml <<'PYEOF' || fail "the deck text read back differs ($np ranks)"
import sys, frgpy
for out, deck in ((sys.argv[1], sys.argv[2]), (sys.argv[3], sys.argv[4])):
    text = frgpy.open(out).provenance["deck"]
    print(out, "deck of", len(text), "characters")
    assert text == open(deck).read()
PYEOF
  done
  $PY "$ROOT/tools/frg_read.py" b1.h5 >read.log || fail "tools/frg_read.py cannot read the file"
}

# The seeded mutation fuzzer (tests/tools/fuzz.py) of checkpoints, scan journals and decks: 210 mutants,
# 70 of each (also under the sanitizers: each run is a 0D flow of 40 cells), on 1 and 2 ranks in turn;
# each ends within 30 s with exit 0 or 1, no sanitizer report, and an exit-0 run has the right result (a
# deck's: that of the same keys and values on the command line, as an independent YAML reader reads
# them). Before, a damaged journal row went into the table with exit 0, a checkpoint whose values were
# changed (u stored as float32, t edited) restarted with exit 0 and a different result, and deck mutants
# found a huge -grid_cells that asked for 2^64 bytes, a run of more than 30 s and leaks of the options
# database on a refused value.
test_hostile_files_fuzz() {
  $PY "$TESTS/tools/fuzz.py" --frg "$FRG" --inputs "$INPUTS" --mutants "${FRG_FUZZ_MUTANTS:-210}" --seed "${FRG_FUZZ_SEED:-20261203}" --ranks 1,2,1 --leak-every 6 --classes "${FRG_FUZZ_CLASSES:-checkpoint,journal,deck}" --workdir "$PWD/fuzz" ||
    fail "the fuzzer found a violation (above; the mutant is kept in $PWD/fuzz)"
}

# A full file system (a 64 KiB tmpfs, filled to leave a few KiB to 54 KiB): the run must end with exit 1,
# an 'frg: error' line and no partial file or lock left, on 1 and 2 ranks, for the fixed point, sampling
# and a flow. Before: a fixed point crashed inside MPI_Finalize (H5F__close_cb: HDF5 closed the file it
# could not close before), and a flow on 2 ranks hung wherever the disk filled: one rank's part of a
# collective write failed and that rank alone left for its error path while the other waited in the
# next collective (now every collective write fails on all ranks), or H5Fclose failed and HDF5 closed
# the file again inside MPI_Finalize with the ranks in different collectives (now frg ends such a run
# with MPI_Abort, exit 1). Skipped visibly where tmpfs cannot be mounted (not root).
test_hostile_files_disk_full() {
  mkdir full
  if ! mount -t tmpfs -o size=64k tmpfs full 2>/dev/null; then echo "SKIPPED: cannot mount a tmpfs here (needs root)"; return 0; fi
  trap 'umount "$PWD/full" 2>/dev/null' EXIT
  local deck np fill rc
  for deck in "fixedpoint/ising_lpa.yaml 1 2" "diffusion/double_well.yaml 1 2" "tests/zero_d_double_well.yaml 1 2"; do
    set -- $deck
    local file=$1; shift
    for np in "$@"; do
      for fill in 10 30 44 50 56 60; do
        rm -f full/*
        dd if=/dev/zero of=full/fill bs=1k count=$fill 2>/dev/null
        rc=0
        timeout 60 $(hf_run $np) -options_file "$INPUTS/$file" -progress 0 -output full/o.h5 >run.log 2>&1 || rc=$?
        echo "$file on $np ranks, $((64 - fill)) KiB free: exit $rc"
        [ $rc -eq 0 ] && { [ -f full/o.h5 ] || fail "exit 0 without the output"; continue; }
        [ $rc -eq 1 ] || { tail -5 run.log; fail "$file on $np ranks with $((64 - fill)) KiB free: exit $rc (124: hung; 139: crashed)"; }
        [ "$(grep -c 'frg: error' run.log)" -ge 1 ] || { tail -5 run.log; fail "no 'frg: error' line"; }
        [ ! -e full/o.h5.partial ] && [ ! -e full/o.h5.lock ] && [ ! -e full/o.h5 ] || { ls full; fail "a partial file, a lock or an output was left"; }
      done
    done
  done
}
