/* FrgBandSpike: the partitioned LU of the pentadiagonal Newton matrix M of FrgBandLU (band.c), whose
 * sequential elimination is a recurrence at its latency floor. The rows are split into P blocks that
 * are factored and solved in lockstep, one block per vector lane, so that one vector instruction
 * advances all P recurrences.
 *
 * The SPIKE algorithm (Polizzi & Sameh, Parallel Computing 32 (2006) 177), exact variant. With the
 * diagonal blocks A_j (m x m), the couplings B_j (the last two rows of block j into the first two
 * columns of block j+1) and C_j (the first two rows of block j into the last two columns of block
 * j-1), M x = b reads A_j x_j + B_j t_{j+1} + C_j b_{j-1} = b_j, with t_j and b_j the top and bottom
 * two unknowns of block j, hence
 *     x_j = g_j - V_j t_{j+1} - W_j b_{j-1},   g_j = A_j^-1 b_j,
 *     V_j = A_j^-1 [0; B_j],  W_j = A_j^-1 [C_j; 0]   (the spikes, m x 2 each).
 * The top and bottom two rows of these equations form the reduced system for t_1..t_{P-1} and
 * b_0..b_{P-2}: block tridiagonal with identity diagonal blocks, eliminated from the first block on
 * (the 2 x 2 recurrence of SpikeReducedFactor); then every x_j follows from the line above.
 *
 * Each A_j is factored with the band LU with partial pivoting of band.c, the same algorithm per lane
 * (the row exchanges as selects), and the forward elimination of W's right-hand side rides along.
 * Stability: there is no pivoting across blocks, so the rounding errors grow with the spikes
 * (|g| <= |x| (1 + max_k sum_e |V_j,ke| + |W_j,ke|)) and with the 2 x 2 quantities of the reduced
 * elimination. The factorization is refused, and the caller falls back to the sequential LU, when a
 * block meets an exactly zero pivot column (A_j singular: the spikes do not exist, though M may be
 * regular), when a spike row sum or an entry of the reduced elimination exceeds FRG_SPIKE_MAX_GROWTH
 * or is not a number, or when a 2 x 2 pivot block is singular. The sequential LU then decides whether
 * M is singular.
 *
 * The lane kernels are band_spike_lanes.h, compiled for AVX-512, AVX2 and scalar code and chosen at
 * run time. Every lane rounds as the scalar code does, so the result is bitwise the same on any of
 * them and, since every rank runs this on the gathered band, on any number of ranks. The scalar
 * kernels (CPUs without AVX2) are slower than the sequential LU (12 against 9.7 us at n = 800), and
 * kept so that the rounding, hence the integrator's steps, is the same on every machine. Not
 * FRG_CLONES (target_clones of one P-wide vector loop): GCC 12 lowers the vector comparisons of a
 * target_clones function element by element in every clone (1900 instructions per row step), and does
 * not if-convert these select-heavy loops for AVX2; under a target attribute and with intrinsics for
 * the comparisons and selects, each is one instruction. */
#include <frg/integrator.h>

#define FRG_SPIKE_BLOCKS     8    /* P */
#define FRG_SPIKE_MAX_GROWTH 16.0 /* largest spike row sum and reduced-system entry accepted */
#define FRG_SPIKE_MIN_ROWS   4    /* the top and bottom pairs of a block must differ */
_Static_assert(FRG_SPIKE_BLOCKS + 8 <= FRG_BAND_PADDING + 2, "the tiles of the last block read past the padding of b");

/* The lane kernels of one instruction set (band_spike_lanes.h). */
typedef struct {
  void (*form)(PetscInt m, PetscReal gamma, const PetscReal *J, PetscReal *M);
  int (*factor)(PetscInt m, const PetscReal *M, const PetscReal *C, PetscReal *U, PetscReal *L, PetscReal *piv, PetscReal *spike);
  void (*forward)(PetscInt m, PetscInt k0, const PetscReal *L, const PetscReal *piv, PetscReal *y, PetscInt stride);
  void (*backward)(PetscInt m, const PetscReal *U, PetscReal *y);
  int (*backward_spikes)(PetscInt m, const PetscReal *U, PetscReal *spike);
  void (*load_forward)(PetscInt m, const PetscReal *b, const PetscReal *L, const PetscReal *piv, PetscReal *g);
  void (*recover_store)(PetscInt m, const PetscReal *spike, const PetscReal *interface, const PetscReal *g, PetscInt first, PetscInt last, PetscReal *x);
  const char *isa;
} FrgSpikeLanes;

