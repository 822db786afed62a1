/* Element-wise N_Vector operations of the integrators on the local arrays of the PETSc vectors.
 *
 * CVODE's Nordsieck history costs about 30 linear sums per step, its error weights an abs, scale,
 * add-constant, min and reciprocal, its Newton iteration a constant and linear sums, its step
 * completion a scale-add of q + 1 vectors. N_Vector_Petsc maps these onto PETSc's Vec operations,
 * which are scalar loops behind per-call checks and logging: on the 800-cell vectors of the 0D
 * benchmark they were a quarter of the instructions inside CVode. These loops have no call overhead
 * and load-time clones for wide vectors (FRG_CLONES, include/frg/impl.h). Element-wise operations and
 * the exact reductions (min, max) give bitwise the same results on any number of ranks; the weighted
 * norms are in reproducible.c. Every writing operation goes through VecGetArray/VecRestoreArray, so
 * PETSc's state counter (and with it any cached norm) stays valid. */
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

FRG_CLONES static void FrgConstLoop(PetscInt n, double c, double *z)
{
  for (PetscInt i = 0; i < n; i++) z[i] = c;
}

FRG_CLONES static void FrgAbsLoop(PetscInt n, const double *x, double *z)
{
  for (PetscInt i = 0; i < n; i++) z[i] = fabs(x[i]);
}

FRG_CLONES static void FrgInvLoop(PetscInt n, const double *x, double *z)
{
  for (PetscInt i = 0; i < n; i++) z[i] = 1.0 / x[i];
}

FRG_CLONES static void FrgAddConstLoop(PetscInt n, double b, const double *x, double *z)
{
  for (PetscInt i = 0; i < n; i++) z[i] = x[i] + b;
}

FRG_CLONES static void FrgProdLoop(PetscInt n, const double *x, const double *y, double *z)
{
  for (PetscInt i = 0; i < n; i++) z[i] = x[i] * y[i];
}

FRG_CLONES static void FrgDivLoop(PetscInt n, const double *x, const double *y, double *z)
{
  for (PetscInt i = 0; i < n; i++) z[i] = x[i] / y[i];
}

FRG_CLONES static void FrgCompareLoop(PetscInt n, double c, const double *x, double *z)
{
  for (PetscInt i = 0; i < n; i++) z[i] = fabs(x[i]) >= c ? 1.0 : 0.0;
}

/* z = 1/x where x != 0; returns whether every x was nonzero */
FRG_CLONES static int FrgInvTestLoop(PetscInt n, const double *x, double *z)
{
  int zero = 0;

  for (PetscInt i = 0; i < n; i++) {
    zero |= x[i] == 0.0;
    z[i] = x[i] == 0.0 ? z[i] : 1.0 / x[i];
  }
  return !zero;
}

/* The array of a vector for reading and writing, with the Vec it came from (for the restore). */
typedef struct {
  Vec          v;
  PetscScalar *a;
} FrgArray;

static inline Vec FrgNVVec(N_Vector x) { return N_VGetVector_Petsc(x); }

static inline PetscInt FrgNVLocalSize(N_Vector x)
{
  PetscInt n = 0;

  (void)VecGetLocalSize(FrgNVVec(x), &n);
  return n;
}

/* Reading access to x; when x is the output z, its write access is shared. */
static inline const PetscScalar *FrgNVRead(N_Vector x, N_Vector z, const FrgArray *zw)
{
  const PetscScalar *a = NULL;

  if (x == z) return zw->a;
  (void)VecGetArrayRead(FrgNVVec(x), &a);
  return a;
}

static inline void FrgNVReadEnd(N_Vector x, N_Vector z, const PetscScalar *a)
{
  if (x != z) (void)VecRestoreArrayRead(FrgNVVec(x), &a);
}

static inline FrgArray FrgNVWrite(N_Vector z)
{
  FrgArray w = {FrgNVVec(z), NULL};

  (void)VecGetArray(w.v, &w.a);
  return w;
}

static inline void FrgNVWriteEnd(FrgArray *w) { (void)VecRestoreArray(w->v, &w->a); }

/* z = a x + b y; x, y and z may be the same vectors. */
static void FrgNVLinearSum(double a, N_Vector x, double b, N_Vector y, N_Vector z)
{
  FrgArray           zw = FrgNVWrite(z);
  const PetscScalar *xa = FrgNVRead(x, z, &zw), *ya = FrgNVRead(y, z, &zw);

  FrgLinearSumLoop(FrgNVLocalSize(z), a, xa, b, ya, zw.a);
  FrgNVReadEnd(y, z, ya);
  FrgNVReadEnd(x, z, xa);
  FrgNVWriteEnd(&zw);
}

/* Defines z = op(x) (one input vector) through loop(n, x, z). */
#define FRG_NV_UNARY(name, loop) \
  static void name(N_Vector x, N_Vector z) \
  { \
    FrgArray           zw = FrgNVWrite(z); \
    const PetscScalar *xa = FrgNVRead(x, z, &zw); \
    loop(FrgNVLocalSize(z), xa, zw.a); \
    FrgNVReadEnd(x, z, xa); \
    FrgNVWriteEnd(&zw); \
  }
FRG_NV_UNARY(FrgNVAbs, FrgAbsLoop)
FRG_NV_UNARY(FrgNVInv, FrgInvLoop)

/* Defines z = op(x, y) through loop(n, x, y, z). */
#define FRG_NV_BINARY(name, loop) \
  static void name(N_Vector x, N_Vector y, N_Vector z) \
  { \
    FrgArray           zw = FrgNVWrite(z); \
    const PetscScalar *xa = FrgNVRead(x, z, &zw), *ya = FrgNVRead(y, z, &zw); \
    loop(FrgNVLocalSize(z), xa, ya, zw.a); \
    FrgNVReadEnd(y, z, ya); \
    FrgNVReadEnd(x, z, xa); \
    FrgNVWriteEnd(&zw); \
  }
