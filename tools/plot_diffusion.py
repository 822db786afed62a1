#!/usr/bin/python3
"""Plot an frg -task sample result (-model field or -model on): samples against the exact density,
the score at several noise levels, Gamma_R against the smoothed log-density (doc/physics.md 2.3).

    /usr/bin/python3 tools/plot_diffusion.py RESULT.h5 [OUT.png | -o OUT.png]     default RESULT.png

Any other frg file gets the plot of its own kind (this is /usr/bin/python3 -m frgpy.plot).
"""
import sys

import _frgpy_path  # noqa: F401  (makes frgpy importable from the source or install tree)
from frgpy.plot import main

if __name__ == "__main__":
    sys.exit(main())
