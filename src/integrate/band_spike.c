/* FrgBandSpike: the partitioned LU of the pentadiagonal Newton matrix M of FrgBandLU (band.c), over the
 * fixed blocks of band_partition.c. Each rank factors and solves its own blocks, P of them at a time in
 * lockstep, one block per vector lane (a lane set), so that one vector instruction advances P
 * recurrences; the ranks then exchange only the tips of their blocks.
 *
 * The SPIKE algorithm (Polizzi & Sameh, Parallel Computing 32 (2006) 177), exact variant. With the
 * diagonal blocks A_j (m x m), the couplings B_j (the last two rows of block j into the first two
 * columns of block j+1) and C_j (the first two rows of block j into the last two columns of block
 * j-1), M x = b reads A_j x_j + B_j t_{j+1} + C_j b_{j-1} = b_j, with t_j and b_j the top and bottom
 * two unknowns of block j, hence
 *     x_j = g_j - V_j t_{j+1} - W_j b_{j-1},   g_j = A_j^-1 b_j,
 *     V_j = A_j^-1 [0; B_j],  W_j = A_j^-1 [C_j; 0]   (the spikes, m x 2 each).
 * B_j and C_j are entries of block j's own rows, so every rank has what its blocks need. The top and
 * bottom two rows of these equations form the reduced system of the interface unknowns (band_reduced.c):
 * the factorization gathers the spike tips of every block (16 numbers and a status), each solve the tips
 * of g (4 numbers) with one MPI_Allgatherv, every rank solves the reduced system redundantly in the same
 * order, and then recovers its own x_j from the line above.
 *
 * Each A_j is factored with the band LU with partial pivoting of band.c, the same algorithm per lane
 * (the row exchanges as selects), and the forward elimination of W's right-hand side rides along.
 * Stability: there is no pivoting across blocks, so the rounding errors grow with the spikes
 * (|g| <= |x| (1 + max_k sum_e |V_j,ke| + |W_j,ke|)) and with the reduced elimination. The
 * factorization is refused, and the caller falls back to the sequential LU, when a block meets an
 * exactly zero pivot column (A_j singular: the spikes do not exist, though M may be regular), when a
 * spike row sum exceeds FRG_SPIKE_MAX_GROWTH or is not a number, or when the reduced system refuses
 * (band_reduced.c). Each of these is a property of one block or of the gathered tips, so the decision,
 * taken by every rank from the same gathered statuses and tips, does not depend on the ranks. The
 * sequential LU then decides whether M is singular.
 *
 * The lane kernels are band_spike_lanes.h, compiled for AVX-512, AVX2 and scalar code and chosen at
 * run time. Every lane rounds as the scalar code does, whichever lane or lane set a block sits in, so
 * the result is bitwise the same on any of them and on any number of ranks. The scalar
 * kernels (CPUs without AVX2) are slower than the sequential LU (12 against 9.7 us at n = 800), and
 * kept so that the rounding, hence the integrator's steps, is the same on every machine. Not
 * FRG_CLONES (target_clones of one P-wide vector loop): GCC 12 lowers the vector comparisons of a
 * target_clones function element by element in every clone (1900 instructions per row step), and does
 * not if-convert these select-heavy loops for AVX2; under a target attribute and with intrinsics for
 * the comparisons and selects, each is one instruction. */
#include <frg/integrator.h>

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

/* ---- the partitioned LU of this rank's blocks ------------------------------------------------- */
/* The lane arrays of one lane set (P consecutive blocks, one per lane): row after row, P lanes per entry */
typedef struct {
  PetscReal *M;         /* (m + 2) x 5: the diagonal blocks, two zero rows after */
  PetscReal *U, *L;     /* m x 5 and m x 2: the factors of each block, as U and L of band.c */
  PetscReal *piv;       /* m: the row (0, 1, 2 below k) exchanged with row k at step k */
  PetscReal *spike;     /* (m + 8) x 4: columns V_0, V_1, W_0, W_1; zero rows after (read by the tiles of 8 rows) */
  PetscReal *g;         /* m + 8: the block solutions g_j; zero rows after */
  PetscReal *coupling;  /* 6: C_00, C_01, C_11 (rows 0, 1 into columns -2, -1) and B_00, B_10, B_11 */
  PetscReal *interface; /* 4: t_{j+1} (2) and b_{j-1} (2) of each lane, for the recovery */
} FrgSpikeSet;

