"""The thermal kernels of include/frg/thermal.h against direct evaluation in 50-digit arithmetic.

Reads the lines of tests/unit/test_thermal (stdin) and evaluates the loops directly,
    l_B(x) = coth(e/(2 tau))/e,   l_F(y) = [tanh((e - m)/(2 tau)) + tanh((e + m)/(2 tau))]/(2 e),
with mpmath at 50 digits (T = 0: coth -> 1, tanh -> sign), then g = l(0) - l(x), D = g/x and g', g''
by mpmath's differentiation, each at the exact binary value of the printed double (a decimal
string differs from it by up to half an ulp, which near the pole x = -1 is a relative change of 1e-12 in 1 + x). The subtraction l(0) - l(x) that double precision cannot afford costs
at most ~20 of the 50 digits here. Tolerances: D, g', g'' to 4e-14 relative; g_F to 4e-14 (1 + X) of the sum of
the magnitudes of its three O(y) brackets (g_F changes sign, so no relative bound exists at its
zeros; X = min |z|/tau over its arguments is the condition number of the exponentially small terms
e^{-X} themselves, and next to a Fermi surface the rounding of the arguments e -+ m adds its own). The naive double-precision difference is reported beside it for contrast."""
import sys
import mpmath as mp

mp.mp.dps = 50
TOL = 4e-14


def coth_over_e(e, tau):
    return (1 / e) if tau == 0 else mp.coth(e / (2 * tau)) / e


def tanh_(z, tau):
    return mp.sign(z) if tau == 0 else mp.tanh(z / (2 * tau))


def boson(x, tau):
    l = lambda s: coth_over_e(mp.sqrt(1 + s), tau)
    g = l(0) - l(x)
    return g / x, -mp.diff(l, x), -mp.diff(l, x, 2)


def resolved(pair, tau):
    """t(z1) - t(z2), or t(z1) + t(z2) for pair = (z1, -z2), at the precision it needs: of one sign the two
    agree up to e^{-min|z|/tau}, which mpmath resolves once its digits reach that far; below e^{-9000}
    (far below any double) it counts as 0. A Fermi surface between them leaves O(1)."""
    z1, z2 = pair
    t = lambda z: mp.sign(z) if tau == 0 else mp.tanh(z / (2 * tau))
    if tau == 0 or (z1 > 0) != (z2 > 0):
        return t(z1) - t(z2)
    digits = int(min(abs(z1), abs(z2)) / tau / mp.log(10)) + 40
    if digits > 4000:
        return mp.mpf(0)
    with mp.workdps(digits):
        return +(t(z1) - t(z2))


def fermion(y, tau, m):
    """g_F = l_F(0) - l_F(y) as (e - 1)(t(1-m) + t(1+m))/(2e) + [t(1-m) - t(e-m)]/(2e) + [t(1+m) - t(e+m)]/(2e),
    each bracket evaluated directly at the precision it needs; returns g_F and the sum of the brackets'
    magnitudes (the scale of the round-off)."""
    e = mp.sqrt(1 + y)
    brackets = [(e - 1) * resolved((1 - m, -(1 + m)), tau), resolved((1 - m, e - m), tau), resolved((1 + m, e + m), tau)]
    return sum(brackets) / (2 * e), sum(abs(b) for b in brackets) / (2 * e)


worst = {"D": 0, "E": 0, "dE": 0, "gF": 0}
naive_worst, count = 0.0, 0
for line in sys.stdin:
    f = line.split()
    if f[0] == "B":
        x, tau, D, E, dE = (mp.mpf(float(v)) for v in f[1:])
        if x == 0:
            continue
        ref = boson(x, tau)
        for name, got, want in zip(("D", "E", "dE"), (D, E, dE), ref):
            err = float(abs(got - want) / abs(want))
            worst[name] = max(worst[name], err)
            if not err <= TOL:
                print(f"FAIL boson {name} at x={f[1]} tau={f[2]}: {got} vs {mp.nstr(want, 17)} ({err:.2e})")
                sys.exit(1)
    else:
        y, tau, m, gF = (mp.mpf(float(v)) for v in f[1:])
        # a term e^{-X} computed from a rounded X carries the relative error X eps: the condition number
        # of the exponentially small brackets, X = min|z|/tau over the arguments z = 1 -+ m, e -+ m
        e = mp.sqrt(1 + y)
        cond = 1 + (0 if tau == 0 else float(min(abs(z) for z in (1 - m, e - m, 1 + m, e + m)) / tau))
        ref, scale = fermion(y, tau, m)
        # and next to a Fermi surface the arguments themselves: e - m is formed from e = sqrt(1 + y) and m,
        # each rounded to eps (1 + e + m), and t(z) moves by sech^2(z/(2 tau))/(2 tau) per unit of z
        if tau > 0 and scale:
            slope = sum(mp.sech(z / (2 * tau)) ** 2 for z in (1 - m, e - m, 1 + m, e + m)) / (2 * tau)
            cond += float(slope * (1 + e + m) / (2 * e) / scale)
        err = float(abs(gF - ref) / scale) if scale else (0.0 if gF == 0 else float('inf'))  # T = 0 beyond the Fermi surface: 0
        if scale < 1e-290 and abs(gF) < 1e-290:  # below the normal doubles: underflow is the right answer
            err = 0.0
        err /= cond
        worst["gF"] = max(worst["gF"], err)
        if not err <= TOL:
            print(f"FAIL fermion at y={f[1]} tau={f[2]} m={f[3]}: {gF} vs {mp.nstr(ref, 17)} ({err:.2e} of the scale)")
            sys.exit(1)
        if tau > 0 and y < 1e-6:  # what the plain difference l_F(0) - l_F(y) in double would give
            import math
            e, t, fm = math.sqrt(1 + float(y)), float(tau), float(m)
            th = lambda z: math.tanh(z / (2 * t))
            naive = (th(1 - fm) + th(1 + fm)) / 2 - (th(e - fm) + th(e + fm)) / (2 * e)
            naive_worst = max(naive_worst, float(abs(naive - ref) / scale)) if scale else naive_worst
    count += 1
print(f"{count} points: worst relative errors D {worst['D']:.1e}, g' {worst['E']:.1e}, g'' {worst['dE']:.1e}, "
      f"g_F {worst['gF']:.1e} of its scale (tolerance {TOL:.0e}); the plain difference l_F(0) - l_F(y) "
      f"in double precision: {naive_worst:.1e} at y < 1e-6")
