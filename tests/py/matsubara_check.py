#!/usr/bin/python3
"""The thermal loops of include/frg/thermal.h against direct Matsubara sums (an independent check of the
analytic summation that thermal_check.py takes for granted). Reads the lines of `tests/unit/test_thermal 0 grid`
(stdin: both kernels on a grid of x, y in [-0.5, 10], tau in [0.05, 2], mu/k in [0, 2.5]); with k = 1, e = sqrt(1 + x), tau = T/k, m = mu/k:
    l_B(x) = 2 tau sum_{n in Z} 1/((2 pi n tau)^2 + e^2)                       (bosonic frequencies)
    l_F(y) = 2 tau sum_{n in Z} Re 1/(((2n + 1) pi tau + i m)^2 + e^2)        (fermionic, shifted by i mu)
summed term by term up to 10 (e + m)/(2 pi tau), the 1/n^2 tail by mpmath's nsum, at 30 digits, g = l(0) - l as one series (its terms fall as 1/n^4).
Points with |g| >= 1e-4 (where g_F cancels between its terms the double's error is relative to their scale,
not to g_F; thermal_check.py covers that, T = 0 and extreme arguments against the closed forms); tolerance
1e-9 relative to |g| (the extrapolated tail's accuracy). The closed forms themselves are
coth(e/2tau)/e and [tanh((e - m)/2tau) + tanh((e + m)/2tau)]/(2e) (Kapusta & Gale, Finite-Temperature
Field Theory, ch. 2-3)."""
import sys

import mpmath as mp

mp.mp.dps = 30
TOL = 1e-9
LIMIT = 100  # points of each kind


def summed(term, first, scale):
    """sum_{n >= first} term(n): the terms up to n0, past the scale where they turn into their 1/n^2 tail,
    one by one, then the tail by nsum (its extrapolation assumes the asymptotic form from the start)."""
    n0 = first + int(10 * scale) + 20
    return mp.fsum(term(n) for n in range(first, n0)) + mp.nsum(term, [n0, mp.inf])


def boson_g(x, tau):
    """g_B = l_B(0) - l_B(x), summed as one series of x/((w^2 + 1)(w^2 + 1 + x)) (terms ~ 1/n^4, no
    cancellation between two loops), and l_B(0) for the scale."""
    w2 = lambda n: (2 * mp.pi * n * tau) ** 2
    term = lambda n: x / ((w2(n) + 1) * (w2(n) + 1 + x))
    scale = mp.sqrt(1 + abs(x)) / (2 * mp.pi * tau)
    l0 = 2 * tau * (1 + 2 * summed(lambda n: 1 / (w2(n) + 1), 1, 1 / (2 * mp.pi * tau)))
    return 2 * tau * (term(0) + 2 * summed(term, 1, scale)), l0


def fermion_g(y, tau, m):
    """g_F = l_F(0) - l_F(y) as one series of Re y/((z^2 + 1)(z^2 + 1 + y)), z = (2n + 1) pi tau + i m."""
    z2 = lambda n: (((2 * n + 1) * mp.pi * tau + 1j * m)) ** 2
    term = lambda n: mp.re(y / ((z2(n) + 1) * (z2(n) + 1 + y)))
    pair = lambda n: term(n) + term(-n - 1)
    one = lambda n: mp.re(1 / (z2(n) + 1)) + mp.re(1 / (z2(-n - 1) + 1))
    scale = (mp.sqrt(1 + y) + abs(m)) / (2 * mp.pi * tau)
    return 2 * tau * summed(pair, 0, scale), abs(2 * tau * summed(one, 0, (1 + abs(m)) / (2 * mp.pi * tau)))


worst, counts = {"B": 0.0, "F": 0.0}, {"B": 0, "F": 0}
for line in sys.stdin:
    f = line.split()
    kind = f[0]
    if counts[kind] >= LIMIT:
        continue
    if kind == "B":
        x, tau, D = (mp.mpf(float(v)) for v in f[1:4])
        if not (0.05 <= tau <= 20) or x == 0 or x > 100:
            continue
        ref, scale = boson_g(x, tau)
        got = x * D
    else:
        y, tau, m, got = (mp.mpf(float(v)) for v in f[1:5])
        if not (0.05 <= tau <= 20) or y > 100 or m > 3:
            continue
        ref, scale = fermion_g(y, tau, m)
    if abs(ref) < 1e-4:  # g_F cancels between its brackets below; thermal_check.py bounds it by their scale
        continue
    err = float(abs(got - ref) / abs(ref))
    worst[kind] = max(worst[kind], err)
    counts[kind] += 1
    if not err <= TOL:
        print(f"FAIL {kind} at {' '.join(f[1:-1])}: {mp.nstr(got, 17)} vs Matsubara sum {mp.nstr(ref, 17)} ({err:.2e})")
        sys.exit(1)
print(f"against direct Matsubara sums: {counts['B']} bosonic points, worst {worst['B']:.1e}; {counts['F']} fermionic points "
      f"(mu/k up to 2.5), worst {worst['F']:.1e} (tolerance {TOL:.0e})")
sys.exit(0 if min(counts.values()) >= 10 else 1)