struct _p_FrgBandSpike {
  MPI_Comm             comm;         /* the ranks that share the blocks, in block order (PETSC_COMM_SELF: all here) */
  FrgBandPartition     part;         /* the blocks of all n rows */
  PetscInt             first, count; /* the blocks of this rank */
  PetscInt             sets;         /* its lane sets: ceil(count / P), the last one padded with identity blocks */
  PetscMPIInt          size, *tip_counts, *tip_displs, *g_counts, *g_displs; /* Allgatherv layouts of the tips */
  const FrgSpikeLanes *lanes;        /* the kernels for this CPU */
  void                *raw;          /* the allocation behind the lane arrays, which start on a cache line */
  FrgSpikeSet         *set;
  PetscReal           *tips;         /* B x FRG_SPIKE_TIP_SIZE: spike tips and status of every block */
  PetscReal           *g_tips;       /* B x 4: g_j^top, g_j^bottom of every block */
  PetscReal           *interface;    /* B x 4: t_{j+1}, b_{j-1} of every block */
  FrgBandReduced       reduced;
};

#define FRG_LANE(a, i, j) ((a)[(i) * FRG_SPIKE_BLOCKS + (j)])

/* The couplings out of the lane arrays of M of lane set k: C_j from rows 0, 1 and B_j from rows m - 2,
 * m - 1 of its block j, zero where their columns are outside 0..n-1 (the first and last blocks, the
 * padding); the entries of the rows n - 2, n - 1 beyond the grid are zeroed too. */
static void SpikeCouplings(FrgBandSpike s, PetscInt k)
{
  const PetscInt     n = s->part.n, m = s->part.rows;
  const PetscInt     rows[6] = {0, 0, 1, m - 2, m - 1, m - 1}, columns[6] = {0, 1, 0, 4, 3, 4}; /* per coupling entry */
  const FrgSpikeSet *S       = &s->set[k];

  for (PetscInt j = 0; j < FRG_SPIKE_BLOCKS; j++) {
    const PetscInt start = (s->first + k * FRG_SPIKE_BLOCKS + j) * m; /* the global first row of the block */
    for (int i = 0; i < 6; i++) {
      const PetscInt row = start + rows[i], col = row - 2 + columns[i];
      PetscReal     *entry = &FRG_LANE(S->M, 5 * rows[i] + columns[i], j);

      FRG_LANE(S->coupling, i, j) = (row < n && col >= 0 && col < n) ? *entry : 0.0;
      *entry                      = 0.0;
    }
    for (PetscInt row = PetscMax(n - 2, start); row < PetscMin(n, start + m); row++)
      for (PetscInt c = n + 2 - row; c < 5; c++) FRG_LANE(S->M, 5 * (row - start) + c, j) = 0.0;
  }
}

/* Factors the blocks of lane set k and its spikes; nonzero if a block met a zero pivot column or a
 * spike row sum above FRG_SPIKE_MAX_GROWTH. */
static int SpikeFactorSet(FrgBandSpike s, PetscInt k, PetscReal gamma, const PetscReal *J)
{
  const PetscInt       m = s->part.rows, P = FRG_SPIKE_BLOCKS;
  const FrgSpikeLanes *lanes = s->lanes;
  const FrgSpikeSet   *S     = &s->set[k];

  lanes->form(m, gamma, J + 5 * k * P * m, S->M);
  SpikeCouplings(s, k);
  if (lanes->factor(m, S->M, S->coupling, S->U, S->L, S->piv, S->spike)) return 1;
  /* V's right-hand side [0; B_j] is zero above row m - 2: its forward elimination starts at step m - 4 */
  for (PetscInt j = 0; j < P; j++) {
    FRG_LANE(S->spike, 4 * (m - 2), j)     = FRG_LANE(S->coupling, 3, j);
    FRG_LANE(S->spike, 4 * (m - 1), j)     = FRG_LANE(S->coupling, 4, j);
    FRG_LANE(S->spike, 4 * (m - 1) + 1, j) = FRG_LANE(S->coupling, 5, j);
  }
  lanes->forward(m, m - 4, S->L, S->piv, S->spike, 4);
  lanes->forward(m, m - 4, S->L, S->piv, S->spike + P, 4);
  return lanes->backward_spikes(m, S->U, S->spike);
}

