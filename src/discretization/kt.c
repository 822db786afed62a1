/* FrgOperator: the semi-discrete Kurganov-Tadmor right-hand side of the conservative LPA flow
 * d_t u = d_phi G on the distributed field grid (include/frg/kt.h for the scheme, include/frg/flux.h
 * for the flux). Ghost cells come from the DMDA (between ranks) and from FrgGridFillGhosts (at the
 * two ends). Work arrays are allocated once in SetUp: the right-hand side allocates nothing. */
#include <frg/impl.h>
#include <frg/kt.h>

PetscErrorCode FrgOperatorCreate(FrgGrid grid, FrgModel model, FrgOperator *op)
{
  FrgOperator o;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&o));
  o->grid  = grid;
  o->model = model;
  *op      = o;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorSetFromOptions(FrgOperator op)
{
  PetscFunctionBeginUser;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorSetUp(FrgOperator op)
{
  PetscInt xm;

  PetscFunctionBeginUser;
  if (op->setup) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgGridSetUp(op->grid));
  PetscCall(FrgModelSetUp(op->model));
  {
    FrgFluxParams p;
    PetscCall(FrgModelGetFluxParams(op->model, 0.0, &p));
    /* G = c g u/(m2 phi + u) is 0/0 at an interface at phi = 0: a two-sided grid with an even
     * number of cells has one */
    PetscCheck(p.goldstone == 0.0 || op->grid->left == FRG_BOUNDARY_ODD || op->grid->cells % 2, op->grid->comm, PETSC_ERR_USER_INPUT,
               "-model %s with N != 1 has a Goldstone term, 0/0 at phi = 0: on a two-sided grid -grid_cells must be odd, got %" PetscInt_FMT, op->model->type,
               op->grid->cells);
  }
  PetscCall(DMCreateLocalVector(op->grid->da, &op->local));
  PetscCall(DMDAGetCorners(op->grid->da, NULL, NULL, NULL, &xm, NULL, NULL));
  PetscCall(PetscMalloc3(xm + 1, &op->flux, 4 * (xm + 1), &op->dflux, xm + 1, &op->phi_face));
  { /* the interface positions of the fluxes, G[m] at phi_{j + 1/2}, j = xs - 1 + m (as FrgKTFlux's phi) */
    PetscInt xs;
    PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, NULL, NULL, NULL));
    for (PetscInt m = 0; m <= xm; m++) op->phi_face[m] = op->grid->phi_first + ((double)(xs - 1 + m) + 0.5) * op->grid->spacing;
  }
  op->setup = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgOperatorKernelParams(FrgOperator op, PetscReal t, FrgFluxKernelParams *kp)
{
  FrgFluxParams p;

  PetscFunctionBeginUser;
  PetscCall(FrgModelGetFluxParams(op->model, t, &p));
  kp->c         = p.c;
  kp->m2        = p.m2;
  kp->goldstone = p.goldstone;
  kp->radial    = p.radial;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Copies u into the ghosted work vector and fills the physical ghosts. On several ranks the DMDA
 * scatter brings the neighbours' cells; on one rank there are none, and a copy replaces the scatter
 * and its set-up (2.2 k of 3.3 k instructions per call). Collective. */
PETSC_INTERN PetscErrorCode FrgOperatorLocalize(FrgOperator op, Vec u)
{
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(op->grid->comm, &size));
  if (size > 1) {
    PetscCall(DMGlobalToLocalBegin(op->grid->da, u, INSERT_VALUES, op->local));
    PetscCall(DMGlobalToLocalEnd(op->grid->da, u, INSERT_VALUES, op->local));
  } else {
    const PetscScalar *global;
    PetscScalar       *local;
    PetscInt           xs, xm, gxs;

    PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
    PetscCall(DMDAGetGhostCorners(op->grid->da, &gxs, NULL, NULL, NULL, NULL, NULL));
    PetscCall(VecGetArrayRead(u, &global));
    PetscCall(VecGetArray(op->local, &local));
    PetscCall(PetscArraycpy(local + (xs - gxs), global, xm));
    PetscCall(VecRestoreArray(op->local, &local));
    PetscCall(VecRestoreArrayRead(u, &global));
  }
  PetscCall(FrgGridFillGhosts(op->grid, op->local));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Pole status of the last right-hand side on this rank (op->local_pole): some interface denominator
 * is <= 0 (crossed), or below FRG_POLE_NEAR of its value at u = 0 (near: m2 phi + u < m2 phi/2 or
 * m2 + w < m2/2, the flat region of a broken phase in the IR). */
#define FRG_POLE_CROSSED   1
#define FRG_POLE_NEAR_FLAG 2

/* FrgKTFlux (include/frg/kt.h) at the interfaces j + 1/2, j = xs - 1 + m, m = first..xm, of a flow
 * with a Goldstone term, as one branch-free loop the compiler vectorizes (the call per interface
 * with its branches ran at about 4x the roofline of bench/rhs_cost). The same operations in the
 * same order give the same fluxes bit for bit (bench/rhs_cost compares them with FrgKTFlux); minmod
 * and max are selects, and the pole check is an OR of sign tests: FrgKTFlux's divisions by m2 phi
 * and by h m2 only scale what is compared with 0 (m2 > 0; phi > 0 with an odd left end, and a
 * product keeps the sign for phi < 0 too). u is the DMDA-indexed ghosted array. Returns the pole
 * status: crossed, and with check (no fluxes) also near. Not collective. */
static inline __attribute__((always_inline)) int FrgKTFluxesGoldstoneBody(const FrgFluxKernelParams *p, const double *phi_face, double h, const double *u, PetscInt xs, PetscInt first, PetscInt xm, const int check, double *restrict G)
{
  const double  shift = p->m2 * h, m2 = p->m2, cgn = -(p->c * p->goldstone), cr = p->c * p->radial;
  const double *uj    = u + xs - 1; /* uj[m] = u_j */
  int           bad = 0, near = 0;

  for (PetscInt m = first; m <= xm; m++) {
    const double um1 = uj[m - 1], u0 = uj[m], up1 = uj[m + 1], up2 = uj[m + 2];
    const double phi = phi_face[m];
    const double dl = u0 - um1, dc = up1 - u0, dr = up2 - up1;
    /* FrgMinmodShifted(dl, dc) and FrgMinmodShifted(dc, dr) */
    const double ql = dl + shift, qc = dc + shift, qr = dr + shift;
    const int    l_up = (ql > 0) & (qc > 0), l_down = (ql < 0) & (qc < 0), r_up = (qc > 0) & (qr > 0), r_down = (qc < 0) & (qr < 0);
    const double l_min = dl <= dc ? dl : dc, l_max = dl >= dc ? dl : dc, r_min = dc <= dr ? dc : dr, r_max = dc >= dr ? dc : dr;
    const double l_flat = l_down ? l_max : -shift, r_flat = r_down ? r_max : -shift;
    const double sl = l_up ? l_min : l_flat, sr = r_up ? r_min : r_flat;
    const double uminus = u0 + 0.5 * sl, uplus = up1 - 0.5 * sr;
    const double m2phi = m2 * phi, w = dc / h;

    bad |= (((m2phi + uminus) * m2phi <= 0) | ((m2phi + uplus) * m2phi <= 0)) | (m2 + w <= 0);
    if (check) { /* a constant in each of the two instances below */
      near |= (((m2phi + uminus) * m2phi < FRG_POLE_NEAR * (m2phi * m2phi)) | ((m2phi + uplus) * m2phi < FRG_POLE_NEAR * (m2phi * m2phi))) | (m2 + w < FRG_POLE_NEAR * m2);
    } else {
      /* FrgFluxAdvection at u- and u+ */
      const double invm = 1.0 / (m2phi + uminus), invp = 1.0 / (m2phi + uplus);
      const double dFm = cgn * m2phi * invm * invm, dFp = cgn * m2phi * invp * invp;
      const double Fm = cgn * uminus * invm, Fp = cgn * uplus * invp;
      const double am = fabs(dFm), ap = fabs(dFp), a = am >= ap ? am : ap;
      const double H = 0.5 * (Fp + Fm) - 0.5 * a * (uplus - uminus);
      /* FrgFluxDiffusion */
      const double P = cr * w * (1.0 / (m2 + w));
      G[m]           = P - H;
    }
  }
  return (bad ? FRG_POLE_CROSSED : 0) | (near ? FRG_POLE_NEAR_FLAG : 0);
}

/* The fluxes, and the pole check alone: the denominators of the same reconstruction, without the
 * fluxes' divisions (the check of every accepted state, a third of all evaluations, needs no f). */
FRG_CLONES static int FrgKTFluxesGoldstone(const FrgFluxKernelParams *p, const double *phi_face, double h, const double *u, PetscInt xs, PetscInt first, PetscInt xm, double *restrict G)
{
  return FrgKTFluxesGoldstoneBody(p, phi_face, h, u, xs, first, xm, 0, G);
}

FRG_CLONES static int FrgKTPoleCheckGoldstone(const FrgFluxKernelParams *p, const double *phi_face, double h, const double *u, PetscInt xs, PetscInt first, PetscInt xm)
{
  return FrgKTFluxesGoldstoneBody(p, phi_face, h, u, xs, first, xm, 1, NULL);
}

/* Without a Goldstone term only the radial denominator m2 + w: its minimum relative to m2. */
static int FrgKTPoleCheckRadial(const FrgFluxKernelParams *p, double h, const double *u, PetscInt xs, PetscInt first, PetscInt xm)
{
  double denominator = 1.0;

  for (PetscInt m = first; m <= xm; m++) {
    const PetscInt j = xs - 1 + m;
    denominator      = fmin(denominator, 1.0 + (u[j + 1] - u[j]) / (h * p->m2));
  }
  return (denominator > 0 ? 0 : FRG_POLE_CROSSED) | (denominator < FRG_POLE_NEAR ? FRG_POLE_NEAR_FLAG : 0);
}

/* Whether U lies beyond the propagator pole or near it (FrgOperatorPoleStatus then tells), without
 * evaluating the right-hand side. Collective (the ghost exchange). */
PetscErrorCode FrgOperatorPoleCheck(FrgOperator op, PetscReal t, Vec U)
{
  FrgFluxKernelParams kp = {0, 0, 0, 0};
  const PetscScalar  *u;
  PetscInt            xs, xm, first;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorLocalize(op, U));
  PetscCall(FrgOperatorKernelParams(op, t, &kp));
  PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArrayRead(op->grid->da, op->local, &u));
  first          = (xs == 0 && op->grid->left == FRG_BOUNDARY_ODD) ? 1 : 0;
  op->local_pole = kp.goldstone != 0.0 ? FrgKTPoleCheckGoldstone(&kp, op->phi_face, op->grid->spacing, u, xs, first, xm)
                                       : FrgKTPoleCheckRadial(&kp, op->grid->spacing, u, xs, first, xm);
  PetscCall(DMDAVecRestoreArrayRead(op->grid->da, op->local, &u));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorApply(FrgOperator op, PetscReal t, Vec U, Vec F)
{
  FrgFluxKernelParams kp = {0, 0, 0, 0};
  const PetscScalar  *u;
  PetscScalar        *f;
  PetscInt            xs, xm, first;
  const PetscReal     h = op->grid->spacing, inv_h = 1.0 / h;
  PetscReal          *G = op->flux;
  double              denominator = 1.0;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_RHS, 0, 0, 0, 0));
  PetscCall(FrgOperatorLocalize(op, U));
  PetscCall(FrgOperatorKernelParams(op, t, &kp));
  PetscCall(DMDAGetCorners(op->grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArrayRead(op->grid->da, op->local, &u));
  PetscCall(DMDAVecGetArray(op->grid->da, F, &f));
  /* G[m] is the flux at interface j + 1/2 with j = xs - 1 + m. With an odd left end the interface
   * at -1/2 is never needed: f_0 = 0 by symmetry. */
  first = (xs == 0 && op->grid->left == FRG_BOUNDARY_ODD) ? 1 : 0;
  if (kp.goldstone != 0.0) {
    op->local_pole = FrgKTFluxesGoldstone(&kp, op->phi_face, h, u, xs, first, xm, G);
  } else {
    for (PetscInt m = first; m <= xm; m++) {
      const PetscInt j = xs - 1 + m;
      G[m]             = FrgKTFlux(&kp, op->phi_face[m], h, u[j - 1], u[j], u[j + 1], u[j + 2], &denominator);
    }
    op->local_pole = denominator > 0 ? 0 : FRG_POLE_CROSSED;
  }
  for (PetscInt m = 0; m < xm; m++) f[xs + m] = (G[m + 1] - G[m]) * inv_h;
  if (first) f[0] = 0.0;
  PetscCall(DMDAVecRestoreArray(op->grid->da, F, &f));
  PetscCall(DMDAVecRestoreArrayRead(op->grid->da, op->local, &u));
  op->rhs_evals++;
  PetscCall(PetscLogFlops(40.0 * xm));
  PetscCall(PetscLogEventEnd(FRG_EVENT_RHS, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether the last right-hand side met only positive propagator denominators on every rank
 * (physical; SUNDIALS then retries a step that crossed the pole with a smaller one), and whether some
 * denominator was below half its value at u = 0 (near the pole; only after FrgOperatorPoleCheck,
 * false after FrgOperatorApply). Collective. */
PetscErrorCode FrgOperatorPoleStatus(FrgOperator op, PetscBool *physical, PetscBool *near)
{
  PetscMPIInt size;
  int         status = op->local_pole;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(op->grid->comm, &size));
  if (size > 1) PetscCallMPI(MPI_Allreduce(&op->local_pole, &status, 1, MPI_INT, MPI_BOR, op->grid->comm));
  if (physical) *physical = (PetscBool)!(status & FRG_POLE_CROSSED);
  if (near) *near = (PetscBool)!!(status & FRG_POLE_NEAR_FLAG);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether the last right-hand side met only positive propagator denominators on every rank.
 * Collective. */
PetscErrorCode FrgOperatorIsPhysical(FrgOperator op, PetscBool *physical)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOperatorPoleStatus(op, physical, NULL));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorGetCounts(FrgOperator op, PetscInt *rhs_evals, PetscInt *jac_evals)
{
  PetscFunctionBeginUser;
  if (rhs_evals) *rhs_evals = op->rhs_evals;
  if (jac_evals) *jac_evals = op->jac_evals;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgOperatorDestroy(FrgOperator *op)
{
  PetscFunctionBeginUser;
  if (!*op) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(VecDestroy(&(*op)->local));
  PetscCall(VecDestroy(&(*op)->u_state));
  PetscCall(VecDestroy(&(*op)->q_global));
  PetscCall(VecDestroy(&(*op)->q_local));
  PetscCall(PetscFree((*op)->q));
  PetscCall(PetscFree3((*op)->flux, (*op)->dflux, (*op)->phi_face));
  PetscCall(PetscFree(*op));
  PetscFunctionReturn(PETSC_SUCCESS);
}