/* ---- the primitives of band_spike_lanes.h for each instruction set ---------------------------- */
#define FRG_LANES_WIDTH         1
#define FRG_LANES_TARGET
#define FRG_LANES_NAME(x)       x##_scalar
#define FRG_LANES_ISA           "scalar"
#define FrgVec                  double
#define FrgMask                 int
#define FRG_LOAD(p)             (*(p))
#define FRG_LOADU(p)            (*(p))
#define FRG_STORE(p, v)         (*(p) = (v))
#define FRG_STOREU(p, v)        (*(p) = (v))
#define FRG_SET1(x)             ((double)(x))
#define FRG_GT(a, b)            ((a) > (b))
#define FRG_EQ(a, b)            ((a) == (b))
#define FRG_LE(a, b)            ((a) <= (b))
#define FRG_AND(m, n)           ((m) & (n))
#define FRG_ANDNOT(m, n)        ((m) & !(n))
#define FRG_OR(m, n)            ((m) | (n))
#define FRG_ANY(m)              ((m) != 0)
#define FRG_NONE                0
#define FRG_SELECT(m, x, y)     ((m) ? (x) : (y))
#define FRG_ABS(x)              PetscAbsReal(x)
#define FRG_MAX(a, b)           ((a) > (b) ? (a) : (b))
#define FRG_TRANSPOSE(v)        ((void)(v))
#include "band_spike_lanes.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
  #define FRG_SPIKE_X86 1
  #include <immintrin.h>

