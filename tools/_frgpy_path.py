"""Lets the tools import frgpy without installing it: from the source tree (ROOT/python, beside
tools/) or from a make install tree (PREFIX/lib/python3.X/dist-packages, tools in PREFIX/share/frg/tools).
A copy found there comes first, so the tools use the frgpy they were shipped with."""
import os
import sys

_here = os.path.dirname(os.path.realpath(__file__))
_version = f"python{sys.version_info.major}.{sys.version_info.minor}"
# the source tree first: from a checkout, ../../../lib may be the system's own /usr/lib (merged /usr)
for _path in (os.path.join(_here, "..", "python"), os.path.join(_here, "..", "..", "..", "lib", _version, "dist-packages")):
    if os.path.isfile(os.path.join(_path, "frgpy", "__init__.py")):
        sys.path.insert(0, os.path.normpath(_path))
        break
