/* The lane kernels of the partitioned band LU (band_spike.c): the recurrences of the P diagonal blocks
 * in lockstep, one block per vector lane. band_spike.c includes this file once per instruction set,
 * after defining the primitives below for it:
 *   FRG_LANES_WIDTH            doubles per vector W (8 AVX-512, 4 AVX2, 1 the scalar baseline)
 *   FRG_LANES_TARGET           the target attribute of the functions, FRG_LANES_NAME(x) their names
 *   FrgVec, FrgMask            a vector of W doubles and a mask of W lanes
 *   FRG_LOAD(p), FRG_LOADU(p), FRG_STORE(p, v), FRG_STOREU(p, v), FRG_SET1(x)   (U: unaligned)
 *   FRG_GT(a, b), FRG_EQ(a, b), FRG_LE(a, b)   ordered comparisons, false with a not-a-number, as C's
 *   FRG_AND(m, n), FRG_ANDNOT(m, n) (m and not n), FRG_OR(m, n), FRG_ANY(m), FRG_NONE
 *   FRG_SELECT(m, x, y)        m ? x : y per lane, FRG_ABS(x), FRG_MAX(a, b) a > b ? a : b per lane
 *   FRG_TRANSPOSE(v)           transposes the W x W matrix of the W vectors v[0..W-1] in place
 * Arithmetic is C's operators on FrgVec (GCC vector extensions; no FMA contraction under -std=c11),
 * so every lane rounds as the scalar code does and the result is the same on every instruction set.
 *
 * The P lanes are FRG_LANES_GROUPS vectors; the loops over the groups sit inside the loops over the
 * rows and are unrolled, so that the core overlaps the groups' chains. Lane arrays are row after row,
 * P lanes per entry: entry i of lane group h of a is at a + i P + h W. */
#define FRG_LANES_GROUPS (FRG_SPIKE_BLOCKS / FRG_LANES_WIDTH)
#define FRG_AT(a, i, h)  ((a) + (i) * FRG_SPIKE_BLOCKS + (h) * FRG_LANES_WIDTH)

/* The lane arrays of the blocks of M = I - gamma J from the band J (row after row, its rows up to
 * P m - 1 readable: zero rows after the grid, which give the identity rows of the padding), by tiles
 * of W rows of W lanes transposed in registers. The entries outside the blocks are left to the caller. */
FRG_LANES_TARGET static void FRG_LANES_NAME(SpikeFormLanes)(PetscInt m, PetscReal gamma, const PetscReal *restrict J, PetscReal *restrict M)
{
  const FrgVec factor = FRG_SET1(-gamma), one = FRG_SET1(1.0);
  PetscInt     k0     = 0;

  for (; k0 + FRG_LANES_WIDTH <= m; k0 += FRG_LANES_WIDTH)
    for (int h = 0; h < FRG_LANES_GROUPS; h++)
#pragma GCC unroll 5
      for (int q = 0; q < 5; q++) { /* the entries q W .. q W + W - 1 of the tile's 5 W of each lane */
        FrgVec v[FRG_LANES_WIDTH];
        for (int i = 0; i < FRG_LANES_WIDTH; i++) v[i] = FRG_LOADU(J + 5 * ((h * FRG_LANES_WIDTH + i) * m + k0) + q * FRG_LANES_WIDTH);
        FRG_TRANSPOSE(v);
        for (int e = 0; e < FRG_LANES_WIDTH; e++) {
          const int entry = q * FRG_LANES_WIDTH + e; /* 5 (row - k0) + column offset */
          FRG_STORE(FRG_AT(M, 5 * k0 + entry, h), entry % 5 == 2 ? v[e] * factor + one : v[e] * factor);
        }
      }
  for (PetscInt k = k0; k < m; k++) /* the rows short of a whole tile */
    for (int c = 0; c < 5; c++)
      for (int j = 0; j < FRG_SPIKE_BLOCKS; j++) M[(5 * k + c) * FRG_SPIKE_BLOCKS + j] = c == 2 ? -gamma * J[5 * (j * m + k) + c] + 1.0 : -gamma * J[5 * (j * m + k) + c];
}

