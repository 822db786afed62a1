/* The reduced system of the partitioned band LU (band_spike.c): the interface unknowns of all B blocks,
 * factored and solved by every rank redundantly, in the same order, from the spike tips and block
 * solutions that every rank gathered. Its cost is O(B), independent of the block length.
 *
 * SPIKE (Polizzi & Sameh, Parallel Computing 32 (2006) 177): with the top and bottom two unknowns t_j,
 * b_j of block j and its spikes V_j, W_j, the top and bottom two rows of x_j = g_j - V_j t_{j+1} - W_j
 * b_{j-1} read
 *     (T_j) t_j + V_j^top t_{j+1} + W_j^top b_{j-1} = g_j^top,
 *     (B_j) b_j + V_j^bottom t_{j+1} + W_j^bottom b_{j-1} = g_j^bottom,
 * a block tridiagonal system with identity diagonal blocks (W_0 = 0, V_{B-1} = 0). It is eliminated
 * from block 0 on: with b_{j-1} = beta_{j-1} - X_j t_j (X_1 = V_0^bottom), (T_j) gives t_j = tau_j -
 * Y_j t_{j+1} with A_j = I - W_j^top X_j, Y_j = A_j^-1 V_j^top, and (B_j) then X_{j+1} = V_j^bottom +
 * Z_j Y_j with Z_j = W_j^bottom X_j.
 *
 * This is the block LU, without pivoting, of the reduced matrix; its factors are X, Y and Z, and the
 * factorization is refused (the caller falls back to the sequential LU) when one of their entries
 * exceeds FRG_SPIKE_MAX_GROWTH (the block LU's backward error grows with its factors: Demmel, Higham &
 * Schreiber, Numer. Linear Algebra Appl. 2 (1995) 173), when an A_j is singular, or when an entry of
 * A_j^-1 exceeds FRG_SPIKE_MAX_AMPLIFICATION. A_j^-1 is no factor entry: it is large where the interface
 * values depend strongly on the block solutions, which the stiff diffusion of a fine grid makes
 * unavoidable (I - gamma J tends to a discrete Laplacian, whose spike tips tend to 1 and A_j^-1 to
 * about m/2: 17 to 360 at 2e5 cells, t <= 1 of the default deck), and it multiplies the rounding
 * error of the block solutions in tau_j once, without compounding along the recurrence. */
#include <frg/integrator.h>

/* Largest entry of A_j^-1 accepted: 1e6 loses at most six of the sixteen digits of the interface values,
 * where a Newton correction needs a few. */
#define FRG_SPIKE_MAX_AMPLIFICATION 1e6

typedef struct {
  PetscReal e[2][2];
} FrgMatrix2;

struct _p_FrgBandReduced {
  PetscInt    blocks;
  FrgMatrix2 *X, *inverse, *Y, *Z, *top_W, *bottom_W; /* per block j = 1..B-1 */
  PetscReal (*beta)[2], (*tau)[2], (*t)[2], (*b)[2];  /* per block: the solve's recurrences */
};

static FrgMatrix2 Matrix2Product(FrgMatrix2 a, FrgMatrix2 b)
{
  FrgMatrix2 p;

  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 2; k++) p.e[i][k] = a.e[i][0] * b.e[0][k] + a.e[i][1] * b.e[1][k];
  return p;
}

/* a + sign b */
static FrgMatrix2 Matrix2Add(FrgMatrix2 a, PetscReal sign, FrgMatrix2 b)
{
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 2; k++) a.e[i][k] = sign > 0 ? a.e[i][k] + b.e[i][k] : a.e[i][k] - b.e[i][k];
  return a;
}

/* all entries at most bound in magnitude, and numbers */
static PetscBool Matrix2Bounded(FrgMatrix2 a, PetscReal bound)
{
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 2; k++)
      if (!(PetscAbsReal(a.e[i][k]) <= bound)) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* The inverse by the adjugate; false when a is singular or its inverse has an entry above
 * FRG_SPIKE_MAX_AMPLIFICATION. */
static PetscBool Matrix2Inverse(FrgMatrix2 a, FrgMatrix2 *inverse)
{
  const PetscReal det = a.e[0][0] * a.e[1][1] - a.e[0][1] * a.e[1][0];

  if (!(det != 0.0)) return PETSC_FALSE;
  inverse->e[0][0] = a.e[1][1] / det;
  inverse->e[0][1] = -a.e[0][1] / det;
  inverse->e[1][0] = -a.e[1][0] / det;
  inverse->e[1][1] = a.e[0][0] / det;
  return Matrix2Bounded(*inverse, FRG_SPIKE_MAX_AMPLIFICATION);
}

/* The 2 x 2 tip at offset of block j's entry of tips (FRG_SPIKE_TIP_* offsets) */
static FrgMatrix2 Tip(const PetscReal *tips, PetscInt j, int offset)
{
  const PetscReal *a = tips + FRG_SPIKE_TIP_SIZE * j + offset;
  FrgMatrix2       m = {{{a[0], a[1]}, {a[2], a[3]}}};

  return m;
}

/* Factors the reduced system from the tips of all blocks (FRG_SPIKE_TIP_SIZE per block, in block order).
 * *accepted false: a block refused its own factorization (status entry), or the growth tests of the
 * banner failed. Not collective: every rank calls it with the same tips and gets the same answer. */
