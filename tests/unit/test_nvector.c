/* Unit test of the integrators' vector operations (src/integrate/nvector.c, reproducible.c); run by
 * tests/cases/core_unit.sh on 1, 2 and 3 ranks.
 *  1. The weighted RMS norm against a long-double reference: the terms are rounded to 53 - 10 bits
 *     relative to the largest (1000 cells), so the relative error is below 1000 * 2^-43 / 2 = 6e-11.
 *  2. The same norm on this communicator and on one rank: bitwise equal (the step control of the
 *     integrators must not depend on the number of ranks).
 *  3. NaN and Inf propagate (a NaN state must fail the step, not pass as a small norm), and the
 *     norm of zero is zero.
 *  4. The element-wise operations against their formulas, bitwise, with aliased arguments, and the
 *     reductions (min, inverse test) over all ranks.
 * Prints one line per check; exits nonzero if any fails. */
#include <frg/integrator.h>
#include <frg/leakcheck.h>
#include <nvector/nvector_petsc.h>
#include "check.h"

#define N_CELLS 1001

typedef struct {
  MPI_Comm   comm;
  SUNContext sunctx;
  PetscInt   rstart, nlocal;
} Setup;

/* A vector of the layout of comm, filled with f(global index), wrapped with frg's operations. */
static PetscErrorCode Make(Setup *s, double (*f)(PetscInt), N_Vector *v)
{
  Vec          x;
  PetscScalar *a;

  PetscFunctionBeginUser;
  PetscCall(VecCreateMPI(s->comm, PETSC_DECIDE, N_CELLS, &x));
  PetscCall(VecGetOwnershipRange(x, &s->rstart, NULL));
  PetscCall(VecGetLocalSize(x, &s->nlocal));
  PetscCall(VecGetArray(x, &a));
  for (PetscInt i = 0; i < s->nlocal; i++) a[i] = f(s->rstart + i);
  PetscCall(VecRestoreArray(x, &a));
  *v = N_VMake_Petsc(x, s->sunctx);
  PetscCheck(*v, s->comm, PETSC_ERR_LIB, "N_VMake_Petsc failed");
  PetscCall(FrgNVectorUseReproducibleNorms(*v));
  PetscCall(FrgNVectorUseLocalOps(*v));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode Free(N_Vector *v)
{
  Vec x = N_VGetVector_Petsc(*v);

  PetscFunctionBeginUser;
  N_VDestroy(*v);
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* values spread over many decades, as a Nordsieck correction with its error weights */
static double Values(PetscInt i)
{
  unsigned long seed = 1000 + (unsigned long)i;
  const double  r    = Random(&seed);
  return r * pow(10.0, -6.0 * PetscAbsReal(Random(&seed)));
}
static double Weights(PetscInt i) { return 1e8 / (1.0 + (double)i); }
static double Zeros(PetscInt i) { return 0.0; }
static double WithNaN(PetscInt i) { return i == N_CELLS / 2 ? (double)NAN : 0.0; }
static double WithInf(PetscInt i) { return i == 7 ? (double)INFINITY : Values(i); }

static PetscErrorCode Norm(Setup *s, double (*x)(PetscInt), double *norm)
{
  N_Vector vx, vw;

  PetscFunctionBeginUser;
  PetscCall(Make(s, x, &vx));
  PetscCall(Make(s, Weights, &vw));
  *norm = N_VWrmsNorm(vx, vw);
  PetscCall(Free(&vx));
  PetscCall(Free(&vw));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode TestNorms(Setup *s, Setup *self)
{
  long double sum = 0;
  double      norm, norm_self, exact, nan_norm, inf_norm, zero_norm;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < N_CELLS; i++) sum += (long double)(Values(i) * Weights(i)) * (long double)(Values(i) * Weights(i));
  exact = (double)sqrtl(sum / N_CELLS);
  PetscCall(Norm(s, Values, &norm));
  PetscCall(Norm(self, Values, &norm_self));
  PetscCall(Report(s->comm, (PetscBool)(PetscAbsReal(norm / exact - 1) < 6e-11), "WRMS norm vs long-double sum, 1001 cells over 6 decades", PetscAbsReal(norm / exact - 1), 6e-11));
  PetscCall(Report(s->comm, (PetscBool)(norm == norm_self), "WRMS norm on this communicator vs one rank (bitwise)", PetscAbsReal(norm - norm_self), 0));
  PetscCall(Norm(s, WithNaN, &nan_norm));
  PetscCall(Report(s->comm, (PetscBool)(nan_norm != nan_norm), "WRMS norm of zeros and one NaN is NaN", 0, 0));
  PetscCall(Norm(s, WithInf, &inf_norm));
  PetscCall(Report(s->comm, (PetscBool)(inf_norm == (double)INFINITY), "WRMS norm with one Inf is Inf", 0, 0));
  PetscCall(Norm(s, Zeros, &zero_norm));
  PetscCall(Report(s->comm, (PetscBool)(zero_norm == 0.0), "WRMS norm of zero is zero", zero_norm, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static double Positive(PetscInt i) { return 0.5 + (double)(i % 17); }
static double OneZero(PetscInt i) { return i == N_CELLS - 1 ? 0.0 : Positive(i); }

/* max over local cells of |z_i - expected(x_i, y_i)| */
static PetscErrorCode Compare(Setup *s, N_Vector z, double (*fx)(PetscInt), double (*fy)(PetscInt), double (*expected)(double, double), const char *what)
{
  const PetscScalar *a;
  double             err = 0, all;

  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(N_VGetVector_Petsc(z), &a));
  for (PetscInt i = 0; i < s->nlocal; i++) {
    const double e = expected(fx(s->rstart + i), fy(s->rstart + i));
    err            = PetscMax(err, a[i] == e ? 0.0 : (PetscAbsReal(a[i] - e) > 0 ? PetscAbsReal(a[i] - e) : 1.0));
  }
  PetscCall(VecRestoreArrayRead(N_VGetVector_Petsc(z), &a));
  PetscCallMPI(MPI_Allreduce(&err, &all, 1, MPI_DOUBLE, MPI_MAX, s->comm));
  PetscCall(Report(s->comm, (PetscBool)(all == 0.0), what, all, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static double LinearSum(double x, double y) { return 0.3 * x + -1.7 * y; }
static double Aliased(double x, double y) { return 2.5 * x + 0.25 * x; }
static double ScaleAdd(double x, double y) { return 0.75 * x + y; }
static double Combination(double x, double y) { return (0.5 * x + 2.0 * y) + -3.0 * x; }
static double ProdDivInv(double x, double y) { return (x * y) / y * (1.0 / x) + 0.125; }
static double AbsCompare(double x, double y) { return fabs(-x) >= 3.0 ? 1.0 : 0.0; }

static PetscErrorCode TestElementwise(Setup *s)
{
  N_Vector x, y, z, w;
  double   c[3] = {0.5, 2.0, -3.0}, min;

  PetscFunctionBeginUser;
  PetscCall(Make(s, Values, &x));
  PetscCall(Make(s, Positive, &y));
  PetscCall(Make(s, Zeros, &z));
  PetscCall(Make(s, Zeros, &w));
  N_VLinearSum(0.3, x, -1.7, y, z);
  PetscCall(Compare(s, z, Values, Positive, LinearSum, "linear sum"));
  N_VScale(1.0, x, z);
  N_VLinearSum(2.5, z, 0.25, z, z);
  PetscCall(Compare(s, z, Values, Positive, Aliased, "linear sum with x = y = z"));
  N_VScale(1.0, y, z);
  N_VScaleAddMulti(1, (double[]){0.75}, x, &z, &z);
  PetscCall(Compare(s, z, Values, Positive, ScaleAdd, "scale-add-multi into its own y"));
  N_VScale(1.0, x, z);
  N_VLinearCombination(3, c, (N_Vector[]){z, y, x}, z);
  PetscCall(Compare(s, z, Values, Positive, Combination, "linear combination with z = x_0"));
  N_VProd(x, y, z);
  N_VDiv(z, y, z);
  N_VInv(x, w);
  N_VProd(z, w, z);
  N_VAddConst(z, 0.125, z);
  PetscCall(Compare(s, z, Values, Positive, ProdDivInv, "prod, div, inv, add-constant"));
  N_VScale(-1.0, y, z);
  N_VAbs(z, z);
  N_VCompare(3.0, z, z);
  PetscCall(Compare(s, z, Positive, Positive, AbsCompare, "abs and compare"));
  N_VConst(-2.0, z);
  N_VLinearSum(1.0, y, 1.0, z, z);
  min = N_VMin(z);
  PetscCall(Report(s->comm, (PetscBool)(min == -1.5), "min over all ranks", PetscAbsReal(min + 1.5), 0));
  PetscCall(Free(&w));
  PetscCall(Make(s, OneZero, &w));
  PetscCall(Report(s->comm, (PetscBool)(N_VInvTest(w, z) == SUNFALSE && N_VInvTest(y, z) == SUNTRUE), "inverse test sees the zero on the last rank", 0, 0));
  PetscCall(Free(&x));
  PetscCall(Free(&y));
  PetscCall(Free(&z));
  PetscCall(Free(&w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  Setup s, self;

  PetscFunctionBeginUser;
  FrgCallLeakUnchecked(PetscInitialize(&argc, &argv, NULL, NULL));
  s.comm    = PETSC_COMM_WORLD;
  self.comm = PETSC_COMM_SELF;
  PetscCallExternal(SUNContext_Create, (void *)&s.comm, &s.sunctx);
  self.sunctx = s.sunctx;
  PetscCall(TestNorms(&s, &self));
  PetscCall(TestElementwise(&s));
  SUNContext_Free(&s.sunctx);
  FrgFinalizeLeakChecked();
  return failures ? 1 : 0;
}