FRG_NV_BINARY(FrgNVProd, FrgProdLoop)
FRG_NV_BINARY(FrgNVDiv, FrgDivLoop)

/* z = op(c, x) through loop(n, c, x, z): scale, add-constant, compare */
static void FrgNVWithConstant(void (*loop)(PetscInt, double, const double *, double *), double c, N_Vector x, N_Vector z)
{
  FrgArray           zw = FrgNVWrite(z);
  const PetscScalar *xa = FrgNVRead(x, z, &zw);

  loop(FrgNVLocalSize(z), c, xa, zw.a);
  FrgNVReadEnd(x, z, xa);
  FrgNVWriteEnd(&zw);
}

static void FrgNVScale(double c, N_Vector x, N_Vector z) { FrgNVWithConstant(FrgScaleLoop, c, x, z); }
static void FrgNVAddConst(N_Vector x, double b, N_Vector z) { FrgNVWithConstant(FrgAddConstLoop, b, x, z); }
static void FrgNVCompare(double c, N_Vector x, N_Vector z) { FrgNVWithConstant(FrgCompareLoop, c, x, z); }

static void FrgNVConst(double c, N_Vector z)
{
  FrgArray zw = FrgNVWrite(z);

  FrgConstLoop(FrgNVLocalSize(z), c, zw.a);
  FrgNVWriteEnd(&zw);
}

/* A logical AND over the ranks (a single rank skips the reduction). */
static int FrgNVAllTrue(N_Vector x, int local)
{
  MPI_Comm    comm = PetscObjectComm((PetscObject)FrgNVVec(x));
  PetscMPIInt size;
  int         all = local;

  if (!MPI_Comm_size(comm, &size) && size > 1) (void)MPI_Allreduce(&local, &all, 1, MPI_INT, MPI_LAND, comm);
  return all;
}

static booleantype FrgNVInvTest(N_Vector x, N_Vector z)
{
  FrgArray           zw = FrgNVWrite(z);
  const PetscScalar *xa = FrgNVRead(x, z, &zw);
  int                ok = FrgInvTestLoop(FrgNVLocalSize(z), xa, zw.a);

  FrgNVReadEnd(x, z, xa);
  FrgNVWriteEnd(&zw);
  return FrgNVAllTrue(z, ok) ? SUNTRUE : SUNFALSE;
}

/* The smallest element over the ranks (exact in any order). */
static double FrgNVMin(N_Vector x)
{
  const PetscScalar *xa;
  const PetscInt     n    = FrgNVLocalSize(x);
  MPI_Comm           comm = PetscObjectComm((PetscObject)FrgNVVec(x));
  PetscMPIInt        size;
  double             min = PETSC_MAX_REAL, all;

  (void)VecGetArrayRead(FrgNVVec(x), &xa);
  for (PetscInt i = 0; i < n; i++) min = xa[i] < min ? xa[i] : min;
  (void)VecRestoreArrayRead(FrgNVVec(x), &xa);
  all = min;
  if (!MPI_Comm_size(comm, &size) && size > 1) (void)MPI_Allreduce(&min, &all, 1, MPI_DOUBLE, MPI_MIN, comm);
  return all;
}

/* z_j = c_j x + y_j, j < nvec (CVODE's step completion: the Nordsieck array plus l_j times the
 * correction), by the vectors' own linear sums: for any vector type (nvector_serial.c uses it too). */
PETSC_INTERN int FrgNVScaleAddMultiBySums(int nvec, double *c, N_Vector x, N_Vector *Y, N_Vector *Z)
{
  for (int j = 0; j < nvec; j++) N_VLinearSum(c[j], x, 1.0, Y[j], Z[j]);
  return 0;
}

/* z = sum_j c_j x_j, j < nvec; z may be x_0. By the vectors' own linear sums, for any vector type. */
PETSC_INTERN int FrgNVLinearCombinationBySums(int nvec, double *c, N_Vector *X, N_Vector z)
{
  if (nvec < 1) return -1;
  if (nvec == 1) N_VScale(c[0], X[0], z);
  else N_VLinearSum(c[0], X[0], c[1], X[1], z);
  for (int j = 2; j < nvec; j++) N_VLinearSum(1.0, z, c[j], X[j], z);
  return 0;
}

/* Installs the operations on a vector; SUNDIALS' clones inherit them. Not collective. */
PETSC_INTERN PetscErrorCode FrgNVectorUseLocalOps(N_Vector v)
{
  PetscFunctionBeginUser;
  v->ops->nvlinearsum         = FrgNVLinearSum;
  v->ops->nvscale             = FrgNVScale;
  v->ops->nvconst             = FrgNVConst;
  v->ops->nvabs               = FrgNVAbs;
  v->ops->nvinv               = FrgNVInv;
  v->ops->nvaddconst          = FrgNVAddConst;
  v->ops->nvprod              = FrgNVProd;
  v->ops->nvdiv               = FrgNVDiv;
  v->ops->nvcompare           = FrgNVCompare;
  v->ops->nvinvtest           = FrgNVInvTest;
  v->ops->nvmin               = FrgNVMin;
  v->ops->nvscaleaddmulti     = FrgNVScaleAddMultiBySums;
  v->ops->nvlinearcombination = FrgNVLinearCombinationBySums;
  PetscFunctionReturn(PETSC_SUCCESS);
}
