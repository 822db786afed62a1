/* The Newton matrix of an operator against central differences of its right-hand side, column by
 * column: shared by the unit tests of the 1D (test_kt.c) and 2D (test_operator2d.c) operators. */
#ifndef FRG_TESTS_UNIT_JACOBIAN_FD_H
#define FRG_TESTS_UNIT_JACOBIAN_FD_H

#include <frg/impl.h>
#include <stdlib.h>

/* max over columns j of |J e_j - (f(u + eps e_j) - f(u - eps e_j))/(2 eps)|_inf / max_j |J e_j|_inf,
 * J = FrgOperatorJacobian at (t, u). TEST_KT_VERBOSE in the environment prints each new worst column. */
static PetscErrorCode OperatorJacobianError(FrgOperator op, PetscReal t, Vec u, double eps, double *error)
{
  Mat       J;
  Vec       v, up, um, fp, fm, Jv;
  PetscReal scale = 0, worst = 0, norm;
  PetscInt  n;
  PetscBool physical;

  PetscFunctionBeginUser;
  PetscCall(FrgOperatorCreateJacobian(op, &J));
  PetscCall(FrgOperatorJacobian(op, t, u, J));
  PetscCall(VecGetSize(u, &n));
  PetscCall(VecDuplicate(u, &v));
  PetscCall(VecDuplicate(u, &up));
  PetscCall(VecDuplicate(u, &um));
  PetscCall(VecDuplicate(u, &fp));
  PetscCall(VecDuplicate(u, &fm));
  PetscCall(VecDuplicate(u, &Jv));
  for (PetscInt j = 0; j < n; j++) {
    PetscCall(VecZeroEntries(v));
    PetscCall(VecSetValue(v, j, 1.0, INSERT_VALUES));
    PetscCall(VecAssemblyBegin(v));
    PetscCall(VecAssemblyEnd(v));
    PetscCall(VecWAXPY(up, eps, v, u));
    PetscCall(VecWAXPY(um, -eps, v, u));
    PetscCall(FrgOperatorApply(op, t, up, fp));
    PetscCall(FrgOperatorIsPhysical(op, &physical));
    PetscCheck(physical, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "test state crosses a propagator pole");
    PetscCall(FrgOperatorApply(op, t, um, fm));
    PetscCall(VecAXPY(fp, -1.0, fm));
    PetscCall(VecScale(fp, 0.5 / eps));
    PetscCall(MatMult(J, v, Jv));
    PetscCall(VecNorm(Jv, NORM_INFINITY, &norm));
    scale = PetscMax(scale, norm);
    PetscCall(VecAXPY(fp, -1.0, Jv));
    PetscCall(VecNorm(fp, NORM_INFINITY, &norm));
    if (norm > worst && getenv("TEST_KT_VERBOSE")) PetscCall(PetscPrintf(PETSC_COMM_WORLD, "  column %" PetscInt_FMT ": |J e_j - FD| = %g\n", j, (double)norm));
    worst = PetscMax(worst, norm);
  }
  *error = worst / scale;
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&up));
  PetscCall(VecDestroy(&um));
  PetscCall(VecDestroy(&fp));
  PetscCall(VecDestroy(&fm));
  PetscCall(VecDestroy(&Jv));
  PetscCall(MatDestroy(&J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

#endif
