"""Default units of frg's quantities, used where the file carries no "units" attribute.

frg has no unit system of its own: k and Lambda are in whatever unit of momentum (mass) the user
chose for -Lambda, written [k] here, and every dimensionful quantity of a flow in d dimensions is a
power of it, its mass dimension:

    t (RG time -ln(k/Lambda)) 1           k, Lambda         [k]
    phi, phi0, sigma          [k]^((d-2)/2)   U                 [k]^d
    u = dU/dphi               [k]^((d+2)/2)   m2_*, gamma2      [k]^2
    gamma4                    [k]^(4-d)       gamma6            [k]^(6-2d)

Fixed points, exponents and the dimensionless flow are dimensionless ("1"). Samples (d = 0) follow the
same rules with d = 0 (phi in [k]^-1, the noise variance s in [k]^-2). Times in seconds are "s";
counts (steps, points, ...) and everything frgpy does not know are "1".
"""

MASS_DIMENSION = {
    "k": lambda d: 1, "Lambda": lambda d: 1, "k_ir": lambda d: 1,
    "phi": lambda d: (d - 2) / 2, "phi0": lambda d: (d - 2) / 2, "sigma": lambda d: (d - 2) / 2,
    "phi_max": lambda d: (d - 2) / 2, "spacing": lambda d: (d - 2) / 2, "grid_phi_max": lambda d: (d - 2) / 2,
    "U": lambda d: d, "u": lambda d: (d + 2) / 2,
    "m2_radial": lambda d: 2, "m2_goldstone": lambda d: 2, "gamma2": lambda d: 2,
    "gamma4": lambda d: 4 - d, "gamma6": lambda d: 6 - 2 * d,
    "s": lambda d: -2, "check_s": lambda d: -2, "samples": lambda d: (d - 2) / 2,
}


def _power(p):
    if p == 0:
        return "1"
    if p == 1:
        return "[k]"
    return f"[k]^{p:g}"


def default_unit(name, d=3.0, kind="flow"):
    """frgpy's unit of the quantity NAME in a run of dimension d (see the module documentation)."""
    if name.endswith("_seconds") or name == "wall_seconds":
        return "s"
    if kind in ("fixedpoint", "dimensionless_flow"):
        return "1"
    base = name[:-len("_error")] if name.endswith("_error") else name
    rule = MASS_DIMENSION.get(base)
    return _power(rule(d)) if rule else "1"
