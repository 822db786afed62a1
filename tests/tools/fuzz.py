#!/usr/bin/python3
"""Seeded mutation fuzzer of the files frg reads: checkpoints (-restart), scan journals (a scan that
resumes) and decks (-options_file).

    fuzz.py --frg build/bin/frg --inputs inputs --mutants 240 --seed 1 [--ranks 1,2] [--workdir DIR]

From one good file of each kind (written here: a checkpoint by a -stop_at run, a journal by a finished
scan, a small deck) it makes mutants -- flipped bytes, truncation, datasets resized or retyped,
attributes retyped, set to NaN, inf, negative, huge or 0, deleted; journal lines damaged, duplicated,
deleted; deck values replaced, lines deleted or duplicated, bytes flipped -- and runs each through frg,
on 1 or 2 ranks in turn. Every run must
  - end within --timeout seconds with exit 0 or 1 (85, a checkpoint stop, is never legitimate here);
  - print no sanitizer report (AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer);
  - on exit 0, give the right result: a checkpoint mutant the /summary of the unmutated restart (to
    1e-10), a journal mutant the reference scan table, a deck mutant the /summary of a run with the
    same keys and values given on the command line, as read by an independent reader (PyYAML's
    BaseLoader: every value a string, as PETSc reads it); exit 0 on a deck that reader rejects is wrong.
Prints the figures per class and exits 1 on any violation, naming the mutant (kept in the workdir).

Mutants are made one after another from the seed (the same mutants on every run) and then run --jobs
at a time, a run on n ranks taking n of the --jobs slots: on 2 cores twice as many mutants per minute.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import h5py
import numpy as np
import yaml

SANITIZER = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")
SKIP = {"wall_seconds", "ranks", "restarted_from_t"}
DECK = {"model": "on", "N": "4", "d": "0", "potential": '"-phi^2/2 + phi^4/24"', "Lambda": "1e6", "t_ir": "10",
        "grid_cells": "40", "grid_phi_max": "6", "rtol": "1e-8", "atol": "1e-10", "output_every": "5"}
HOSTILE = ["nan", "NaN", "inf", "-inf", "-1", "0", "1e308", "-1e308", "9223372036854775807", "99999999999", "abc", '""', "0x10",
           "1e-320", "[1, 2]", "{a: 1}", "~", "3", "2.5", "7"]


class Fuzz:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.frg = os.path.abspath(args.frg)
        self.counts = {}
        self.failures = []
        self.cache = {}
        self.retries = 0
        self.leak_checked = 0
        self.known = 0
        self.lock = threading.Lock()

    def run(self, ranks, argv, timeout=None, cwd=None, leak=True):
        """Runs frg (in cwd); returns (exit code, stderr). Exit code None: timed out."""
        cmd = [self.frg] + argv if ranks == 1 else ["mpirun", "-n", str(ranks), "--oversubscribe", self.frg] + argv
        for attempt in range(3):
            try:
                p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout or self.args.timeout, cwd=cwd, env=self.env(leak))
            except subprocess.TimeoutExpired:
                return None, "timeout"
            err = p.stderr.decode("utf-8", "replace")
            # mpirun itself failed to start (its session folder raced with another job's): not frg's verdict
            if not (p.returncode != 0 and "ORTE_ERROR_LOG" in err and "session_dir" in err):
                break
            with self.lock:
                self.retries += 1
        return p.returncode, err

    def env(self, leak):
        """Leak checking (LeakSanitizer with the slow, complete unwinding CI needs: 0.9 s a run instead
        of 0.15) only on every --leak-every-th mutant; memory errors and UB are checked on every run."""
        env = dict(os.environ)
        if not leak and "ASAN_OPTIONS" in env:
            env["ASAN_OPTIONS"] = re.sub(r"detect_leaks=1", "detect_leaks=0", env["ASAN_OPTIONS"]) + ":detect_leaks=0"
        return env

    # ---- results -------------------------------------------------------------------------------
    @staticmethod
    def summary(path):
        with h5py.File(path, "r") as f:
            s = f["summary"].attrs
            return {k: float(s[k]) for k in s if k not in SKIP and np.ndim(s[k]) == 0 and np.issubdtype(np.asarray(s[k]).dtype, np.number)}

    @staticmethod
    def same(a, b, tol=1e-10):
        if a is None or b is None or set(a) != set(b):
            return False
        return all((np.isnan(a[k]) and np.isnan(b[k])) or abs(a[k] - b[k]) <= tol * max(abs(b[k]), 1e-300) for k in a)

    @staticmethod
    def table(path):
        with h5py.File(path, "r") as f:
            s = f["scan"]
            return {k: np.asarray(s[k][()]) for k in s if k != "wall_seconds"}

    @staticmethod
    def same_table(a, b):
        if set(a) != set(b):
            return False
        for k in a:
            x, y = a[k], b[k]
            if x.shape != y.shape:
                return False
            if x.dtype.kind == "f":
                if not np.all((np.isnan(x) & np.isnan(y)) | (np.abs(x - y) <= 1e-10 * np.maximum(np.abs(y), 1e-300))):
                    return False
            elif not np.array_equal(x, y):
                return False
        return True

    @staticmethod
    def checked(right):
        try:
            return right()
        except (OSError, KeyError) as error:  # no result file, or not a complete one
            print("  result unreadable:", error)
            return False

    @staticmethod
    def known_leak(err):
        """A LeakSanitizer report (and nothing else) whose every leak was allocated inside PETSc 3.18's
        PetscOptionsInsertFileYAML when it rejects a deck on several ranks: PETSc's error path, outside
        frg's files (reported to the owner of the deck reading, src/driver/init.c); any other leak fails."""
        if "ERROR: LeakSanitizer" not in err or "AddressSanitizer: heap" in err or "runtime error:" in err:
            return False
        blocks = re.split(r"\n(?=(?:Direct|Indirect) leak of)", err)[1:]
        return bool(blocks) and all("PetscOptionsInsertFileYAML" in b for b in blocks)

    def verdict(self, cls, name, rc, err, right):
        """Records one run; right() says whether an exit-0 run's result is right. Returns True on a
        violation (the mutant's files are then kept)."""
        problem = None
        known = False
        if rc is None:
            problem = "did not end within %g s" % self.args.timeout
        elif self.known_leak(err):
            known = True
        elif any(s in err for s in SANITIZER):
            problem = "sanitizer report: " + next(line for line in err.splitlines() if any(s in line for s in SANITIZER))
        elif rc not in (0, 1):
            problem = "exit code %d" % rc
        elif rc == 1 and err.count("frg: error:") < 1:
            problem = "exit 1 without an 'frg: error:' line"
        elif rc == 0 and not self.checked(right):
            problem = "exit 0 with a wrong or missing result"
        with self.lock:
            c = self.counts.setdefault(cls, {"tried": 0, "exit 0 (right result)": 0, "exit 1": 0, "violations": 0})
            c["tried"] += 1
            self.known += known
            if problem:
                c["violations"] += 1
                self.failures.append(f"{cls} {name}: {problem}\n{err[-2000:]}")
            else:
                c["exit 0 (right result)" if rc == 0 else "exit 1"] += 1
        return problem is not None

    @staticmethod
    def remove(*paths):
        for p in paths:
            if os.path.isdir(p):
                shutil.rmtree(p)
            elif os.path.exists(p):
                os.unlink(p)

    # ---- checkpoints ---------------------------------------------------------------------------
    def flow_args(self):
        return ["-options_file", os.path.join(self.args.inputs, "tests/zero_d_double_well.yaml"), "-grid_cells", "40", "-t_ir", "10", "-progress", "0"]

    def checkpoint_setup(self):
        rc, err = self.run(1, self.flow_args() + ["-output", "good.h5", "-stop_at", "4"])
        assert rc == 85 and os.path.exists("good.h5.checkpoint.h5"), f"the good checkpoint: exit {rc}\n{err}"
        shutil.move("good.h5.checkpoint.h5", "good.ck.h5")
        self.ck_reference = {}
        for ranks in sorted(set(self.args.ranks)):
            rc, err = self.run(ranks, self.flow_args() + ["-output", f"ref{ranks}.h5", "-restart", "good.ck.h5"])
            assert rc == 0, f"the unmutated restart on {ranks} ranks: exit {rc}\n{err}"
            self.ck_reference[ranks] = self.summary(f"ref{ranks}.h5")

    def h5_objects(self, f):
        objects = []
        f.visititems(lambda n, o: objects.append((n, o)))
        return objects

    def mutate_checkpoint(self, path):
        """One mutation of the checkpoint at path; returns its description."""
        r = self.rng
        kind = r.choice(["flip", "flip", "truncate", "resize", "retype_dataset", "nan_value", "attr_value", "attr_value", "attr_type", "delete", "delete"])
        if kind in ("flip", "truncate"):
            data = bytearray(open(path, "rb").read())
            if kind == "truncate":
                data = data[: r.randrange(len(data))]
                desc = f"truncated to {len(data)} bytes"
            else:
                where = [r.randrange(len(data)) for _ in range(r.randint(1, 4))]
                for w in where:
                    data[w] ^= 1 << r.randrange(8)
                desc = f"bits flipped at {where}"
            open(path, "wb").write(bytes(data))
            return desc
        with h5py.File(path, "r+") as f:
            objects = self.h5_objects(f)
            datasets = [n for n, o in objects if isinstance(o, h5py.Dataset)]
            holders = [("/", f)] + objects
            attrs = [(n, o, a) for n, o in holders for a in o.attrs]
            if kind == "resize":
                name = r.choice(datasets)
                old = f[name][()]
                shape = list(old.shape) or [1]
                axis = r.randrange(len(shape))
                shape[axis] = r.choice([0, 1, max(shape[axis] - 1, 0), shape[axis] + 1, shape[axis] * 2 + 3])
                if r.random() < 0.2:
                    shape = shape + [2]
                new = np.resize(old, shape) if old.size else np.zeros(shape)
                del f[name]
                f.create_dataset(name, data=new)
                return f"{name} resized from {old.shape} to {tuple(shape)}"
            if kind == "retype_dataset":
                name = r.choice(datasets)
                old = f[name][()]
                dtype = r.choice(["f4", "i8", "i1", "S8"])
                del f[name]
                f.create_dataset(name, data=old.astype(dtype) if dtype != "S8" else np.full(old.shape, b"x"))
                return f"{name} retyped to {dtype}"
            if kind == "nan_value":
                name = r.choice(datasets)
                d = f[name]
                if d.size == 0:
                    return "nothing (empty dataset)"
                flat = d[()].ravel()
                i = r.randrange(flat.size)
                flat[i] = r.choice([np.nan, np.inf, -np.inf, 1e308, -1e308, 0.0, flat[i] * (1 + 1e-12)])
                d[()] = flat.reshape(d.shape)
                return f"{name}[{i}] = {flat[i]}"
            n, o, a = r.choice(attrs)
            if kind == "delete":
                if r.random() < 0.5:
                    del o.attrs[a]
                    return f"attribute {n}/{a} deleted"
                name = r.choice(datasets)
                del f[name]
                return f"dataset {name} deleted"
            if kind == "attr_type":
                v = o.attrs[a]
                new = r.choice([np.float64(1.0), np.int64(1), np.bytes_(b"1"), np.array([1.0, 2.0]), np.float32(float(v) if np.ndim(v) == 0 and not isinstance(v, bytes) else 1.0)])
                o.attrs[a] = new
                return f"attribute {n}/{a} retyped to {type(new).__name__}"
            value = r.choice([np.nan, np.inf, -np.inf, -1.0, 0.0, 1e300, 2.0, 3.999, 10.0, 11.0, -1, 0, 2 ** 62, 2 ** 31, 7, 41, 39])
            old = o.attrs[a]
            if isinstance(old, (bytes, np.bytes_)):
                value = np.bytes_(r.choice([b"", b"nan", b"frg checkpoint ", b"0", b"on", str(value).encode()]))
            elif np.issubdtype(np.asarray(old).dtype, np.integer):
                value = np.int64(value) if np.isfinite(value) and abs(value) < 2 ** 63 else np.float64(value)
            o.attrs[a] = value
            return f"attribute {n}/{a} = {value!r}"

    @staticmethod
    def restamp(path):
        """Rewrites the checksum line frg keeps in the first 512 bytes (the HDF5 user block) to match."""
        data = bytearray(open(path, "rb").read())
        if len(data) < 512:
            return
        h = 14695981039346656037
        for b in data[512:]:
            h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
        line = f"frg checkpoint fnv1a64={h:016x} bytes={len(data) - 512}\n".encode()
        data[:512] = line + bytes(512 - len(line))
        open(path, "wb").write(bytes(data))

    def checkpoint_mutant(self, i, ranks, leak):
        """Makes mutant i (from the seed, in order) and returns the run that judges it."""
        path = f"ck{i}.h5"
        shutil.copy("good.ck.h5", path)
        desc = self.mutate_checkpoint(path)
        # a forged file checksum, to reach the checks behind it (types, shapes, content checksum); not on raw
        # byte flips: those then test HDF5 1.10's own parser, which crashes on some (SEGV, not frg's to fix)
        if not desc.startswith(("bits flipped", "truncated")) and self.rng.random() < 0.7:
            self.restamp(path)
            desc += ", file checksum forged"
        out = f"ck{i}.out.h5"

        def judge():
            rc, err = self.run(ranks, self.flow_args() + ["-output", out, "-restart", path], leak=leak)
            if not self.verdict("checkpoint", f"{path} ({desc}) on {ranks} ranks", rc, err, lambda: self.same(self.summary(out), self.ck_reference[ranks])):
                self.remove(path, out)
        return judge

    # ---- journals ------------------------------------------------------------------------------
    def scan_args(self):
        return ["-options_file", os.path.join(self.args.inputs, "scan/zero_d.yaml"), "-scan_vary", "N=1,2,3;g=1,2", "-scan_progress", "0"]

    def journal_setup(self):
        rc, err = self.run(1, self.scan_args() + ["-output", "scan.h5"])
        assert rc == 0, f"the good scan: exit {rc}\n{err}"
        self.scan_reference = self.table("scan.h5")
        self.journal = open("scan.h5.journal", "rb").read()

    def mutate_journal(self):
        r = self.rng
        data = bytearray(self.journal)
        lines = data.split(b"\n")
        kind = r.choice(["flip", "flip", "truncate", "delete_line", "duplicate_line", "swap_digits", "garbage", "field", "header"])
        body = list(range(1, len(lines) - 1))
        if kind == "flip":
            for _ in range(r.randint(1, 3)):
                data[r.randrange(len(data))] ^= 1 << r.randrange(8)
            return bytes(data), kind
        if kind == "truncate":
            return bytes(data[: r.randrange(len(data))]), kind
        if kind == "header":
            lines[0] = lines[0].replace(b"points=", r.choice([b"points=9", b"points=-", b"points="])) if r.random() < 0.5 else lines[0][: r.randrange(len(lines[0]))]
            return b"\n".join(lines), kind
        k = r.choice(body)
        if kind == "delete_line":
            del lines[k]
        elif kind == "duplicate_line":
            lines.insert(r.choice(body), lines[k])
        elif kind == "swap_digits":
            line = bytearray(lines[k])
            digits = [j for j, c in enumerate(line) if chr(c).isdigit()]
            j = r.choice(digits)
            line[j] = ord(str((int(chr(line[j])) + r.randint(1, 9)) % 10))
            lines[k] = bytes(line)
        elif kind == "garbage":
            lines.insert(k, r.choice([b"", b"\t", b"5", b"5\t", b"5\t0", b"99999999999999999999\t0\t1", b"-1\t0", b"\x00\xff", b"3\t2\t" + b"1\t" * 30]))
        elif kind == "field":
            fields = lines[k].split(b"\t")
            j = r.randrange(len(fields))
            fields[j] = r.choice([b"nan", b"inf", b"-1", b"", b"1e999", b"abc", b"0", b"2"])
            lines[k] = b"\t".join(fields)
        return b"\n".join(lines), kind

    def journal_mutant(self, i, ranks, leak):
        """The scan's hash includes its -output: each mutant resumes as scan.h5 in a folder of its own."""
        text, desc = self.mutate_journal()
        folder = f"js{i}"
        os.makedirs(folder)
        open(os.path.join(folder, "scan.h5.journal"), "wb").write(text)

        def judge():
            rc, err = self.run(ranks, self.scan_args() + ["-output", "scan.h5"], cwd=folder, leak=leak)
            if not self.verdict("journal", f"{folder}/scan.h5.journal ({desc}) on {ranks} ranks", rc, err, lambda: self.same_table(self.table(os.path.join(folder, "scan.h5")), self.scan_reference)):
                self.remove(folder)
        return judge

    # ---- decks ---------------------------------------------------------------------------------
    def mutate_deck(self):
        r = self.rng
        lines = [f"{k}: {v}" for k, v in DECK.items()]
        kind = r.choice(["value", "value", "value", "delete_line", "duplicate_key", "flip", "garbage_line"])
        k = r.randrange(len(lines))
        if kind == "value":
            key = lines[k].split(":")[0]
            lines[k] = f"{key}: {r.choice(HOSTILE)}"
        elif kind == "delete_line":
            del lines[k]
        elif kind == "duplicate_key":
            key = lines[k].split(":")[0]
            lines.append(f"{key}: {r.choice(HOSTILE)}")
        elif kind == "garbage_line":
            lines.insert(k, r.choice(["- a", "key without colon", ": 1", "a:\n  b: 1", "\t", "'unterminated: 1", "N: 4: 5"]))
        text = ("\n".join(lines) + "\n").encode()
        if kind == "flip":
            data = bytearray(text)
            j = r.randrange(len(data))
            data[j] ^= 1 << r.randrange(7)
            text = bytes(data)
        return text, kind

    @staticmethod
    def independent(text):
        """The deck as PETSc should read it: a flat map of strings, or None if it is not one."""
        try:
            d = yaml.load(text.decode("utf-8"), Loader=yaml.BaseLoader)
        except (yaml.YAMLError, UnicodeDecodeError):
            return None
        if not isinstance(d, dict) or not all(isinstance(k, str) and isinstance(v, str) and k for k, v in d.items()):
            return None
        return d

    def deck_mutant(self, i, ranks, leak):
        text, desc = self.mutate_deck()
        deck, out = f"deck{i}.yaml", f"deck{i}.h5"
        open(deck, "wb").write(text)
        return lambda: self.deck_judge(i, ranks, leak, text, desc, deck, out)

    def deck_judge(self, i, ranks, leak, text, desc, deck, out):
        rc, err = self.run(ranks, ["-options_file", deck, "-progress", "0", "-output", out], leak=leak)

        def right():
            d = self.independent(text)
            if d is None:
                return False
            argv = []
            for k, v in sorted(d.items()):
                argv += ["-" + k, v]
            key = (ranks, tuple(argv))
            with self.lock:
                known = self.cache.get(key, "unknown")
            if known == "unknown":  # two threads may both compute one comparison run: harmless
                cmp_out = f"cmp{i}.h5"
                crc, _ = self.run(ranks, argv + ["-progress", "0", "-output", cmp_out], leak=leak)
                known = self.summary(cmp_out) if crc == 0 else None
                self.remove(cmp_out)
                with self.lock:
                    self.cache[key] = known
            return self.same(self.summary(out), known)

        if not self.verdict("deck", f"{deck} ({desc}) on {ranks} ranks", rc, err, right):
            self.remove(deck, out)


