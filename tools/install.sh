#!/usr/bin/env bash
# make install: copies a built frg and what goes with it under PREFIX (DESTDIR prefixes every path,
# for staged installs). It never compiles: `make && sudo make install` builds as the user only.
#   tools/install.sh PREFIX BUILD
#     PREFIX/bin/frg                                  the program (a launcher that becomes libexec/frg-core)
#     PREFIX/libexec/frg-core                         the program itself (src/launcher.c says why two files)
#     PREFIX/bin/frg-plot, PREFIX/bin/frg-read        links to the tools (plot any result file; list it)
#     PREFIX/share/frg/{tools,jobscripts,inputs}      Python tools, Slurm/PBS jobscripts, decks
#     PREFIX/lib/python3.X/dist-packages/frgpy        the Python reader (on Debian's sys.path for /usr/local)
set -eu
prefix=${1:?usage: tools/install.sh PREFIX BUILD}
build=${2:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$root/$build" ;; esac
dest=${DESTDIR:-}$prefix
for program in bin/frg libexec/frg-core; do
  [ -x "$build/$program" ] || { echo "make install: $build/$program is missing: run make first" >&2; exit 1; }
done
python=python$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
site=$dest/lib/$python/dist-packages
share=$dest/share/frg

install -d "$dest/bin" "$dest/libexec" "$share/tools" "$site/frgpy"
install -m 755 "$build/libexec/frg-core" "$dest/libexec/frg-core"
install -m 755 "$build/bin/frg" "$dest/bin/frg"
install -m 755 "$root"/tools/*.py "$share/tools/"
chmod 644 "$share/tools/_frgpy_path.py"
for folder in jobscripts inputs; do
  rm -rf "${share:?}/$folder"
  cp -R "$root/$folder" "$share/$folder"
done
install -m 644 "$root"/python/frgpy/*.py "$site/frgpy/"
ln -sfn ../share/frg/tools/frg_plot.py "$dest/bin/frg-plot"
ln -sfn ../share/frg/tools/frg_read.py "$dest/bin/frg-read"

echo "installed frg under $dest: bin/frg, libexec/frg-core, bin/frg-plot, bin/frg-read, share/frg/{tools,jobscripts,inputs}, lib/$python/dist-packages/frgpy"
if ! /usr/bin/python3 -c 'import sys; sys.exit(0 if sys.argv[1] in sys.path else 1)' "$prefix/lib/$python/dist-packages"; then
  echo "frgpy for your own scripts: export PYTHONPATH=$prefix/lib/$python/dist-packages (frg-plot and frg-read find it themselves)"
fi