/* 4 x 4 and 8 x 8 transposes: unpack pairs, then swap 128-bit (and 256-bit) halves */
__attribute__((target("avx2"), always_inline)) static inline void FrgTranspose4(__m256d *v)
{
  const __m256d t0 = _mm256_unpacklo_pd(v[0], v[1]), t1 = _mm256_unpackhi_pd(v[0], v[1]), t2 = _mm256_unpacklo_pd(v[2], v[3]), t3 = _mm256_unpackhi_pd(v[2], v[3]);

  v[0] = _mm256_permute2f128_pd(t0, t2, 0x20), v[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
  v[2] = _mm256_permute2f128_pd(t0, t2, 0x31), v[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

__attribute__((target("avx512f"), always_inline)) static inline void FrgTranspose8(__m512d *v)
{
  const __m512i low = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0), high = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
  __m512d       t[8], s[8];

  for (int i = 0; i < 8; i += 2) t[i] = _mm512_unpacklo_pd(v[i], v[i + 1]), t[i + 1] = _mm512_unpackhi_pd(v[i], v[i + 1]);
  for (int i = 0; i < 8; i += 4)
    for (int a = 0; a < 2; a++) s[i + a] = _mm512_permutex2var_pd(t[i + a], low, t[i + 2 + a]), s[i + 2 + a] = _mm512_permutex2var_pd(t[i + a], high, t[i + 2 + a]);
  for (int a = 0; a < 4; a++) v[a] = _mm512_shuffle_f64x2(s[a], s[4 + a], 0x44), v[4 + a] = _mm512_shuffle_f64x2(s[a], s[4 + a], 0xee);
}

  #define FRG_LANES_WIDTH         4
  #define FRG_LANES_TARGET        __attribute__((target("avx2")))
  #define FRG_LANES_NAME(x)       x##_avx2
  #define FRG_LANES_ISA           "avx2"
  #define FrgVec                  __m256d
  #define FrgMask                 __m256d
  #define FRG_LOAD(p)             _mm256_load_pd(p)
  #define FRG_LOADU(p)            _mm256_loadu_pd(p)
  #define FRG_STORE(p, v)         _mm256_store_pd(p, v)
  #define FRG_STOREU(p, v)        _mm256_storeu_pd(p, v)
  #define FRG_SET1(x)             _mm256_set1_pd(x)
  #define FRG_GT(a, b)            _mm256_cmp_pd(a, b, _CMP_GT_OQ)
  #define FRG_EQ(a, b)            _mm256_cmp_pd(a, b, _CMP_EQ_OQ)
  #define FRG_LE(a, b)            _mm256_cmp_pd(a, b, _CMP_LE_OQ)
  #define FRG_AND(m, n)           _mm256_and_pd(m, n)
  #define FRG_ANDNOT(m, n)        _mm256_andnot_pd(n, m)
  #define FRG_OR(m, n)            _mm256_or_pd(m, n)
  #define FRG_ANY(m)              (_mm256_movemask_pd(m) != 0)
  #define FRG_NONE                _mm256_setzero_pd()
  #define FRG_SELECT(m, x, y)     _mm256_blendv_pd(y, x, m)
  #define FRG_ABS(x)              _mm256_andnot_pd(_mm256_set1_pd(-0.0), x)
  #define FRG_MAX(a, b)           _mm256_max_pd(a, b) /* a > b ? a : b, as the scalar one */
  #define FRG_TRANSPOSE(v)        FrgTranspose4(v)
  #include "band_spike_lanes.h"

  #define FRG_LANES_WIDTH         8
  #define FRG_LANES_TARGET        __attribute__((target("avx512f")))
  #define FRG_LANES_NAME(x)       x##_avx512
  #define FRG_LANES_ISA           "avx512f"
  #define FrgVec                  __m512d
  #define FrgMask                 __mmask8
  #define FRG_LOAD(p)             _mm512_load_pd(p)
  #define FRG_LOADU(p)            _mm512_loadu_pd(p)
  #define FRG_STORE(p, v)         _mm512_store_pd(p, v)
  #define FRG_STOREU(p, v)        _mm512_storeu_pd(p, v)
  #define FRG_SET1(x)             _mm512_set1_pd(x)
  #define FRG_GT(a, b)            _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ)
  #define FRG_EQ(a, b)            _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ)
  #define FRG_LE(a, b)            _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ)
  #define FRG_AND(m, n)           ((__mmask8)((m) & (n)))
  #define FRG_ANDNOT(m, n)        ((__mmask8)((m) & ~(n)))
  #define FRG_OR(m, n)            ((__mmask8)((m) | (n)))
  #define FRG_ANY(m)              ((m) != 0)
  #define FRG_NONE                ((__mmask8)0)
  #define FRG_SELECT(m, x, y)     _mm512_mask_blend_pd(m, y, x)
  #define FRG_ABS(x)              _mm512_abs_pd(x)
  #define FRG_MAX(a, b)           _mm512_max_pd(a, b)
  #define FRG_TRANSPOSE(v)        FrgTranspose8(v)
  #include "band_spike_lanes.h"
#endif

/* ---- the partitioned LU ----------------------------------------------------------------------- */
typedef struct {
  PetscReal e[2][2];
} FrgMatrix2;

struct _p_FrgBandSpike {
  PetscInt             n, rows; /* rows m per block: ceil(n / P); the last blocks are padded with identity rows */
  const FrgSpikeLanes *lanes;   /* the kernels for this CPU */
  void                *raw;     /* the allocation behind the lane arrays, which start on a cache line */
  /* lane arrays: row after row, P lanes (blocks) per entry */
  PetscReal *M;         /* (m + 2) x 5: the diagonal blocks, two zero rows after */
  PetscReal *U, *L;     /* m x 5 and m x 2: the factors of each block, as U and L of band.c */
  PetscReal *piv;       /* m: the row (0, 1, 2 below k) exchanged with row k at step k */
  PetscReal *spike;     /* (m + 8) x 4: columns V_0, V_1, W_0, W_1; zero rows after (read by the tiles of 8 rows) */
  PetscReal *g;         /* m + 8: the block solutions g_j; zero rows after */
  PetscReal *coupling;  /* 6: C_00, C_01, C_11 (rows 0, 1 into columns -2, -1) and B_00, B_10, B_11 */
  PetscReal *interface; /* 4: t_{j+1} (2) and b_{j-1} (2) of each lane, for the recovery */
  /* the elimination of the reduced system, by block j = 1..P-1 */
  FrgMatrix2 X[FRG_SPIKE_BLOCKS], inverse[FRG_SPIKE_BLOCKS], Y[FRG_SPIKE_BLOCKS], Z[FRG_SPIKE_BLOCKS];
  FrgMatrix2 top_W[FRG_SPIKE_BLOCKS], bottom_W[FRG_SPIKE_BLOCKS];
};

#define FRG_LANE(a, i, j) ((a)[(i) * FRG_SPIKE_BLOCKS + (j)])

/* The couplings out of the lane arrays of M: C_j from rows 0, 1 and B_j from rows m - 2, m - 1 of
 * block j, zero where their columns are outside 0..n-1 (the first and last blocks, the padding); the
 * entries of the rows n - 2, n - 1 beyond the grid are zeroed too. */
static void SpikeCouplings(FrgBandSpike s)
{
  const PetscInt n = s->n, m = s->rows;
  const PetscInt rows[6] = {0, 0, 1, m - 2, m - 1, m - 1}, columns[6] = {0, 1, 0, 4, 3, 4}; /* per coupling entry */

  for (PetscInt j = 0; j < FRG_SPIKE_BLOCKS; j++) {
    for (int i = 0; i < 6; i++) {
      const PetscInt row = j * m + rows[i], col = row - 2 + columns[i];
      PetscReal     *entry = &FRG_LANE(s->M, 5 * rows[i] + columns[i], j);

      FRG_LANE(s->coupling, i, j) = (row < n && col >= 0 && col < n) ? *entry : 0.0;
      *entry                      = 0.0;
    }
    for (PetscInt row = PetscMax(n - 2, j * m); row < PetscMin(n, j * m + m); row++)
      for (PetscInt c = n + 2 - row; c < 5; c++) FRG_LANE(s->M, 5 * (row - j * m) + c, j) = 0.0;
  }
}

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

/* all entries at most FRG_SPIKE_MAX_GROWTH in magnitude, and numbers */
static PetscBool Matrix2Bounded(FrgMatrix2 a)
{
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 2; k++)
      if (!(PetscAbsReal(a.e[i][k]) <= FRG_SPIKE_MAX_GROWTH)) return PETSC_FALSE;
  return PETSC_TRUE;
}

/* The inverse by the adjugate; false when a is singular or its inverse large. */
static PetscBool Matrix2Inverse(FrgMatrix2 a, FrgMatrix2 *inverse)
{
  const PetscReal det = a.e[0][0] * a.e[1][1] - a.e[0][1] * a.e[1][0];

  if (!(det != 0.0)) return PETSC_FALSE;
  inverse->e[0][0] = a.e[1][1] / det;
  inverse->e[0][1] = -a.e[0][1] / det;
  inverse->e[1][0] = -a.e[1][0] / det;
  inverse->e[1][1] = a.e[0][0] / det;
  return Matrix2Bounded(*inverse);
}

/* Rows row, row + 1 and columns column, column + 1 of the spikes of block j. */
static FrgMatrix2 SpikeTip(FrgBandSpike s, PetscInt row, PetscInt column, PetscInt j)
{
  FrgMatrix2 a;

  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 2; k++) a.e[i][k] = FRG_LANE(s->spike, 4 * (row + i) + column + k, j);
  return a;
}