/* LU with partial pivoting of the blocks, the algorithm of FrgBandFactor (band.c) on every lane: the
 * pivot is the first largest of rows k..k+2 in column k, the row exchanges are selects. The update of
 * the next pivot candidates is ordered for latency: a_c = r_{c+1} - (r_0 u_{c+1}) / u_0 computes the
 * product before the reciprocal is ready, so that only one product and one subtraction follow it.
 * Fused with it, the forward elimination L^-1 P of W's right-hand side [C_j; 0] (nonzero in rows 0
 * and 1 only, so the row entering its window is zero); V's right-hand side is zero above row m - 2
 * and left to the caller. M: (m + 2) x 5, two zero rows after; C: C_00, C_01, C_11. Returns nonzero if
 * a lane met an exactly zero pivot column. */
FRG_LANES_TARGET static int FRG_LANES_NAME(SpikeFactorLanes)(PetscInt m, const PetscReal *restrict M, const PetscReal *restrict C, PetscReal *restrict U,
                                                              PetscReal *restrict L, PetscReal *restrict piv, PetscReal *restrict spike)
{
  const FrgVec null = FRG_SET1(0.0), one = FRG_SET1(1.0), two = FRG_SET1(2.0);
  FrgVec       a[FRG_LANES_GROUPS][4], b[FRG_LANES_GROUPS][4], v[FRG_LANES_GROUPS][2], w[FRG_LANES_GROUPS][2];
  FrgMask      zero = FRG_NONE;

  for (int h = 0; h < FRG_LANES_GROUPS; h++) { /* rows 0 and 1 over the columns 0..3 (beyond: zero) */
    for (int c = 0; c < 4; c++) a[h][c] = c < 3 ? FRG_LOAD(FRG_AT(M, 2 + c, h)) : null;
    for (int c = 0; c < 4; c++) b[h][c] = FRG_LOAD(FRG_AT(M, 6 + c, h));
    v[h][0] = FRG_LOAD(FRG_AT(C, 0, h)), v[h][1] = null, w[h][0] = FRG_LOAD(FRG_AT(C, 1, h)), w[h][1] = FRG_LOAD(FRG_AT(C, 2, h));
  }
  for (PetscInt k = 0; k < m; k++)
#pragma GCC unroll 8
    for (int h = 0; h < FRG_LANES_GROUPS; h++) {
      const PetscReal *row = FRG_AT(M, 5 * k + 10, h);
      const FrgVec     c0 = FRG_LOAD(row), c1 = FRG_LOAD(row + FRG_SPIKE_BLOCKS), c2 = FRG_LOAD(row + 2 * FRG_SPIKE_BLOCKS);
      const FrgVec     c3 = FRG_LOAD(row + 3 * FRG_SPIKE_BLOCKS), c4 = FRG_LOAD(row + 4 * FRG_SPIKE_BLOCKS);
      const FrgVec     a0 = a[h][0], a1 = a[h][1], a2 = a[h][2], a3 = a[h][3], b0 = b[h][0], b1 = b[h][1], b2 = b[h][2], b3 = b[h][3];
      const FrgVec     aa = FRG_ABS(a0), ab = FRG_ABS(b0), ac = FRG_ABS(c0);
      /* p2 from the larger of |a0|, |b0| rather than from two comparisons: one comparison less on the chain */
      const FrgMask p1 = FRG_GT(ab, aa), p2 = FRG_GT(ac, FRG_MAX(aa, ab)), mid = FRG_ANDNOT(p1, p2), a_zero = FRG_EQ(a0, null);
      /* a0 is the pivot only if |b0| <= |a0| and |c0| <= |a0|: if it is zero, the column is; dividing by
       * 1 instead keeps the zero test off the chain to the division (and raises no trap) */
      const FrgMask z = FRG_ANDNOT(FRG_ANDNOT(a_zero, p1), p2);
      /* u: the pivot row; r, s: the rows k+1, k+2 after the exchange (a4 = b4 = 0) */
      const FrgVec u0 = FRG_SELECT(p2, c0, FRG_SELECT(p1, b0, FRG_SELECT(a_zero, one, a0)));
      const FrgVec u1 = FRG_SELECT(p2, c1, FRG_SELECT(p1, b1, a1)), u2 = FRG_SELECT(p2, c2, FRG_SELECT(p1, b2, a2));
      const FrgVec u3 = FRG_SELECT(p2, c3, FRG_SELECT(p1, b3, a3)), u4 = FRG_SELECT(p2, c4, null);
      const FrgVec r0 = FRG_SELECT(mid, a0, b0), r1 = FRG_SELECT(mid, a1, b1), r2 = FRG_SELECT(mid, a2, b2), r3 = FRG_SELECT(mid, a3, b3);
      const FrgVec s0 = FRG_SELECT(p2, a0, c0), s1 = FRG_SELECT(p2, a1, c1), s2 = FRG_SELECT(p2, a2, c2), s3 = FRG_SELECT(p2, a3, c3), s4 = FRG_SELECT(p2, null, c4);
      const FrgVec inv = one / u0, l1 = r0 * inv, l2 = s0 * inv, v0 = v[h][0], v1 = v[h][1], w0 = w[h][0], w1 = w[h][1];
      const FrgVec tv = FRG_SELECT(p2, null, FRG_SELECT(p1, v1, v0)), tw = FRG_SELECT(p2, null, FRG_SELECT(p1, w1, w0));

      zero = FRG_OR(zero, z);
      FRG_STORE(FRG_AT(piv, k, h), FRG_SELECT(p2, two, FRG_SELECT(p1, one, null)));
      FRG_STORE(FRG_AT(U, 5 * k, h), inv);
      FRG_STORE(FRG_AT(U, 5 * k + 1, h), u1 * inv);
      FRG_STORE(FRG_AT(U, 5 * k + 2, h), u2 * inv);
      FRG_STORE(FRG_AT(U, 5 * k + 3, h), u3 * inv);
      FRG_STORE(FRG_AT(U, 5 * k + 4, h), u4 * inv);
      FRG_STORE(FRG_AT(L, 2 * k, h), l1);
      FRG_STORE(FRG_AT(L, 2 * k + 1, h), l2);
      FRG_STORE(FRG_AT(spike, 4 * k, h), null);
      FRG_STORE(FRG_AT(spike, 4 * k + 1, h), null);
      FRG_STORE(FRG_AT(spike, 4 * k + 2, h), tv);
      FRG_STORE(FRG_AT(spike, 4 * k + 3, h), tw);
      v[h][0] = FRG_SELECT(mid, v0, v1) - l1 * tv, v[h][1] = FRG_SELECT(p2, v0, null) - l2 * tv;
      w[h][0] = FRG_SELECT(mid, w0, w1) - l1 * tw, w[h][1] = FRG_SELECT(p2, w0, null) - l2 * tw;
      a[h][0] = r1 - (r0 * u1) * inv, a[h][1] = r2 - (r0 * u2) * inv, a[h][2] = r3 - (r0 * u3) * inv, a[h][3] = null - (r0 * u4) * inv;
      b[h][0] = s1 - (s0 * u1) * inv, b[h][1] = s2 - (s0 * u2) * inv, b[h][2] = s3 - (s0 * u3) * inv, b[h][3] = s4 - (s0 * u4) * inv;
    }
  return FRG_ANY(zero);
}