class Slots:
    """At most n runs' worth of ranks at once: a run on r ranks holds min(r, n) slots."""

    def __init__(self, n):
        self.n, self.free, self.cond, self.threads = n, n, threading.Condition(), []

    def start(self, ranks, job):
        need = min(ranks, self.n)
        with self.cond:
            self.cond.wait_for(lambda: self.free >= need)
            self.free -= need

        def body():
            try:
                job()
            finally:
                with self.cond:
                    self.free += need
                    self.cond.notify_all()
        t = threading.Thread(target=body)
        t.start()
        self.threads.append(t)

    def join(self):
        for t in self.threads:
            t.join()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--frg", required=True)
    p.add_argument("--inputs", required=True)
    p.add_argument("--mutants", type=int, default=240)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--ranks", default="1,2", help="rank counts, taken in turn (1,2,1: a third of the mutants on 2 ranks)")
    p.add_argument("--classes", default="checkpoint,journal,deck")
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--workdir", default=None)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="runs at once (a run on n ranks counts n)")
    p.add_argument("--leak-every", type=int, default=4, help="check for leaks on every this many mutants (all other sanitizer checks on every run)")
    args = p.parse_args()
    for k, v in {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "OMPI_MCA_pml": "ob1", "OMPI_MCA_btl": "self,vader", "OMPI_MCA_btl_vader_single_copy_mechanism": "none",
                 "OMPI_MCA_odls_base_sigkill_timeout": "0"}.items():
        os.environ.setdefault(k, v)
    args.ranks = [int(x) for x in args.ranks.split(",")]
    args.inputs, args.frg = os.path.abspath(args.inputs), os.path.abspath(args.frg)
    work = args.workdir or tempfile.mkdtemp(prefix="frg-fuzz.")
    os.makedirs(work, exist_ok=True)
    os.chdir(work)
    fuzz = Fuzz(args)
    start = time.time()
    if "checkpoint" in args.classes:
        fuzz.checkpoint_setup()
    if "journal" in args.classes:
        fuzz.journal_setup()
    kinds = [{"checkpoint": fuzz.checkpoint_mutant, "journal": fuzz.journal_mutant, "deck": fuzz.deck_mutant}[c] for c in args.classes.split(",")]
    slots = Slots(max(1, args.jobs))
    for i in range(args.mutants):
        leak = i % args.leak_every == 0
        fuzz.leak_checked += leak
        ranks = args.ranks[(i // len(kinds)) % len(args.ranks)]
        slots.start(ranks, kinds[i % len(kinds)](i, ranks, leak))
    slots.join()
    print(f"fuzz: seed {args.seed}, {args.mutants} mutants, ranks {args.ranks}, {args.jobs} at once, {time.time() - start:.1f} s, {fuzz.retries} mpirun start-up retries, {fuzz.leak_checked} mutants leak-checked, workdir {work}")
    if fuzz.known:
        print(f"  allowed (known, not frg's files): {fuzz.known} leak reports inside PETSc's PetscOptionsInsertFileYAML on a rejected deck (2 ranks)")
    for cls, c in fuzz.counts.items():
        print(f"  {cls:10s} " + ", ".join(f"{k} {v}" for k, v in c.items()))
    for f in fuzz.failures:
        print("VIOLATION:", f)
    sys.exit(1 if fuzz.failures else 0)


if __name__ == "__main__":
    main()
