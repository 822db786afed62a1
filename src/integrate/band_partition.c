/* The fixed partition of the n rows of the 1D Newton band into the blocks of the partitioned LU
 * (band_spike.c), and the grid ownership that gives every rank whole blocks.
 *
 * The partition depends on n alone, never on the number of ranks: every block is factored by the same
 * arithmetic wherever it lives, so the solution, hence the integrator's step sequence, is bitwise the
 * same on any number of ranks. The blocks are processed in lane sets of P = FRG_SPIKE_BLOCKS (one block
 * per vector lane), so their number is chosen as a multiple of P before the short last block is cut:
 *     G = ceil(n / (P m_max)) lane sets,   m = ceil(n / (P G)) rows per block,   B = ceil(n / m) blocks,
 * the last block holding the remaining n - (B - 1) m rows (the lane arrays pad it with identity rows).
 * Up to P m_max rows this is P blocks of ceil(n / P) rows, the partition of the single-rank LU before the
 * solve was distributed. m_max trades the reduced system (O(B) work and an allgather of O(B) numbers on
 * every rank, redundantly) against the ranks that can share the blocks (at most B, and lanes are full
 * only with P blocks per rank): bench/README.md's cost model. Below m_min rows per block the band is
 * too short to pay for the partition, and the sequential LU of band.c is used.
 *
 * Ownership: rank r of p owns the blocks floor(r B / p) .. floor((r + 1) B / p) - 1, the rows the
 * grid's DMDA must give it (FrgBandOwnership, called by FrgGridSetUp). Layouts that do not follow whole
 * blocks still work: the LU then gathers the band and factors every block on every rank (band.c). */
#include <frg/integrator.h>

/* Whether rows rstart .. rstart + nlocal - 1 are whole blocks of the partition (the last one may end at
 * n): the blocks first .. first + count - 1. Not collective. */
PETSC_INTERN PetscBool FrgBandPartitionLocalBlocks(const FrgBandPartition *part, PetscInt rstart, PetscInt nlocal, PetscInt *first, PetscInt *count)
{
  const PetscInt end = rstart + nlocal;

  *first = *count = 0;
  if (!part->blocks || nlocal <= 0 || rstart % part->rows || (end % part->rows && end != part->n)) return PETSC_FALSE;
  *first = rstart / part->rows;
  *count = (end + part->rows - 1) / part->rows - *first;
  return PETSC_TRUE;
}

/* The partition of n rows with at least min_rows and at most about max_rows rows per block; blocks = 0
 * when n is too short for P blocks of min_rows rows. Not collective. */
PETSC_INTERN PetscErrorCode FrgBandPartitionCreate(PetscInt n, PetscInt min_rows, PetscInt max_rows, FrgBandPartition *part)
{
  const PetscInt P = FRG_SPIKE_BLOCKS, sets = PetscMax(1, (n + P * max_rows - 1) / (P * max_rows)), rows = (n + P * sets - 1) / (P * sets);

  PetscFunctionBeginUser;
  PetscCheck(min_rows >= FRG_SPIKE_MIN_ROWS && max_rows >= min_rows, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "band partition: need %d <= min_rows <= max_rows, got %" PetscInt_FMT ", %" PetscInt_FMT,
             FRG_SPIKE_MIN_ROWS, min_rows, max_rows);
  part->n      = n;
  part->rows   = rows;
  part->blocks = rows >= min_rows ? (n + rows - 1) / rows : 0;
  part->min_rows = min_rows;
  part->max_rows = max_rows;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The rows lx[0..size-1] of each rank when rank r owns the blocks floor(r B / size) ..; false (lx
 * untouched) when there are fewer blocks than ranks or a rank would get fewer than min_local rows
 * (a DMDA needs its stencil width). Not collective. */
PETSC_INTERN PetscBool FrgBandPartitionOwnership(const FrgBandPartition *part, PetscMPIInt size, PetscInt min_local, PetscInt lx[])
{
  const PetscInt B = part->blocks;

  if (B < size) return PETSC_FALSE;
  for (PetscMPIInt r = 0; r < size; r++) {
    const PetscInt first = (PetscInt)(((PetscInt64)r * B) / size), last = (PetscInt)(((PetscInt64)(r + 1) * B) / size);
    if (PetscMin(part->n, last * part->rows) - first * part->rows < min_local) return PETSC_FALSE;
  }
  for (PetscMPIInt r = 0; r < size; r++) {
    const PetscInt first = (PetscInt)(((PetscInt64)r * B) / size), last = (PetscInt)(((PetscInt64)(r + 1) * B) / size);
    lx[r] = PetscMin(part->n, last * part->rows) - first * part->rows;
  }
  return PETSC_TRUE;
}

/* For FrgGridSetUp: the cells of each rank (PetscFree it) that give every rank whole blocks of the
 * default partition of n rows, each at least min_local cells; NULL (PETSc's own split) on one rank or
 * where no such split exists (then the band LU gathers, band.c). Collective only in that every rank
 * gets the same answer. */
PETSC_INTERN PetscErrorCode FrgBandOwnership(MPI_Comm comm, PetscInt n, PetscInt min_local, PetscInt **lx)
{
  FrgBandPartition part;
  PetscMPIInt      size;

  PetscFunctionBeginUser;
  *lx = NULL;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (size == 1) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgBandPartitionCreate(n, FRG_BAND_MIN_BLOCK_ROWS, FRG_BAND_MAX_BLOCK_ROWS, &part));
  PetscCall(PetscMalloc1(size, lx));
  if (!FrgBandPartitionOwnership(&part, size, min_local, *lx)) PetscCall(PetscFree(*lx));
  PetscFunctionReturn(PETSC_SUCCESS);
}
