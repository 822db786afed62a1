#!/usr/bin/python3
"""Plot an frg flow: U and u at several scales, the flat inner region, phi0, masses, |Gamma2|/k^2.

    /usr/bin/python3 tools/plot_flow.py FILE.h5 [-o FILE.png] [--curves 7]

Any other frg file gets the plot of its own kind (this is /usr/bin/python3 -m frgpy.plot).
"""
import sys

import _frgpy_path  # noqa: F401  (makes frgpy importable from the source or install tree)
from frgpy.plot import main

if __name__ == "__main__":
    sys.exit(main())
