#!/usr/bin/python3
"""Plot a scan table of frg (-task scan).

    tools/plot_scan.py SCAN.h5 [-x d] [-y phi0] [--by N] [-o SCAN.png]
    tools/plot_scan.py SCAN.h5 --nu CRITICAL -x m2 -y m2_radial [-o nu.png]     prints "nu = ..."

Default: the main results against the first numeric scanned option, one marker set per value of the
other (string options such as truncation included); --nu fits m_R = sqrt(y) ~ |x - C|^nu. Any other
frg file gets the plot of its own kind (this is /usr/bin/python3 -m frgpy.plot).
"""
import sys

import _frgpy_path  # noqa: F401  (makes frgpy importable from the source or install tree)
from frgpy.plot import main

if __name__ == "__main__":
    sys.exit(main())