/* L y = P y on every lane from step k0 on (y zero above row k0), y with a stride of entries: the
 * forward substitution of band.c. Rows m and m + 1 of y are zero. */
FRG_LANES_TARGET static void FRG_LANES_NAME(SpikeForward)(PetscInt m, PetscInt k0, const PetscReal *restrict L, const PetscReal *restrict piv, PetscReal *restrict y, PetscInt stride)
{
  const FrgVec one = FRG_SET1(1.0), two = FRG_SET1(2.0);
  FrgVec       y0[FRG_LANES_GROUPS], y1[FRG_LANES_GROUPS];

  for (int h = 0; h < FRG_LANES_GROUPS; h++) y0[h] = FRG_LOAD(FRG_AT(y, k0 * stride, h)), y1[h] = FRG_LOAD(FRG_AT(y, (k0 + 1) * stride, h));
  for (PetscInt k = k0; k < m; k++)
#pragma GCC unroll 8
    for (int h = 0; h < FRG_LANES_GROUPS; h++) {
      const FrgVec  p = FRG_LOAD(FRG_AT(piv, k, h)), y2 = FRG_LOAD(FRG_AT(y, (k + 2) * stride, h));
      const FrgMask last = FRG_EQ(p, two), mid = FRG_EQ(p, one);
      const FrgVec  s = FRG_SELECT(last, y2, FRG_SELECT(mid, y1[h], y0[h])), n1 = FRG_SELECT(mid, y0[h], y1[h]), n2 = FRG_SELECT(last, y0[h], y2);

      FRG_STORE(FRG_AT(y, k * stride, h), s);
      y0[h] = n1 - FRG_LOAD(FRG_AT(L, 2 * k, h)) * s;
      y1[h] = n2 - FRG_LOAD(FRG_AT(L, 2 * k + 1, h)) * s;
    }
}