/* The reduced system, (T_j) t_j + V_j^top t_{j+1} + W_j^top b_{j-1} = g_j^top and (B_j) b_j +
 * V_j^bottom t_{j+1} + W_j^bottom b_{j-1} = g_j^bottom, eliminated from block 0 on: with
 * b_{j-1} = beta_{j-1} - X_j t_j (X_1 = V_0^bottom, since W_0 = 0), (T_j) gives
 * t_j = tau_j - Y_j t_{j+1} with A_j = I - W_j^top X_j, Y_j = A_j^-1 V_j^top, and (B_j) then
 * X_{j+1} = V_j^bottom + Z_j Y_j with Z_j = W_j^bottom X_j. This is the block LU, without pivoting,
 * of the block tridiagonal reduced matrix with diagonal blocks I: refused (false) when an A_j is
 * singular or one of these 2 x 2 matrices has a large entry, where rounding errors could grow. */
static PetscBool SpikeReducedFactor(FrgBandSpike s)
{
  const PetscInt m = s->rows;
  FrgMatrix2     X = SpikeTip(s, m - 2, 0, 0), identity = {{{1, 0}, {0, 1}}};

  for (PetscInt j = 1; j < FRG_SPIKE_BLOCKS; j++) {
    s->top_W[j]    = SpikeTip(s, 0, 2, j);
    s->bottom_W[j] = SpikeTip(s, m - 2, 2, j);
    s->X[j]        = X;
    if (!Matrix2Inverse(Matrix2Add(identity, -1, Matrix2Product(s->top_W[j], X)), &s->inverse[j])) return PETSC_FALSE;
    if (j == FRG_SPIKE_BLOCKS - 1) break; /* V_{P-1} = 0 */
    s->Y[j] = Matrix2Product(s->inverse[j], SpikeTip(s, 0, 0, j));
    s->Z[j] = Matrix2Product(s->bottom_W[j], X);
    X       = Matrix2Add(SpikeTip(s, m - 2, 0, j), 1, Matrix2Product(s->Z[j], s->Y[j]));
    if (!Matrix2Bounded(s->Y[j]) || !Matrix2Bounded(X)) return PETSC_FALSE;
  }
  return PETSC_TRUE;
}

