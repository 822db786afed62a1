#!/usr/bin/python3
"""Peer implementation for `make bench`: the Kurganov-Tadmor scheme of frg on the zero-dimensional
O(N) flow, written the way a physicist would with NumPy and scipy.integrate.solve_ivp.

Same discretization as frg (include/frg/kt.h, include/frg/flux.h, src/grid/grid.c,
src/physics/model.c, src/analysis/observables.c):
  flow        d_t u = d_phi G,  G = c [ g u/(m2 phi + u) + w/(m2 + w) ],  w = d_phi u,
              d = 0: c = 1, m2 = k^2 = (Lambda e^{-t})^2, g = N - 1 (zero-gradient part subtracted);
  scheme      semi-discrete KT with minmod slopes of the pole distance q = m2 phi + u (frg commit eefd9e3),
              local speed a = max |F'(u+-)|, F(u) = -c g u/(m2 phi + u),
              P(w) = c w/(m2 + w),  du_i/dt = (G_{i+1/2} - G_{i-1/2})/h;
  grid        cell i centred at phi_i = i h, h = phi_max/(n - 1/2); cell 0 at phi = 0 with u_0 = 0
              and odd ghosts u_{-j} = -u_j; linear extrapolation u_{n-1+j} = (1+j) u_{n-1} - j u_{n-2};
  initial     cell averages u_i = (U(phi_i + h/2) - U(|phi_i - h/2|))/h;
  vertices    Gamma2, Gamma4 from the odd polynomial a1 phi + a3 phi^3 + a5 phi^5 + a7 phi^7 whose cell
              averages fit cells 1..M by least squares, M = max(8, cells/20) as frg's default.
Exact values (doc/physics.md 2.1): Gamma2 = N/<phi^2>, <phi^2n> = int s^(N-1+2n) e^-U / int s^(N-1) e^-U.

  /usr/bin/python3 bench/peer/kt0d_scipy.py --method BDF --rtol 1e-8 --atol 1e-10 [--repeat 5]
(one warm-up solve, then --repeat timed solves inside the process: Python start-up is not counted)
prints one line of "key=value" pairs that bench/run.sh reads.
"""
import argparse
import time

import numpy as np
import scipy.integrate
import scipy.sparse


def potential(phi):
    return -phi**2 / 2 + phi**4 / 24


def exact_vertices(N, U=potential):
    """Gamma2, Gamma4 of the 0D O(N) model with UV potential U, by adaptive quadrature."""
    def moment(p):
        return scipy.integrate.quad(lambda s: s**p * np.exp(-U(s)), 0, np.inf, epsabs=0, epsrel=1e-13, limit=200)[0]
    z = moment(N - 1)
    phi2, phi4 = moment(N + 1) / z, moment(N + 3) / z
    gamma2 = N / phi2
    gamma4 = 3 * N**2 / phi2**2 * (1 - N * phi4 / ((N + 2) * phi2**2))
    return gamma2, gamma4