/* U x = y on every lane, in place, for the columns of y (entry k columns + e): the back substitution of
 * band.c, with its order of operations (one product and one subtraction on the chain from x_{k+1} to
 * x_k). With check, returns nonzero if a row sum of |x| over the columns exceeds FRG_SPIKE_MAX_GROWTH
 * or is not a number: the stability test of the spikes. Inlined with constant columns, so that the
 * windows x1..x4 stay in registers. */
FRG_LANES_TARGET static inline __attribute__((always_inline)) int FRG_LANES_NAME(SpikeBackwardColumns)(PetscInt m, const PetscReal *restrict U, PetscReal *restrict y, const int columns,
                                                                                                         const int check)
{
  const FrgVec  null = FRG_SET1(0.0), growth = FRG_SET1(FRG_SPIKE_MAX_GROWTH);
  const FrgMask all  = FRG_LE(null, null);
  FrgVec        x1[FRG_LANES_GROUPS][4], x2[FRG_LANES_GROUPS][4], x3[FRG_LANES_GROUPS][4], x4[FRG_LANES_GROUPS][4];
  FrgMask       large = FRG_NONE;

  for (int h = 0; h < FRG_LANES_GROUPS; h++)
    for (int e = 0; e < 4; e++) x1[h][e] = x2[h][e] = x3[h][e] = x4[h][e] = null;
  for (PetscInt k = m - 1; k >= 0; k--)
#pragma GCC unroll 8
    for (int h = 0; h < FRG_LANES_GROUPS; h++) {
      const PetscReal *u  = FRG_AT(U, 5 * k, h);
      const FrgVec     u0 = FRG_LOAD(u), u1 = FRG_LOAD(u + FRG_SPIKE_BLOCKS), u2 = FRG_LOAD(u + 2 * FRG_SPIKE_BLOCKS), u3 = FRG_LOAD(u + 3 * FRG_SPIKE_BLOCKS), u4 = FRG_LOAD(u + 4 * FRG_SPIKE_BLOCKS);
      FrgVec           sum = null;
#pragma GCC unroll 4
      for (int e = 0; e < columns; e++) {
        const FrgVec t = FRG_LOAD(FRG_AT(y, k * columns + e, h)) * u0 - (u2 * x2[h][e] + u3 * x3[h][e] + u4 * x4[h][e]), x0 = t - u1 * x1[h][e];

        FRG_STORE(FRG_AT(y, k * columns + e, h), x0);
        if (check) sum = sum + FRG_ABS(x0);
        x4[h][e] = x3[h][e], x3[h][e] = x2[h][e], x2[h][e] = x1[h][e], x1[h][e] = x0;
      }
      if (check) large = FRG_OR(large, FRG_ANDNOT(all, FRG_LE(sum, growth))); /* a not-a-number too */
    }
  return FRG_ANY(large);
}