PETSC_INTERN PetscErrorCode FrgBandReducedFactor(FrgBandReduced r, const PetscReal *tips, PetscBool *accepted)
{
  const PetscInt B        = r->blocks;
  const FrgMatrix2 identity = {{{1, 0}, {0, 1}}};
  FrgMatrix2     X          = Tip(tips, 0, FRG_SPIKE_TIP_V_BOTTOM);

  PetscFunctionBeginUser;
  *accepted = PETSC_FALSE;
  for (PetscInt j = 0; j < B; j++)
    if (tips[FRG_SPIKE_TIP_SIZE * j + FRG_SPIKE_TIP_STATUS] != 0.0) PetscFunctionReturn(PETSC_SUCCESS);
  for (PetscInt j = 1; j < B; j++) {
    r->top_W[j]    = Tip(tips, j, FRG_SPIKE_TIP_W_TOP);
    r->bottom_W[j] = Tip(tips, j, FRG_SPIKE_TIP_W_BOTTOM);
    r->X[j]        = X;
    if (!Matrix2Inverse(Matrix2Add(identity, -1, Matrix2Product(r->top_W[j], X)), &r->inverse[j])) PetscFunctionReturn(PETSC_SUCCESS);
    if (j == B - 1) break; /* V_{B-1} = 0 */
    r->Y[j] = Matrix2Product(r->inverse[j], Tip(tips, j, FRG_SPIKE_TIP_V_TOP));
    r->Z[j] = Matrix2Product(r->bottom_W[j], X);
    X       = Matrix2Add(Tip(tips, j, FRG_SPIKE_TIP_V_BOTTOM), 1, Matrix2Product(r->Z[j], r->Y[j]));
    if (!Matrix2Bounded(r->Y[j], FRG_SPIKE_MAX_GROWTH) || !Matrix2Bounded(r->Z[j], FRG_SPIKE_MAX_GROWTH) || !Matrix2Bounded(X, FRG_SPIKE_MAX_GROWTH)) PetscFunctionReturn(PETSC_SUCCESS);
  }
  *accepted = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y = a x + sign z (2-vectors), in this order of operations */
static void Vector2Update(const PetscReal z[2], PetscReal sign, FrgMatrix2 a, const PetscReal x[2], PetscReal y[2])
{
  for (int i = 0; i < 2; i++) {
    const PetscReal ax = a.e[i][0] * x[0] + a.e[i][1] * x[1];
    y[i]               = sign > 0 ? z[i] + ax : z[i] - ax;
  }
}

/* The interface unknowns from the tips of the block solutions g of all blocks (g^top, g^bottom: 4 per
 * block): beta_0 = g_0^bottom; tau_j = A_j^-1 (g_j^top - W_j^top beta_{j-1}), beta_j = g_j^bottom -
 * W_j^bottom beta_{j-1} + Z_j tau_j; then back: t_{B-1} = tau_{B-1}, t_j = tau_j - Y_j t_{j+1}, b_j =
 * beta_j - X_{j+1} t_{j+1}. interface: per block t_{j+1} and b_{j-1} (zero where there is no
 * neighbour). Not collective. */
PETSC_INTERN PetscErrorCode FrgBandReducedSolve(FrgBandReduced r, const PetscReal *g, PetscReal *interface)
{
  const PetscInt  B = r->blocks;
  const PetscReal zero[2] = {0, 0};
  PetscReal       residual[2];

  PetscFunctionBeginUser;
  for (int i = 0; i < 2; i++) r->beta[0][i] = g[2 + i];
  for (PetscInt j = 1; j < B; j++) {
    const PetscReal *top = g + 4 * j, *bottom = g + 4 * j + 2;
    Vector2Update(top, -1, r->top_W[j], r->beta[j - 1], residual);
    Vector2Update(zero, 1, r->inverse[j], residual, r->tau[j]);
    if (j == B - 1) break;
    Vector2Update(bottom, -1, r->bottom_W[j], r->beta[j - 1], residual);
    Vector2Update(residual, 1, r->Z[j], r->tau[j], r->beta[j]);
  }
  for (int i = 0; i < 2; i++) r->t[B - 1][i] = r->tau[B - 1][i];
  for (PetscInt j = B - 2; j >= 1; j--) Vector2Update(r->tau[j], -1, r->Y[j], r->t[j + 1], r->t[j]);
  for (PetscInt j = 0; j <= B - 2; j++) Vector2Update(r->beta[j], -1, r->X[j + 1], r->t[j + 1], r->b[j]);
  for (PetscInt j = 0; j < B; j++)
    for (int i = 0; i < 2; i++) {
      interface[4 * j + i]     = j < B - 1 ? r->t[j + 1][i] : 0.0;
      interface[4 * j + 2 + i] = j > 0 ? r->b[j - 1][i] : 0.0;
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective. */
PETSC_INTERN PetscErrorCode FrgBandReducedCreate(PetscInt blocks, FrgBandReduced *reduced)
{
  FrgBandReduced r;

  PetscFunctionBeginUser;
  PetscCheck(blocks >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "the reduced system needs at least 2 blocks, got %" PetscInt_FMT, blocks);
  PetscCall(PetscNew(&r));
  r->blocks = blocks;
  PetscCall(PetscCalloc6(blocks, &r->X, blocks, &r->inverse, blocks, &r->Y, blocks, &r->Z, blocks, &r->top_W, blocks, &r->bottom_W));
  PetscCall(PetscCalloc4(blocks, &r->beta, blocks, &r->tau, blocks, &r->t, blocks, &r->b));
  *reduced = r;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgBandReducedDestroy(FrgBandReduced *reduced)
{
  FrgBandReduced r = *reduced;

  PetscFunctionBeginUser;
  if (!r) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree6(r->X, r->inverse, r->Y, r->Z, r->top_W, r->bottom_W));
  PetscCall(PetscFree4(r->beta, r->tau, r->t, r->b));
  PetscCall(PetscFree(*reduced));
  PetscFunctionReturn(PETSC_SUCCESS);
}