class KT0D:
    def __init__(self, N, Lambda, cells, phi_max):
        self.g, self.Lambda, self.n = N - 1.0, Lambda, cells
        self.h = phi_max / (cells - 0.5)
        self.phi_face = (np.arange(cells) + 0.5) * self.h  # interface j + 1/2, j = 0..n-1
        self.ext = np.zeros(cells + 4)

    def initial(self):
        phi = np.arange(self.n) * self.h
        u = (potential(phi + self.h / 2) - potential(np.abs(phi - self.h / 2))) / self.h
        u[0] = 0.0
        return u

    @staticmethod
    def minmod_shifted(left, right, shift):
        """minmod of the slopes of q = m2 phi + u (slopes of u plus m2 h), minus the shift again:
        frg's FrgMinmodShifted, which never forms left + shift for the result."""
        ql, qr = left + shift, right + shift  # signs only
        same = ((ql > 0) & (qr > 0)) | ((ql < 0) & (qr < 0))
        pick_left = np.where(ql > 0, left <= right, left >= right)
        return np.where(same, np.where(pick_left, left, right), -shift)

    def rhs(self, t, u):
        e, n, h = self.ext, self.n, self.h
        e[2:n + 2] = u
        e[0], e[1] = -u[2], -u[1]
        e[n + 2], e[n + 3] = 2 * u[n - 1] - u[n - 2], 3 * u[n - 1] - 2 * u[n - 2]
        um1, u0, up1, up2 = e[1:n + 1], e[2:n + 2], e[3:n + 3], e[4:n + 4]
        d0, d1, d2 = u0 - um1, up1 - u0, up2 - up1
        k = self.Lambda * np.exp(-t)
        m2 = k * k
        shift = m2 * h if self.g != 0 else 0.0
        uminus = u0 + 0.5 * self.minmod_shifted(d0, d1, shift)
        uplus = up1 - 0.5 * self.minmod_shifted(d1, d2, shift)
        m2phi = m2 * self.phi_face
        cg = self.g
        inv_m, inv_p = 1.0 / (m2phi + uminus), 1.0 / (m2phi + uplus)
        Fm, Fp = -cg * uminus * inv_m, -cg * uplus * inv_p
        a = np.maximum(np.abs(cg * m2phi * inv_m * inv_m), np.abs(cg * m2phi * inv_p * inv_p))
        H = 0.5 * (Fp + Fm) - 0.5 * a * (uplus - uminus)
        w = d1 / h
        G = w / (m2 + w) - H  # G[j] at interface j + 1/2
        f = np.empty(n)
        f[1:] = (G[1:] - G[:-1]) / h
        f[0] = 0.0
        return f

    def sparsity(self):
        return scipy.sparse.diags([np.ones(self.n - abs(o)) for o in range(-2, 3)], list(range(-2, 3)), format="csr")

    def vertices(self, u):
        h = self.h
        cells = min(len(u) - 1, max(8, len(u) // 20))
        width = (cells + 0.5) * h  # fit in phi/width for conditioning, as frg does
        lo, hi = (np.arange(cells) + 0.5) * h / width, (np.arange(cells) + 1.5) * h / width
        A = np.stack([(hi**(p + 1) - lo**(p + 1)) / ((p + 1) * h / width) for p in (1, 3, 5, 7)], axis=1)
        coef = np.linalg.lstsq(A, u[1:cells + 1], rcond=None)[0]
        return coef[0] / width, 6.0 * coef[1] / width**3


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--N", type=float, default=4)
    ap.add_argument("--Lambda", type=float, default=1e12)
    ap.add_argument("--t-ir", type=float, default=60.0)
    ap.add_argument("--cells", type=int, default=800)
    ap.add_argument("--phi-max", type=float, default=10.0)
    ap.add_argument("--method", default="BDF", choices=["BDF", "LSODA", "Radau"])
    ap.add_argument("--rtol", type=float, default=1e-8)
    ap.add_argument("--atol", type=float, default=1e-10)
    ap.add_argument("--repeat", type=int, default=1, help="timed solves after one warm-up solve (0: time the one solve)")
    ap.add_argument("--exact-only", action="store_true", help="print the exact vertices and stop")
    ap.add_argument("--first-step", type=float, default=0.0, help="initial step (LSODA needs one: f(0) ~ 1/Lambda^2 fools its estimate)")
    args = ap.parse_args()

    exact2, exact4 = exact_vertices(args.N)
    if args.exact_only:
        print(f"exact_gamma2={exact2:.15g} exact_gamma4={exact4:.15g}")
        return 0
    model = KT0D(args.N, args.Lambda, args.cells, args.phi_max)
    u0 = model.initial()
    # The Jacobian is a band of half-width 2: BDF/Radau take its sparsity, LSODA its bandwidths.
    structure = {"jac_sparsity": model.sparsity()} if args.method != "LSODA" else {"lband": 2, "uband": 2}
    if args.first_step:
        structure["first_step"] = args.first_step
    walls = []
    for rep in range(args.repeat + 1):  # rep 0 is the warm-up, not timed into the statistics
        start = time.perf_counter()
        sol = scipy.integrate.solve_ivp(model.rhs, (0.0, args.t_ir), u0, method=args.method, rtol=args.rtol, atol=args.atol,
                                        t_eval=[args.t_ir], **structure)
        wall = time.perf_counter() - start
        if not sol.success:
            print(f"method={args.method} status=failed message={sol.message!r} wall={wall:.4f}")
            return 1
        if rep or not args.repeat:
            walls.append(wall)
    gamma2, gamma4 = model.vertices(sol.y[:, -1])
    print(f"method={args.method} rtol={args.rtol:g} atol={args.atol:g} wall_median={np.median(walls):.4f} wall_min={min(walls):.4f} "
          f"wall_max={max(walls):.4f} reps={len(walls)} gamma2={gamma2:.12g} exact_gamma2={exact2:.12g} "
          f"rel_err_gamma2={abs(gamma2 / exact2 - 1):.3e} gamma4={gamma4:.10g} exact_gamma4={exact4:.10g} rel_err_gamma4={abs(gamma4 / exact4 - 1):.3e} "
          f"nfev={sol.nfev} njev={sol.njev} nlu={sol.nlu}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
