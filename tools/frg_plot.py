#!/usr/bin/python3
"""Plot any frg result file (flow, fixed point, dimensionless flow, scan, samples, checkpoint).

    /usr/bin/python3 tools/frg_plot.py FILE.h5 [-o OUT.png]        (the same as: /usr/bin/python3 -m frgpy.plot)
"""
import sys

import _frgpy_path  # noqa: F401  (makes frgpy importable from the source or install tree)
from frgpy.plot import main

if __name__ == "__main__":
    sys.exit(main())
