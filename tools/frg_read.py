#!/usr/bin/python3
"""Print what an frg result file holds: its kind, summary, parameters, provenance, datasets.

    /usr/bin/python3 tools/frg_read.py FILE.h5 [...]      (the same as: /usr/bin/python3 -m frgpy FILE.h5)

A thin command over frgpy (python/frgpy). In Python, use frgpy itself:
    import frgpy; r = frgpy.open("frg_default.h5"); r.phi, r.t, r.u, r.potential(-1), r.summary
FrgResult(path) is kept for scripts written against the earlier reader: it is frgpy.open(path).
"""
import sys

import _frgpy_path  # noqa: F401  (makes frgpy importable from the source or install tree)
import frgpy
from frgpy.__main__ import main


def FrgResult(path):  # noqa: N802  (the earlier reader's class name)
    return frgpy.open(path)


if __name__ == "__main__":
    sys.exit(main())
