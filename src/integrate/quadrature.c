/* The integral of a scalar rate along the solution, Q(t) = Q(t0) + int_t0^t rate(t', u(t')) dt' (the
 * flow's potential at phi = 0, U_k(0), integrates d_t U there: src/driver/level.c). It costs no state:
 * after every accepted step [t_prev, t_done] the three-point Gauss-Legendre rule takes the rate at its
 * nodes from the integrator's own interpolant; the integral up to a time inside the last step (an output
 * time with dense output) is the same rule over that part of the step.
 * The rule is of sixth order in the step. The rate moves with k = Lambda e^-t even where u stands still
 * (a Gaussian potential: u never changes, and the steps grow to -integrator_max_dt), and the flow's
 * error estimate does not see the rule's error, so the rule must be exact on its own: Simpson's rule
 * (fourth order) missed U0 of a d = 3 Gaussian by 2e-5 relative over steps of 0.5, twenty times the
 * error estimate, Gauss-Legendre over the whole step by 8e-9, seven times; on panels of at most 1/8
 * (a step is longer only where u barely moves) its error is 4096 times smaller again. */
#include <frg/integrator.h>
#include <nvector/nvector_petsc.h>

PetscErrorCode FrgIntegratorSetQuadrature(FrgIntegrator in, PetscErrorCode (*rate)(void *, PetscReal, Vec, PetscReal *), void *ctx)
{
  PetscFunctionBeginUser;
  PetscCheck(!in->setup, in->comm, PETSC_ERR_ORDER, "FrgIntegratorSetQuadrature() must come before FrgIntegratorSetUp()");
  in->quad.rate = rate;
  in->quad.ctx  = ctx;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The interpolant is a linear combination of the integrator's history vectors, evaluated into nstate;
 * the rate reads the first FRG_QUAD_HEAD cells only (the flux at h/2: cells 0..2 and the odd ghost), so
 * nstate combines those alone: over the whole vector the interpolation took 70% of the rule's work
 * (17 M of 24 M instructions in the 0D benchmark flow, 800 cells), 9% of the integration. The other
 * cells of nstate stay 0. */
#define FRG_QUAD_HEAD 4
static int FrgQuadratureCombineHead(int nvec, double *c, N_Vector *X, N_Vector z)
{
  Vec          vz = N_VGetVector_Petsc(z);
  PetscScalar *out;
  PetscInt     lo, hi, n;

  if (VecGetOwnershipRange(vz, &lo, &hi)) return -1;
  n = PetscMin(hi, FRG_QUAD_HEAD) - lo; /* the local cells among the first FRG_QUAD_HEAD (a rank of few cells may hold some after rank 0's) */
  if (n <= 0) return 0;
  if (VecGetArray(vz, &out)) return -1;
  for (PetscInt i = 0; i < n; i++) out[i] = 0;
  for (int j = 0; j < nvec; j++) {
    const PetscScalar *x;
    if (VecGetArrayRead(N_VGetVector_Petsc(X[j]), &x)) return -1;
    for (PetscInt i = 0; i < n; i++) out[i] += c[j] * x[i];
    if (VecRestoreArrayRead(N_VGetVector_Petsc(X[j]), &x)) return -1;
  }
  return VecRestoreArray(vz, &out) ? -1 : 0;
}

/* The rate at t of a state, summed over the ranks. Collective. */
static PetscErrorCode FrgQuadratureRate(FrgIntegrator in, PetscReal t, Vec state, PetscReal *rate)
{
  PetscReal   mine;
  FrgVariable variable;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorGetVariable(in->op, &variable));
  if (variable != FRG_VARIABLE_U) PetscCall(FrgOperatorStateToU(in->op, t, state, in->quad.u));
  PetscCall(in->quad.rate(in->quad.ctx, t, variable == FRG_VARIABLE_U ? state : in->quad.u, &mine));
  PetscCallMPI(MPI_Allreduce(&mine, rate, 1, MPIU_REAL, MPIU_SUM, in->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The rate at t within the last step, from the interpolant. Collective. */
static PetscErrorCode FrgQuadratureRateAt(FrgIntegrator in, PetscReal t, PetscReal *rate)
{
  PetscFunctionBeginUser;
  PetscCall(FrgIntegratorInterpolate(in, t, in->quad.nstate));
  PetscCall(FrgQuadratureRate(in, t, in->quad.state, rate));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The integrals of the rate and of its modulus over [a, b] inside the last step: the 3-point
 * Gauss-Legendre rule on panels of at most FRG_QUAD_PANEL in t. Collective. */
#define FRG_QUAD_PANEL 0.125
static PetscErrorCode FrgQuadratureGauss(FrgIntegrator in, PetscReal a, PetscReal b, PetscReal *q, PetscReal *q_abs)
{
  const PetscReal x[3] = {-0.7745966692414834, 0.0, 0.7745966692414834}, w[3] = {5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0};
  const PetscInt  panels = (PetscInt)PetscCeilReal((b - a) / FRG_QUAD_PANEL);
  const PetscReal half   = 0.5 * (b - a) / panels;

  PetscFunctionBeginUser;
  *q = *q_abs = 0;
  for (PetscInt p = 0; p < panels; p++) {
    const PetscReal mid = a + (2 * p + 1) * half;
    for (int i = 0; i < 3; i++) {
      PetscReal r;
      PetscCall(FrgQuadratureRateAt(in, mid + half * x[i], &r));
      *q += half * w[i] * r, *q_abs += half * w[i] * PetscAbsReal(r);
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Called by FrgIntegratorSetUp: Q(t0) is 0 until FrgIntegratorSetQuadratureValue says otherwise. Collective. */
PetscErrorCode FrgIntegratorQuadratureStart(FrgIntegrator in, PetscReal t0, Vec u0)
{
  PetscFunctionBeginUser;
  if (!in->quad.rate) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(VecDuplicate(u0, &in->quad.state));
  PetscCall(VecDuplicate(u0, &in->quad.u));
  PetscCall(VecSet(in->quad.state, 0.0));
  in->quad.nstate = N_VMake_Petsc(in->quad.state, in->sunctx);
  PetscCheck(in->quad.nstate, in->comm, PETSC_ERR_LIB, "N_VMake_Petsc failed");
  PetscCall(FrgNVectorUseLocalOps(in->quad.nstate));
  in->quad.nstate->ops->nvlinearcombination = FrgQuadratureCombineHead;
  in->quad.t_prev = in->quad.t_done = t0;
  in->quad.q_prev = in->quad.q_done = in->quad.a_prev = in->quad.a_done = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Q and int |rate| at t0 (a restart goes on from its checkpoint's). Not collective. */
PetscErrorCode FrgIntegratorSetQuadratureValue(FrgIntegrator in, PetscReal q, PetscReal q_abs)
{
  PetscFunctionBeginUser;
  PetscCheck(in->setup && in->quad.rate, in->comm, PETSC_ERR_ORDER, "FrgIntegratorSetQuadrature() and FrgIntegratorSetUp() must come first");
  PetscCheck(in->quad.t_done == in->quad.t_prev, in->comm, PETSC_ERR_ORDER, "the quadrature's value is set at t0, before the first step");
  in->quad.q_prev = in->quad.q_done = q;
  in->quad.a_prev = in->quad.a_done = q_abs;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* After every accepted step, which ended at t: the rule over it. Collective. */
PetscErrorCode FrgIntegratorQuadratureStep(FrgIntegrator in, PetscReal t)
{
  PetscReal q, q_abs;

  PetscFunctionBeginUser;
  if (!(t > in->quad.t_done)) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgQuadratureGauss(in, in->quad.t_done, t, &q, &q_abs));
  in->quad.t_prev = in->quad.t_done, in->quad.q_prev = in->quad.q_done, in->quad.a_prev = in->quad.a_done;
  in->quad.t_done = t, in->quad.q_done += q, in->quad.a_done += q_abs;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Q and int |rate| at the time of the last FrgIntegratorAdvance (inside the last step: the rule over
 * its part up to there). Collective. */
PetscErrorCode FrgIntegratorGetQuadrature(FrgIntegrator in, PetscReal *q, PetscReal *q_abs)
{
  const PetscReal t = in->t;

  PetscFunctionBeginUser;
  PetscCheck(in->setup && in->quad.rate, in->comm, PETSC_ERR_ORDER, "FrgIntegratorSetQuadrature() and FrgIntegratorSetUp() must come first");
  if (t >= in->quad.t_done || !(t > in->quad.t_prev)) {
    *q = t >= in->quad.t_done ? in->quad.q_done : in->quad.q_prev, *q_abs = t >= in->quad.t_done ? in->quad.a_done : in->quad.a_prev;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(FrgQuadratureGauss(in, in->quad.t_prev, t, q, q_abs));
  *q += in->quad.q_prev, *q_abs += in->quad.a_prev;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgIntegratorQuadratureDestroy(FrgIntegrator in)
{
  PetscFunctionBeginUser;
  if (in->quad.nstate) N_VDestroy(in->quad.nstate);
  PetscCall(VecDestroy(&in->quad.state));
  PetscCall(VecDestroy(&in->quad.u));
  PetscFunctionReturn(PETSC_SUCCESS);
}