/* y = a x + sign z (2-vectors), in this order of operations */
static void Vector2Update(const PetscReal z[2], PetscReal sign, FrgMatrix2 a, const PetscReal x[2], PetscReal y[2])
{
  for (int i = 0; i < 2; i++) {
    const PetscReal ax = a.e[i][0] * x[0] + a.e[i][1] * x[1];
    y[i]               = sign > 0 ? z[i] + ax : z[i] - ax;
  }
}

/* The interface unknowns t_{j+1}, b_{j-1} of each lane from the block solutions g, by the
 * elimination of SpikeReducedFactor: beta_0 = g_0^bottom; tau_j = A_j^-1 (g_j^top - W_j^top
 * beta_{j-1}), beta_j = g_j^bottom - W_j^bottom beta_{j-1} + Z_j tau_j; then back: t_{P-1} =
 * tau_{P-1}, t_j = tau_j - Y_j t_{j+1}, b_j = beta_j - X_{j+1} t_{j+1}. */
static void SpikeReducedSolve(FrgBandSpike s)
{
  const PetscInt m = s->rows, P = FRG_SPIKE_BLOCKS;
  PetscReal      beta[FRG_SPIKE_BLOCKS][2], tau[FRG_SPIKE_BLOCKS][2], t[FRG_SPIKE_BLOCKS][2], b[FRG_SPIKE_BLOCKS][2], r[2], zero[2] = {0, 0};

  for (int i = 0; i < 2; i++) beta[0][i] = FRG_LANE(s->g, m - 2 + i, 0);
  for (PetscInt j = 1; j < P; j++) {
    const PetscReal top[2] = {FRG_LANE(s->g, 0, j), FRG_LANE(s->g, 1, j)}, bottom[2] = {FRG_LANE(s->g, m - 2, j), FRG_LANE(s->g, m - 1, j)};
    Vector2Update(top, -1, s->top_W[j], beta[j - 1], r);
    Vector2Update(zero, 1, s->inverse[j], r, tau[j]);
    if (j == P - 1) break;
    Vector2Update(bottom, -1, s->bottom_W[j], beta[j - 1], r);
    Vector2Update(r, 1, s->Z[j], tau[j], beta[j]);
  }
  for (int i = 0; i < 2; i++) t[P - 1][i] = tau[P - 1][i];
  for (PetscInt j = P - 2; j >= 1; j--) Vector2Update(tau[j], -1, s->Y[j], t[j + 1], t[j]);
  for (PetscInt j = 0; j <= P - 2; j++) Vector2Update(beta[j], -1, s->X[j + 1], t[j + 1], b[j]);
  for (PetscInt j = 0; j < P; j++)
    for (int i = 0; i < 2; i++) {
      FRG_LANE(s->interface, i, j)     = j < P - 1 ? t[j + 1][i] : 0.0;
      FRG_LANE(s->interface, 2 + i, j) = j > 0 ? b[j - 1][i] : 0.0;
    }
}

/* Factors M = I - gamma J, J the whole band (row after row, with P zero rows after the grid).
 * *factored false: a block is singular or the growth test failed; the caller falls back to the
 * sequential LU. Not collective: every rank factors its own copy. */