/* U x = y for the solve */
FRG_LANES_TARGET static void FRG_LANES_NAME(SpikeBackward)(PetscInt m, const PetscReal *restrict U, PetscReal *restrict y)
{
  (void)FRG_LANES_NAME(SpikeBackwardColumns)(m, U, y, 1, 0);
}

/* U x = y for the four spike columns (V_0, V_1, W_0, W_1), which share the loads of U, with the
 * stability test */
FRG_LANES_TARGET static int FRG_LANES_NAME(SpikeBackwardSpikes)(PetscInt m, const PetscReal *restrict U, PetscReal *restrict spike)
{
  return FRG_LANES_NAME(SpikeBackwardColumns)(m, U, spike, 4, 1);
}

/* Rows k0 .. k0 + W - 1 of the lane array g from the vector b (row after row): a tile of W rows of W
 * lanes transposed in registers per group. Rows m and beyond are set to zero: the forward substitution
 * reads rows m and m + 1. b must be readable up to row P m + W - 2 (zeros after the grid). */
FRG_LANES_TARGET static inline __attribute__((always_inline)) void FRG_LANES_NAME(SpikeLoadTile)(PetscInt m, const PetscReal *restrict b, PetscInt k0, PetscReal *restrict g)
{
  for (int h = 0; h < FRG_LANES_GROUPS; h++) {
    FrgVec v[FRG_LANES_WIDTH];
    for (int i = 0; i < FRG_LANES_WIDTH; i++) v[i] = FRG_LOADU(b + (h * FRG_LANES_WIDTH + i) * m + k0);
    FRG_TRANSPOSE(v);
    for (int e = 0; e < FRG_LANES_WIDTH; e++) FRG_STORE(FRG_AT(g, k0 + e, h), k0 + e < m ? v[e] : FRG_SET1(0.0));
  }
}

/* L y = P b on every lane, y in the lane array g: the forward substitution of band.c, with the tiles of
 * b transposed into g just ahead of the rows that need them (the recurrence is latency-bound, so the
 * transposes ride along for free). */
FRG_LANES_TARGET static void FRG_LANES_NAME(SpikeLoadForward)(PetscInt m, const PetscReal *restrict b, const PetscReal *restrict L, const PetscReal *restrict piv, PetscReal *restrict g)
{
  const FrgVec one = FRG_SET1(1.0), two = FRG_SET1(2.0);
  FrgVec       y0[FRG_LANES_GROUPS], y1[FRG_LANES_GROUPS];
  PetscInt     loaded = 0; /* rows of g loaded */

  for (; loaded < 2; loaded += FRG_LANES_WIDTH) FRG_LANES_NAME(SpikeLoadTile)(m, b, loaded, g);
  for (int h = 0; h < FRG_LANES_GROUPS; h++) y0[h] = FRG_LOAD(FRG_AT(g, 0, h)), y1[h] = FRG_LOAD(FRG_AT(g, 1, h));
  for (PetscInt k = 0; k < m; k++) {
    for (; loaded < k + 3 && loaded < m; loaded += FRG_LANES_WIDTH) FRG_LANES_NAME(SpikeLoadTile)(m, b, loaded, g);
#pragma GCC unroll 8
    for (int h = 0; h < FRG_LANES_GROUPS; h++) {
      const FrgVec  p = FRG_LOAD(FRG_AT(piv, k, h)), y2 = FRG_LOAD(FRG_AT(g, k + 2, h));
      const FrgMask last = FRG_EQ(p, two), mid = FRG_EQ(p, one);
      const FrgVec  s = FRG_SELECT(last, y2, FRG_SELECT(mid, y1[h], y0[h])), n1 = FRG_SELECT(mid, y0[h], y1[h]), n2 = FRG_SELECT(last, y0[h], y2);

      FRG_STORE(FRG_AT(g, k, h), s);
      y0[h] = n1 - FRG_LOAD(FRG_AT(L, 2 * k, h)) * s;
      y1[h] = n2 - FRG_LOAD(FRG_AT(L, 2 * k + 1, h)) * s;
    }
  }
}

