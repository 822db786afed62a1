/* Unit test of FrgBandLU (src/integrate/band.c), the LU of the modified-Newton route; run by
 * tests/cases/core_unit.sh on 1, 2 and 3 ranks.
 *  1. M = I - gamma J for random pentadiagonal J, with zero or tiny diagonals in M that need row
 *     exchanges: the residual |M x - b|_inf / (|M|_inf |x|_inf) of the solve is at round-off (a
 *     factorization without pivoting breaks down on the exact zeros).
 *  2. The same solve on this communicator and on one rank give bitwise the same x (the band is
 *     gathered and factored redundantly, so the step sequence of the integrator cannot depend on the
 *     number of ranks).
 *  3. A matrix with an exactly zero column is reported singular.
 * Prints one line per check; exits nonzero if any fails. */
#include <frg/integrator.h>
#include "check.h"

/* The global band of J (n x 5, same on every rank) such that M = I - gamma J has a zero diagonal in
 * every third row and a tiny one in every fifth; zero_column: column n/2 of M is zero. */
static void FillBand(PetscInt n, PetscReal gamma, PetscBool zero_column, PetscReal *J)
{
  unsigned long seed = 5;

  for (PetscInt i = 0; i < n; i++)
    for (int c = 0; c < 5; c++) {
      const PetscInt col = i - 2 + c;
      J[5 * i + c]       = (col < 0 || col >= n) ? 0.0 : Random(&seed);
      if (c == 2 && i % 3 == 0) J[5 * i + c] = 1.0 / gamma;
      if (c == 2 && i % 5 == 1) J[5 * i + c] = (1.0 - 1e-12) / gamma;
      if (zero_column && col == n / 2) J[5 * i + c] = (c == 2) ? 1.0 / gamma : 0.0;
    }
}

/* Factors and solves with the band on comm; returns the whole solution (every rank) in x. */
static PetscErrorCode Solve(MPI_Comm comm, PetscInt n, PetscReal gamma, PetscBool zero_column, const PetscReal *bglobal, PetscReal *x, PetscBool *singular)
{
  FrgBandLU    lu;
  Vec          b;
  PetscReal   *J, *all;
  PetscInt     rstart, nlocal;
  PetscScalar *a;
  Vec          xall;
  VecScatter   scatter;

  PetscFunctionBeginUser;
  PetscCall(VecCreateMPI(comm, PETSC_DECIDE, n, &b));
  PetscCall(VecGetOwnershipRange(b, &rstart, NULL));
  PetscCall(VecGetLocalSize(b, &nlocal));
  PetscCall(FrgBandLUCreate(comm, n, nlocal, &lu));
  PetscCall(PetscMalloc1(5 * n, &all));
  FillBand(n, gamma, zero_column, all);
  PetscCall(FrgBandLUGetJacobian(lu, &J));
  PetscCall(PetscArraycpy(J, all + 5 * rstart, 5 * nlocal));
  PetscCall(FrgBandLUFactor(lu, gamma, singular));
  if (!*singular) {
    PetscCall(VecGetArray(b, &a));
    for (PetscInt i = 0; i < nlocal; i++) a[i] = bglobal[rstart + i];
    PetscCall(VecRestoreArray(b, &a));
    PetscCall(FrgBandLUSolve(lu, b, b));
    PetscCall(VecScatterCreateToAll(b, &scatter, &xall));
    PetscCall(VecScatterBegin(scatter, b, xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(scatter, b, xall, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArray(xall, &a));
    for (PetscInt i = 0; i < n; i++) x[i] = a[i];
    PetscCall(VecRestoreArray(xall, &a));
    PetscCall(VecScatterDestroy(&scatter));
    PetscCall(VecDestroy(&xall));
  }
  PetscCall(PetscFree(all));
  PetscCall(FrgBandLUDestroy(&lu));
  PetscCall(VecDestroy(&b));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TestSolve(MPI_Comm comm, PetscInt n)
{
  const PetscReal gamma = 0.5; /* a power of two: gamma (1/gamma) = 1 exactly, so the zeros are exact */
  unsigned long   seed  = 9;
  PetscReal      *b, *x, *xs, *J, res = 0, mnorm = 0, xnorm = 0, diff = 0;
  PetscBool       singular, singular_seq;
  PetscMPIInt     size;
  char            what[128];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscMalloc4(n, &b, n, &x, n, &xs, 5 * n, &J));
  for (PetscInt i = 0; i < n; i++) b[i] = Random(&seed);
  PetscCall(Solve(comm, n, gamma, PETSC_FALSE, b, x, &singular));
  PetscCall(Solve(PETSC_COMM_SELF, n, gamma, PETSC_FALSE, b, xs, &singular_seq));
  FillBand(n, gamma, PETSC_FALSE, J);
  for (PetscInt i = 0; i < n; i++) {
    PetscReal r = -b[i], row = 0;
    for (int c = 0; c < 5; c++) {
      const PetscInt  col = i - 2 + c;
      const PetscReal m   = (c == 2 ? 1.0 : 0.0) - gamma * J[5 * i + c];
      if (col < 0 || col >= n) continue;
      r += m * x[col];
      row += PetscAbsReal(m);
    }
    res   = PetscMax(res, PetscAbsReal(r));
    mnorm = PetscMax(mnorm, row);
    xnorm = PetscMax(xnorm, PetscAbsReal(x[i]));
    diff  = PetscMax(diff, PetscAbsReal(x[i] - xs[i]));
  }
  res /= mnorm * xnorm;
  PetscCall(PetscSNPrintf(what, sizeof(what), "band LU residual, n = %" PetscInt_FMT ", zero and tiny diagonals, %d rank(s)", n, size));
  PetscCall(Report(comm, (PetscBool)(!singular && res < 1e-14), what, res, 1e-14));
  PetscCall(PetscSNPrintf(what, sizeof(what), "band LU solution on %d rank(s) vs one rank, n = %" PetscInt_FMT " (bitwise)", size, n));
  PetscCall(Report(comm, (PetscBool)(!singular_seq && diff == 0.0), what, diff, 0.0));
  PetscCall(Solve(comm, n, gamma, PETSC_TRUE, b, x, &singular));
  PetscCall(PetscSNPrintf(what, sizeof(what), "band LU reports a zero column as singular, n = %" PetscInt_FMT ", %d rank(s)", n, size));
  PetscCall(Report(comm, singular, what, singular ? 0.0 : 1.0, 0.0));
  PetscCall(PetscFree4(b, x, xs, J));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, NULL));
  PetscCall(TestSolve(PETSC_COMM_WORLD, 40));
  PetscCall(TestSolve(PETSC_COMM_WORLD, 41));
  PetscCall(PetscFinalize());
  return failures ? 1 : 0;
}
