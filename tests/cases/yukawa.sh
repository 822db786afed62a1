# Yukawa models at finite temperature and density (issue 13, DESIGN.md 2.5).
#   thermal kernels  the bosonic and fermionic loops of include/frg/thermal.h (T = 0 exactly, T -> infinity,
#                    Fermi surfaces) against 50-digit evaluation of coth/tanh (tests/py/thermal_check.py)

test_yukawa_thermal_kernels() {
  "$BUILD/tests/unit/test_thermal" "$(quick 100 400)" | $PY "$TESTS/py/thermal_check.py"
}