PETSC_INTERN PetscErrorCode FrgBandSpikeFactor(FrgBandSpike s, PetscReal gamma, const PetscReal *J, PetscBool *factored)
{
  const PetscInt       m = s->rows, P = FRG_SPIKE_BLOCKS;
  const FrgSpikeLanes *lanes = s->lanes;

  PetscFunctionBeginUser;
  *factored = PETSC_FALSE;
  lanes->form(m, gamma, J, s->M);
  SpikeCouplings(s);
  if (lanes->factor(m, s->M, s->coupling, s->U, s->L, s->piv, s->spike)) PetscFunctionReturn(PETSC_SUCCESS);
  /* V's right-hand side [0; B_j] is zero above row m - 2: its forward elimination starts at step m - 4 */
  PetscCall(PetscArraycpy(s->spike + 4 * (m - 2) * P, s->coupling + 3 * P, P));
  PetscCall(PetscArraycpy(s->spike + 4 * (m - 1) * P, s->coupling + 4 * P, 2 * P));
  lanes->forward(m, m - 4, s->L, s->piv, s->spike, 4);
  lanes->forward(m, m - 4, s->L, s->piv, s->spike + P, 4);
  if (lanes->backward_spikes(m, s->U, s->spike)) PetscFunctionReturn(PETSC_SUCCESS);
  *factored = SpikeReducedFactor(s);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* x = M^-1 b for the rows rstart .. rstart + nlocal - 1 (x[0] is row rstart), b the whole right-hand
 * side with P zeros after the grid. Not collective. */
PETSC_INTERN PetscErrorCode FrgBandSpikeSolve(FrgBandSpike s, const PetscReal *b, PetscInt rstart, PetscInt nlocal, PetscReal *x)
{
  const PetscInt       m = s->rows;
  const FrgSpikeLanes *lanes = s->lanes;

  PetscFunctionBeginUser;
  lanes->load_forward(m, b, s->L, s->piv, s->g);
  lanes->backward(m, s->U, s->g);
  SpikeReducedSolve(s);
  lanes->recover_store(m, s->spike, s->interface, s->g, rstart, PetscMin(rstart + nlocal, s->n), x);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The kernels for isa ("avx512f", "avx2", "scalar"; NULL: the widest this CPU runs), NULL if this CPU
 * cannot run them. valgrind reports no AVX-512: it runs the AVX2 ones. */
static const FrgSpikeLanes *SpikeLanes(const char *isa)
{
  const FrgSpikeLanes *all[3] = {&spike_lanes_scalar, NULL, NULL};
  int                  count  = 1;

#if defined(FRG_SPIKE_X86)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) all[count++] = &spike_lanes_avx2;
  if (__builtin_cpu_supports("avx512f")) all[count++] = &spike_lanes_avx512;
#endif
  if (!isa) return all[count - 1];
  for (int i = 0; i < count; i++)
    if (!strcmp(isa, all[i]->isa)) return all[i];
  return NULL;
}

/* Whether this CPU runs the kernels of isa. Not collective. */
PETSC_INTERN PetscBool FrgBandSpikeAvailable(const char *isa)
{
  return (PetscBool)(SpikeLanes(isa) != NULL);
}

/* NULL when n is too small for P blocks of min_rows rows (at least FRG_SPIKE_MIN_ROWS) or when this
 * CPU cannot run the kernels of isa (NULL: the widest it runs). Not collective. */
PETSC_INTERN PetscErrorCode FrgBandSpikeCreate(PetscInt n, PetscInt min_rows, const char *isa, FrgBandSpike *spike)
{
  const PetscInt       m = (n + FRG_SPIKE_BLOCKS - 1) / FRG_SPIKE_BLOCKS, P = FRG_SPIKE_BLOCKS;
  const FrgSpikeLanes *lanes = SpikeLanes(isa);
  FrgBandSpike         s;

  PetscFunctionBeginUser;
  *spike = NULL;
  if (m < PetscMax(min_rows, FRG_SPIKE_MIN_ROWS) || !lanes) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscNew(&s));
  s->n     = n;
  s->rows  = m;
  s->lanes = lanes;
  /* the lane arrays below, zeroed (the padding rows stay zero), and a cache line more to align them */
  PetscCall(PetscCalloc((size_t)((18 * m + 60) * P + 8) * sizeof(PetscReal), &s->raw));
  s->M         = (PetscReal *)(((uintptr_t)s->raw + 63) & ~(uintptr_t)63);
  s->U         = s->M + 5 * (m + 2) * P;
  s->L         = s->U + 5 * m * P;
  s->piv       = s->L + 2 * m * P;
  s->spike     = s->piv + m * P;
  s->g         = s->spike + 4 * (m + 8) * P;
  s->coupling  = s->g + (m + 8) * P;
  s->interface = s->coupling + 6 * P;
  *spike       = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The number of blocks, their rows, and the instruction set of the kernels. Not collective. */
PETSC_INTERN PetscErrorCode FrgBandSpikeGetInfo(FrgBandSpike s, PetscInt *blocks, PetscInt *rows, const char **isa)
{
  PetscFunctionBeginUser;
  if (blocks) *blocks = FRG_SPIKE_BLOCKS;
  if (rows) *rows = s->rows;
  if (isa) *isa = s->lanes->isa;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgBandSpikeDestroy(FrgBandSpike *spike)
{
  PetscFunctionBeginUser;
  if (!*spike) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree((*spike)->raw));
  PetscCall(PetscFree(*spike));
  PetscFunctionReturn(PETSC_SUCCESS);
}