/* The tips of the spikes of the real blocks of lane set k, with the set's status. */
static void SpikeStoreTips(FrgBandSpike s, PetscInt k, int status)
{
  const PetscInt     m = s->part.rows, rows[4] = {0, m - 2, 0, m - 2}, columns[4] = {0, 0, 2, 2}; /* V top, V bottom, W top, W bottom */
  const FrgSpikeSet *S = &s->set[k];

  for (PetscInt j = 0; j < FRG_SPIKE_BLOCKS && k * FRG_SPIKE_BLOCKS + j < s->count; j++) {
    PetscReal *tip = s->tips + FRG_SPIKE_TIP_SIZE * (s->first + k * FRG_SPIKE_BLOCKS + j);
    for (int q = 0; q < 4; q++)
      for (int i = 0; i < 2; i++)
        for (int e = 0; e < 2; e++) tip[4 * q + 2 * i + e] = FRG_LANE(S->spike, 4 * (rows[q] + i) + columns[q] + e, j);
    tip[FRG_SPIKE_TIP_STATUS] = status ? 1.0 : 0.0;
  }
}

/* Factors M = I - gamma J on this rank's blocks, J its rows of the band (row after row, from the first
 * row of its first block, readable and zero up to the end of its last lane set), gathers the tips of
 * every block and factors the reduced system. *factored false, on every rank alike: a block is singular
 * or a growth test failed somewhere; the caller falls back to the sequential LU. Collective on the
 * communicator of FrgBandSpikeCreate. */
PETSC_INTERN PetscErrorCode FrgBandSpikeFactor(FrgBandSpike s, PetscReal gamma, const PetscReal *J, PetscBool *factored)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < s->sets; k++) SpikeStoreTips(s, k, SpikeFactorSet(s, k, gamma, J));
  if (s->size > 1) PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, s->tips, s->tip_counts, s->tip_displs, MPIU_REAL, s->comm));
  PetscCall(FrgBandReducedFactor(s->reduced, s->tips, factored));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* x = M^-1 b for this rank's rows row_first .. row_last - 1 (x[0] is row row_first; rows counted from
 * the first row of its first block), b its rows of the right-hand side, readable and zero up to
 * FRG_BAND_PADDING rows after its last lane set. Collective on the communicator of FrgBandSpikeCreate. */
PETSC_INTERN PetscErrorCode FrgBandSpikeSolve(FrgBandSpike s, const PetscReal *b, PetscInt row_first, PetscInt row_last, PetscReal *x)
{
  const PetscInt       m = s->part.rows, P = FRG_SPIKE_BLOCKS;
  const FrgSpikeLanes *lanes = s->lanes;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < s->sets; k++) {
    const FrgSpikeSet *S = &s->set[k];
    lanes->load_forward(m, b + k * P * m, S->L, S->piv, S->g);
    lanes->backward(m, S->U, S->g);
    for (PetscInt j = 0; j < P && k * P + j < s->count; j++)
      for (int i = 0; i < 2; i++) {
        s->g_tips[4 * (s->first + k * P + j) + i]     = FRG_LANE(S->g, i, j);
        s->g_tips[4 * (s->first + k * P + j) + 2 + i] = FRG_LANE(S->g, m - 2 + i, j);
      }
  }
  if (s->size > 1) PetscCallMPI(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, s->g_tips, s->g_counts, s->g_displs, MPIU_REAL, s->comm));
  PetscCall(FrgBandReducedSolve(s->reduced, s->g_tips, s->interface));
  for (PetscInt k = 0; k < s->sets; k++) {
    const FrgSpikeSet *S  = &s->set[k];
    const PetscInt     lo = PetscMax(row_first, k * P * m), hi = PetscMin(row_last, (k + 1) * P * m);
    for (PetscInt j = 0; j < P; j++)
      for (int i = 0; i < 4; i++) FRG_LANE(S->interface, i, j) = k * P + j < s->count ? s->interface[4 * (s->first + k * P + j) + i] : 0.0;
    if (lo < hi) lanes->recover_store(m, S->spike, S->interface, S->g, lo - k * P * m, hi - k * P * m, x + lo - row_first);
  }
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

