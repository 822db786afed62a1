/* The SNES Newton route of the implicit integrators (-integrator_newton snes; the default route is linear.c): a PETSc SNES handed to SUNDIALS through
 * SUNNonlinSol_PetscSNES, so that -snes_*, -ksp_* and -pc_* options work.
 * SUNDIALS poses G(ycor) = ycor - gamma f(t, ypred + ycor) - rhs = 0; the wrapper ignores the
 * integrator's tolerance, so we supply what SUNDIALS' own Newton would do:
 *   Jacobian   dG/dycor = I - gamma df/du at u = ypred + ycor (the analytic KT Jacobian);
 *   test       CVODE's rate-corrected test on the weighted RMS norm of the update,
 *              del * min(1, crate) <= newton_tol, crate = max(0.3 crate, del/del_prev)
 *              (Hindmarsh et al., ACM TOMS 31, 363 (2005), and the CVODE user guide).
 * Defaults: no line search, at most 3 iterations (CVODE's maxcor), direct LU (redundant on several ranks). */
#include <frg/integrator.h>
#include <cvode/cvode.h>
#include <arkode/arkode_arkstep.h>
#include <nvector/nvector_petsc.h>

PETSC_INTERN PetscErrorCode FrgNewtonSystemData(FrgIntegrator in, PetscReal *t, Vec *ypred, PetscReal *gamma)
{
  double   tcur, g, rl1;
  N_Vector pred, yn, fn, zn1, z, Fi, sdata;
  void    *user;

  PetscFunctionBeginUser;
  if (in->type == FRG_INTEGRATOR_CVODE_BDF) {
    FrgCallSUNDIALS(in->comm, CVodeGetNonlinearSystemData(in->mem, &tcur, &pred, &yn, &fn, &g, &rl1, &zn1, &user));
  } else {
    FrgCallSUNDIALS(in->comm, ARKStepGetNonlinearSystemData(in->mem, &tcur, &pred, &z, &Fi, &g, &sdata, &user));
  }
  *t     = tcur;
  *ypred = N_VGetVector_Petsc(pred);
  *gamma = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* P <- P + shift I. On one rank straight on the stored diagonal of the SeqAIJ band: MatShift_SeqAIJ
 * of PETSc 3.18 went through MatSetValues row by row and was 10% of all instructions of the 0D
 * benchmark (callgrind). Same arithmetic, one addition per row. */
static PetscErrorCode FrgNewtonShiftDiagonal(Mat P, PetscScalar shift)
{
  const PetscInt *ia, *ja;
  PetscInt        rows, found = 0;
  PetscBool       seq, done = PETSC_FALSE;
  PetscScalar    *a;

  PetscFunctionBeginUser;
  PetscCall(PetscObjectTypeCompare((PetscObject)P, MATSEQAIJ, &seq));
  if (seq) PetscCall(MatGetRowIJ(P, 0, PETSC_FALSE, PETSC_FALSE, &rows, &ia, &ja, &done));
  if (!done) {
    PetscCall(MatShift(P, shift));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(MatSeqAIJGetArray(P, &a));
  for (PetscInt i = 0; i < rows; i++)
    for (PetscInt k = ia[i]; k < ia[i + 1]; k++)
      if (ja[k] == i) {
        a[k] += shift;
        found++;
        break;
      }
  PetscCall(MatSeqAIJRestoreArray(P, &a));
  PetscCheck(found == rows, PETSC_COMM_SELF, PETSC_ERR_PLIB, "Newton matrix lacks %" PetscInt_FMT " diagonal entries", rows - found);
  PetscCall(MatRestoreRowIJ(P, 0, PETSC_FALSE, PETSC_FALSE, &rows, &ia, &ja, &done));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgNewtonJacobian(SNES snes, Vec ycor, Mat A, Mat P, void *ctx)
{
  FrgIntegrator in = (FrgIntegrator)ctx;
  PetscReal     t, gamma;
  Vec           ypred;

  PetscFunctionBeginUser;
  PetscCall(FrgNewtonSystemData(in, &t, &ypred, &gamma));
  PetscCall(VecWAXPY(in->work, 1.0, ypred, ycor));
  PetscCall(FrgOperatorJacobianState(in->op, t, in->work, P));
  PetscCall(MatScale(P, -gamma));
  PetscCall(FrgNewtonShiftDiagonal(P, 1.0));
  if (A != P) {
    PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgNewtonConverged(SNES snes, PetscInt it, PetscReal xnorm, PetscReal snorm, PetscReal fnorm, SNESConvergedReason *reason, void *ctx)
{
  FrgIntegrator in = (FrgIntegrator)ctx;
  Vec           update, weights;
  PetscInt      max_it;
  PetscReal     del;

  PetscFunctionBeginUser;
  *reason = SNES_CONVERGED_ITERATING;
  if (PetscIsInfOrNanReal(fnorm)) {
    *reason = SNES_DIVERGED_FNORM_NAN;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  if (it == 0) PetscFunctionReturn(PETSC_SUCCESS);
  in->newton_iters++;
  if (in->type == FRG_INTEGRATOR_CVODE_BDF) FrgCallSUNDIALS(in->comm, CVodeGetErrWeights(in->mem, in->ewt));
  else FrgCallSUNDIALS(in->comm, ARKStepGetErrWeights(in->mem, in->ewt));
  weights = N_VGetVector_Petsc(in->ewt);
  PetscCall(SNESGetSolutionUpdate(snes, &update));
  PetscCall(FrgReproducibleWrmsNorm(update, weights, &del));
  if (it > 1) in->crate = PetscMax(0.3 * in->crate, del / in->del_prev);
  in->del_prev = del;
  PetscCall(SNESGetTolerances(snes, NULL, NULL, NULL, &max_it, NULL));
  if (del * PetscMin(1.0, in->crate) <= in->newton_tol) *reason = SNES_CONVERGED_SNORM_RELATIVE;
  else if (it > 1 && del > 2.0 * in->del_prev * in->crate && in->crate > 1.0) *reason = SNES_DIVERGED_DTOL;
  else if (it >= max_it) *reason = SNES_DIVERGED_MAX_IT;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Direct LU of the Newton matrix A in the SNES's KSP. */
static PetscErrorCode FrgIntegratorKSPConfigure(FrgIntegrator in, KSP ksp, Mat A)
{
  PC          pc;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(in->comm, &size));
  PetscCall(KSPGetPC(ksp, &pc));
  if (in->op->grid->dim == 2) {
    /* 2D grids: GMRES with block-Jacobi ILU(0), to a residual 1e-12 relative. The LU of the 25-point
     * Newton matrix (nested dissection) took 85% of a 48 x 48 flow (7.2 of 8.4 s); this takes 1.1 s with
     * the same IR vertices to 1e-11, and on 1-3 ranks the same to 1e-13. -ksp_type preonly -pc_type lu
     * (-pc_type redundant on several ranks) restores the direct solve. */
    PetscCall(KSPSetType(ksp, KSPGMRES));
    PetscCall(PCSetType(pc, PCBJACOBI));
    PetscCall(KSPSetTolerances(ksp, 1e-12, PETSC_DEFAULT, PETSC_DEFAULT, 500));
    PetscCall(KSPSetOperators(ksp, A, A));
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(PCSetType(pc, PCLU));
  /* The Newton matrix is a band in the natural order of the 1D grid: LU without reordering makes no
   * fill outside the band, where PETSc's default nested dissection tripled the factorization flops
   * (0D benchmark, callgrind: MatLUFactorNumeric 157M -> 101M instructions, MatSolve 52M -> 18M). -pc_factor_mat_ordering_type
   * still overrides. */
  PetscCall(PCFactorSetMatOrderingType(pc, MATORDERINGNATURAL));
  /* On several ranks the same sequential LU runs on the gathered band (PCREDUNDANT): for a 1D grid
   * this is cheaper than a parallel factorization (MUMPS took 12 s where this takes 0.5 s on the
   * default deck) and keeps the arithmetic, hence the step sequence, that of one rank. */
  if (size > 1) {
    KSP inner;
    PC  inner_pc;
    PetscCall(PCSetType(pc, PCREDUNDANT));
    PetscCall(PCRedundantGetKSP(pc, &inner));
    PetscCall(KSPSetType(inner, KSPPREONLY));
    PetscCall(KSPGetPC(inner, &inner_pc));
    PetscCall(PCSetType(inner_pc, PCLU));
    PetscCall(PCFactorSetMatOrderingType(inner_pc, MATORDERINGNATURAL));
  }
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Nested solvers (-redundant_*, -sub_*, -mat_mumps_*) read their options only when the
 * preconditioner is set up: do that once now, on the identity, so that those options are consumed
 * before the unused-option check and a typo in them is reported. */
static PetscErrorCode FrgIntegratorKSPSetUpIdentity(KSP ksp, Mat A)
{
  PetscFunctionBeginUser;
  PetscCall(MatZeroEntries(A));
  PetscCall(MatShift(A, 1.0));
  PetscCall(KSPSetOperators(ksp, A, A));
  PetscCall(KSPSetUp(ksp));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgIntegratorNewtonCreate(FrgIntegrator in)
{
  KSP            ksp;
  SNESLineSearch ls;

  PetscFunctionBeginUser;
  if (in->snes) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgOperatorCreateJacobian(in->op, &in->A));
  PetscCall(SNESCreate(in->comm, &in->snes));
  PetscCall(SNESSetType(in->snes, SNESNEWTONLS));
  PetscCall(SNESGetLineSearch(in->snes, &ls));
  PetscCall(SNESLineSearchSetType(ls, SNESLINESEARCHBASIC));
  PetscCall(SNESSetTolerances(in->snes, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, 3, PETSC_DEFAULT));
  PetscCall(SNESSetJacobian(in->snes, in->A, in->A, FrgNewtonJacobian, in));
  PetscCall(SNESSetConvergenceTest(in->snes, FrgNewtonConverged, in, NULL));
  PetscCall(SNESGetKSP(in->snes, &ksp));
  PetscCall(FrgIntegratorKSPConfigure(in, ksp, in->A));
  PetscCall(SNESSetFromOptions(in->snes));
  PetscCall(FrgIntegratorKSPSetUpIdentity(ksp, in->A));
  PetscFunctionReturn(PETSC_SUCCESS);
}
