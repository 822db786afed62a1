/* Element-wise N_Vector operations of the integrators on the local arrays of the PETSc vectors.
 *
 * CVODE's Nordsieck history costs about 25 linear sums per step and its error weights an abs, scale,
 * add-constant and reciprocal; on the 800-cell vectors of the 0D benchmark N_Vector_Petsc's versions
 * (PETSc's per-call checks and logging, the reference BLAS) were 15% of the solve's instructions. These
 * loops have no call overhead and have an AVX2 clone (FRG_CLONES, include/frg/impl.h); they are
 * element-wise, so bitwise the same on any number of ranks (the norms stay in reproducible.c). */
#include <frg/integrator.h>
#include <nvector/nvector_petsc.h>

FRG_CLONES static void FrgLinearSumLoop(PetscInt n, double a, const double *x, double b, const double *y, double *z)
{
  for (PetscInt i = 0; i < n; i++) z[i] = a * x[i] + b * y[i];
}

FRG_CLONES static void FrgScaleLoop(PetscInt n, double c, const double *x, double *z)
{
  for (PetscInt i = 0; i < n; i++) z[i] = c * x[i];
}

/* z = a x + b y; x, y and z may be the same vectors. */
static void FrgNVLinearSum(double a, N_Vector x, double b, N_Vector y, N_Vector z)
{
  Vec                X = N_VGetVector_Petsc(x), Y = N_VGetVector_Petsc(y), Z = N_VGetVector_Petsc(z);
  const PetscScalar *xa, *ya;
  PetscScalar       *za;
  PetscInt           n;

  if (VecGetLocalSize(Z, &n) || VecGetArray(Z, &za)) return;
  xa = za;
  ya = za;
  if (X != Z) (void)VecGetArrayRead(X, &xa);
  if (Y != Z) (void)VecGetArrayRead(Y, &ya);
  FrgLinearSumLoop(n, a, xa, b, ya, za);
  if (Y != Z) (void)VecRestoreArrayRead(Y, &ya);
  if (X != Z) (void)VecRestoreArrayRead(X, &xa);
  (void)VecRestoreArray(Z, &za);
}

/* z = c x */
static void FrgNVScale(double c, N_Vector x, N_Vector z)
{
  Vec                X = N_VGetVector_Petsc(x), Z = N_VGetVector_Petsc(z);
  const PetscScalar *xa;
  PetscScalar       *za;
  PetscInt           n;

  if (VecGetLocalSize(Z, &n) || VecGetArray(Z, &za)) return;
  xa = za;
  if (X != Z) (void)VecGetArrayRead(X, &xa);
  FrgScaleLoop(n, c, xa, za);
  if (X != Z) (void)VecRestoreArrayRead(X, &xa);
  (void)VecRestoreArray(Z, &za);
}

/* Installs the operations on a vector; SUNDIALS' clones inherit them. Not collective. */
PETSC_INTERN PetscErrorCode FrgNVectorUseLocalOps(N_Vector v)
{
  PetscFunctionBeginUser;
  v->ops->nvlinearsum = FrgNVLinearSum;
  v->ops->nvscale     = FrgNVScale;
  PetscFunctionReturn(PETSC_SUCCESS);
}