/* The Allgatherv layouts of the tips: the blocks of every rank, which must follow each other in rank order. */
static PetscErrorCode SpikeLayout(FrgBandSpike s)
{
  PetscMPIInt count, rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(s->comm, &s->size));
  PetscCallMPI(MPI_Comm_rank(s->comm, &rank));
  PetscCall(PetscMalloc4(s->size, &s->tip_counts, s->size, &s->tip_displs, s->size, &s->g_counts, s->size, &s->g_displs));
  PetscCall(PetscMPIIntCast(s->count, &count));
  PetscCallMPI(MPI_Allgather(&count, 1, MPI_INT, s->g_counts, 1, MPI_INT, s->comm));
  for (PetscMPIInt r = 0, first = 0; r < s->size; r++) {
    const PetscMPIInt blocks = s->g_counts[r];
    PetscCheck(r != rank || first == s->first, PETSC_COMM_SELF, PETSC_ERR_PLIB, "the blocks of rank %d do not follow those of the ranks before", rank);
    PetscCheck(r != s->size - 1 || first + blocks == s->part.blocks, s->comm, PETSC_ERR_PLIB, "the ranks' blocks do not cover the partition");
    s->g_displs[r]   = 4 * first;
    s->g_counts[r]   = 4 * blocks;
    s->tip_displs[r] = FRG_SPIKE_TIP_SIZE * first;
    s->tip_counts[r] = FRG_SPIKE_TIP_SIZE * blocks;
    first += blocks;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The lane arrays of the lane sets, zeroed (the padding rows stay zero), on cache lines. */
static PetscErrorCode SpikeAllocate(FrgBandSpike s)
{
  const PetscInt m = s->part.rows, P = FRG_SPIKE_BLOCKS, stride = ((18 * m + 60) * P + 7) / 8 * 8; /* doubles per set, whole cache lines */
  PetscReal     *base;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc((size_t)(s->sets * stride + 8) * sizeof(PetscReal), &s->raw));
  PetscCall(PetscMalloc1(s->sets, &s->set));
  base = (PetscReal *)(((uintptr_t)s->raw + 63) & ~(uintptr_t)63);
  for (PetscInt k = 0; k < s->sets; k++) {
    FrgSpikeSet *S = &s->set[k];
    S->M           = base + k * stride;
    S->U           = S->M + 5 * (m + 2) * P;
    S->L           = S->U + 5 * m * P;
    S->piv         = S->L + 2 * m * P;
    S->spike       = S->piv + m * P;
    S->g           = S->spike + 4 * (m + 8) * P;
    S->coupling    = S->g + (m + 8) * P;
    S->interface   = S->coupling + 6 * P;
  }
  PetscCall(PetscCalloc3(FRG_SPIKE_TIP_SIZE * s->part.blocks, &s->tips, 4 * s->part.blocks, &s->g_tips, 4 * s->part.blocks, &s->interface));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The partitioned LU of the blocks first .. first + count - 1 of the partition on this rank, the other
 * blocks on the other ranks of comm in rank order (PETSC_COMM_SELF: all blocks here), with the kernels of
 * isa (NULL: the widest this CPU runs). NULL when the partition has no blocks or this CPU cannot run the
 * kernels. Collective on comm. */
PETSC_INTERN PetscErrorCode FrgBandSpikeCreate(MPI_Comm comm, const FrgBandPartition *part, PetscInt first, PetscInt count, const char *isa, FrgBandSpike *spike)
{
  const FrgSpikeLanes *lanes = SpikeLanes(isa);
  FrgBandSpike         s;

  PetscFunctionBeginUser;
  *spike = NULL;
  if (!part->blocks || !lanes) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscNew(&s));
  s->comm  = comm;
  s->part  = *part;
  s->first = first;
  s->count = count;
  s->sets  = (count + FRG_SPIKE_BLOCKS - 1) / FRG_SPIKE_BLOCKS;
  s->lanes = lanes;
  PetscCall(SpikeLayout(s));
  PetscCall(SpikeAllocate(s));
  PetscCall(FrgBandReducedCreate(part->blocks, &s->reduced));
  *spike = s;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The lane sets of this rank, and the instruction set of the kernels. Not collective. */
PETSC_INTERN PetscErrorCode FrgBandSpikeGetInfo(FrgBandSpike s, PetscInt *sets, const char **isa)
{
  PetscFunctionBeginUser;
  if (sets) *sets = s->sets;
  if (isa) *isa = s->lanes->isa;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgBandSpikeDestroy(FrgBandSpike *spike)
{
  FrgBandSpike s = *spike;

  PetscFunctionBeginUser;
  if (!s) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(PetscFree4(s->tip_counts, s->tip_displs, s->g_counts, s->g_displs));
  PetscCall(PetscFree3(s->tips, s->g_tips, s->interface));
  PetscCall(FrgBandReducedDestroy(&s->reduced));
  PetscCall(PetscFree(s->set));
  PetscCall(PetscFree(s->raw));
  PetscCall(PetscFree(*spike));
  PetscFunctionReturn(PETSC_SUCCESS);
}
