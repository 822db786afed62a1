/* Private PETSc-side structures of src/lattice (the plain-C kernels are in include/frg/lattice.h). */
#ifndef FRG_LATTICE_IMPL_H
#define FRG_LATTICE_IMPL_H

#include <frg/output.h>
#include <frg/lattice.h>

PETSC_INTERN PetscErrorCode FrgLatticeSetFromOptions(MPI_Comm, FrgLattice *);
PETSC_INTERN PetscErrorCode FrgLatticeCouplingsFromOptions(MPI_Comm, PetscReal *kappa, PetscReal *lambda);

/* Chains (or samples) spread over the ranks in contiguous blocks of the global index, so that every
 * item is computed by one rank with its own counter-based random numbers, whatever the number of ranks. */
PETSC_INTERN PetscErrorCode FrgLatticeDistribute(MPI_Comm, PetscInt count, PetscInt *first, PetscInt *local);
/* Gathers per-item rows of `width` doubles, distributed as FrgLatticeDistribute does, on rank 0 in global
 * order (all is significant on rank 0 only). Collective. */
PETSC_INTERN PetscErrorCode FrgLatticeGatherRows(MPI_Comm, PetscInt count, PetscInt width, const PetscReal *mine, PetscReal *all);
/* Writes a [count, width...] dataset whose rows are distributed as above (dims[0] = count). Collective. */
PETSC_INTERN PetscErrorCode FrgLatticeWriteRows(MPI_Comm, hid_t file, const char name[], int rank_of, const hsize_t dims[], PetscInt first, PetscInt local,
                                                const PetscReal *rows, const char description[]);

/* Summary of a chain analysis (src/lattice/analysis.c): the three observables of the issue with errors. */
typedef struct {
  FrgGammaResult abs_magnetization, susceptibility, binder;
} FrgLatticeEstimates;

/* The Gamma method of |M|, chi and the Binder cumulant on the magnetization series [chains][length] (rank 0's
 * data; the result is broadcast). Collective. */
PETSC_INTERN PetscErrorCode FrgLatticeAnalyzeChains(MPI_Comm, const FrgLattice *, PetscInt chains, PetscInt length, const PetscReal *magnetization,
                                                    FrgLatticeEstimates *);
/* Mean, error and tau_int of a scalar series [chains][length] (rank 0's data; broadcast). Collective. */
PETSC_INTERN PetscErrorCode FrgLatticeAnalyzeScalar(MPI_Comm, PetscInt chains, PetscInt length, const PetscReal *series, FrgGammaResult *);

/* ---- task hmc ------------------------------------------------------------------------------ */
PETSC_EXTERN const char *const FrgMDTypes[];

typedef struct {
  MPI_Comm    comm;
  FrgLattice  lattice;
  FrgOutput   output;
  FrgMDType   integrator;
  FrgMDScheme scheme;
  PetscInt    trajectories, thermalize, chains, seed, steps, save_every, save_max;
  PetscReal   length, target;
  PetscBool   tune, progress;
  PetscReal   step_size; /* after tuning: length/steps */
  PetscInt    first, local;
  PetscInt    saves; /* stored configurations per chain */
  PetscReal  *phi, *work;
  PetscReal  *magnetization, *delta_h, *accepted; /* [local][trajectories] */
  PetscReal  *saved;                              /* [local][saves][V] */
  double      seconds, thermalize_seconds;
  long        force_evaluations; /* per chain, production */
} FrgHMCTask;

typedef struct {
  FrgLatticeEstimates estimates;
  FrgGammaResult      acceptance, boltzmann; /* accepted fraction; <exp(-dH)> (Creutz: exactly 1) */
  double              exact[3];              /* Gaussian values at lambda = 0, else NaN */
  double              effective_samples, seconds_per_effective_sample;
} FrgHMCResults;

PETSC_INTERN PetscErrorCode FrgHMCReport(FrgHMCTask *);

/* ---- the LPA flow of -model lattice as the sampler's potential table (src/lattice/flow.c) ------------------ */
typedef struct {
  MPI_Comm           comm;
  FrgModel           model;
  FrgGrid            grid;
  FrgOperator        op;
  FrgIntegrator      integrator;
  PetscInt           cells;
  PetscReal          h, Lambda, t_ir, s_uv, s_ir;
  FrgIntegratorStats stats;
  double             seconds;
} FrgLatticeFlow;

PETSC_INTERN PetscErrorCode FrgLatticeFlowCreate(MPI_Comm, FrgLatticeFlow *);
PETSC_INTERN PetscErrorCode FrgLatticeFlowSetUp(FrgLatticeFlow *);
PETSC_INTERN PetscErrorCode FrgLatticeFlowSolve(FrgLatticeFlow *, const FrgLattice *, FrgLatticePotentialTable *);
PETSC_INTERN PetscErrorCode FrgLatticeFlowDestroy(FrgLatticeFlow *);
PETSC_EXTERN PetscErrorCode FrgTaskHMC(MPI_Comm);

#endif