/* x_j = g_j - V_j t_{j+1} - W_j b_{j-1} on every lane (interface: t_{j+1} (2) and b_{j-1} (2) of each
 * lane), by tiles of W rows transposed in registers and stored as the rows first .. last - 1 of x
 * (x[0] is row first); tiles that straddle them are copied row by row. g and spike are readable up
 * to row m + W - 1. */
FRG_LANES_TARGET static void FRG_LANES_NAME(SpikeRecoverStore)(PetscInt m, const PetscReal *restrict spike, const PetscReal *restrict interface, const PetscReal *restrict g, PetscInt first,
                                                               PetscInt last, PetscReal *restrict x)
{
  for (PetscInt k0 = 0; k0 < m; k0 += FRG_LANES_WIDTH)
    for (int h = 0; h < FRG_LANES_GROUPS; h++) {
      const FrgVec top0 = FRG_LOAD(FRG_AT(interface, 0, h)), top1 = FRG_LOAD(FRG_AT(interface, 1, h));
      const FrgVec bottom0 = FRG_LOAD(FRG_AT(interface, 2, h)), bottom1 = FRG_LOAD(FRG_AT(interface, 3, h));
      FrgVec       v[FRG_LANES_WIDTH];

      for (int e = 0; e < FRG_LANES_WIDTH; e++) {
        const PetscReal *s = FRG_AT(spike, 4 * (k0 + e), h);
        v[e] = FRG_LOAD(FRG_AT(g, k0 + e, h)) - (FRG_LOAD(s) * top0 + FRG_LOAD(s + FRG_SPIKE_BLOCKS) * top1) - (FRG_LOAD(s + 2 * FRG_SPIKE_BLOCKS) * bottom0 + FRG_LOAD(s + 3 * FRG_SPIKE_BLOCKS) * bottom1);
      }
      FRG_TRANSPOSE(v);
      for (int i = 0; i < FRG_LANES_WIDTH; i++) {
        const PetscInt row = (h * FRG_LANES_WIDTH + i) * m + k0, rows = PetscMin(FRG_LANES_WIDTH, m - k0); /* v[i]: these rows */
        if (row >= first && row + FRG_LANES_WIDTH <= last && rows == FRG_LANES_WIDTH) FRG_STOREU(x + row - first, v[i]);
        else {
          PetscReal tile[FRG_LANES_WIDTH];
          FRG_STOREU(tile, v[i]);
          for (PetscInt e = 0; e < rows; e++)
            if (row + e >= first && row + e < last) x[row + e - first] = tile[e];
        }
      }
    }
}

static const FrgSpikeLanes FRG_LANES_NAME(spike_lanes) = {FRG_LANES_NAME(SpikeFormLanes), FRG_LANES_NAME(SpikeFactorLanes),    FRG_LANES_NAME(SpikeForward),
                                                          FRG_LANES_NAME(SpikeBackward),  FRG_LANES_NAME(SpikeBackwardSpikes), FRG_LANES_NAME(SpikeLoadForward),
                                                          FRG_LANES_NAME(SpikeRecoverStore), FRG_LANES_ISA};

#undef FRG_LANES_GROUPS
#undef FRG_AT
#undef FRG_LANES_WIDTH
#undef FRG_LANES_TARGET
#undef FRG_LANES_NAME
#undef FRG_LANES_ISA
#undef FrgVec
#undef FrgMask
#undef FRG_LOAD
#undef FRG_LOADU
#undef FRG_STORE
#undef FRG_STOREU
#undef FRG_SET1
#undef FRG_GT
#undef FRG_EQ
#undef FRG_LE
#undef FRG_AND
#undef FRG_ANDNOT
#undef FRG_OR
#undef FRG_ANY
#undef FRG_NONE
#undef FRG_SELECT
#undef FRG_ABS
#undef FRG_MAX
#undef FRG_TRANSPOSE
