/* Private structures shared inside libfrg. Users include only <frg.h>. */
#ifndef FRG_IMPL_H
#define FRG_IMPL_H

#include <frg.h>
#include <frg/kernel.h>

#define FRG_NAME_LEN 256
/* The largest step of every integrator in RG time (-integrator_max_dt for the flows). A flow changes
 * on a scale of order 1 in t = -ln(k/Lambda): where k^2 >> U'' its right-hand side is ~k^-2 small, so
 * an unbounded BDF step grew tenfold per step and one step passed over the whole window k^2 ~ U''
 * in which the flow happens, with a near-zero derivative at both of its ends (a 0D flow returned its
 * UV couplings after 5 steps, exit 0). */
#define FRG_RG_STEP_MAX 0.5
#define FRG_EXPR_LEN 4096

/* Log events of our own phases (registered in FrgInitialize). */
/* Hot element-wise loops are compiled three times, for AVX-512, AVX2 and the Makefile's baseline
 * x86-64, and the clone is chosen at load time (GCC target_clones): wider vectors where the CPU has
 * them, and the binary still runs everywhere. Neither target enables FMA contraction, so all clones
 * round every operation the same way and results stay bitwise the same on any machine (reductions in
 * these loops are a max and an int64 sum, exact in any order). Off under AddressSanitizer. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_ADDRESS__)
  #define FRG_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
  #define FRG_CLONES
#endif

PETSC_EXTERN PetscLogEvent FRG_EVENT_RHS, FRG_EVENT_JACOBIAN, FRG_EVENT_OUTPUT, FRG_EVENT_OBSERVABLES;
PETSC_EXTERN PetscLogEvent FRG_EVENT_BAND_FACTOR, FRG_EVENT_BAND_SOLVE; /* the modified-Newton route's band LU */
PETSC_EXTERN PetscLogEvent FRG_EVENT_SAMPLE_SORT, FRG_EVENT_SAMPLE_FLOOR, FRG_EVENT_SAMPLE_CHECKS, FRG_EVENT_SAMPLE_MAP; /* task sample's report */
PETSC_EXTERN PetscLogStage FRG_STAGE_SETUP, FRG_STAGE_INTEGRATE, FRG_STAGE_OUTPUT, FRG_STAGE_REPORT;
/* Enter and leave those stages through these: they also time them for /provenance (src/io/stages.c). */
PETSC_INTERN PetscErrorCode FrgStagePush(PetscLogStage);
PETSC_INTERN PetscErrorCode FrgStagePop(void);
PETSC_INTERN void           FrgStageWallTime(int i, const char **name, double *seconds);

struct _p_FrgGrid {
  MPI_Comm    comm;
  DM          da;
  PetscInt    dim, dof;  /* 1 or 2 directions (a DMDA of that dimension), unknowns per cell */
  PetscInt    cells;     /* the first direction (phi1 on 2D grids): */
  PetscReal   phi_max;   /* outer edge of the last cell */
  PetscReal   phi_first; /* centre of cell 0 */
  PetscReal   spacing;
  FrgBoundary left, right;
  /* the second direction of a 2D grid (phi2); cells_y = 0, phi_max_y = 0: those of the first */
  PetscInt    cells_y;
  PetscReal   phi_max_y, phi_first_y, spacing_y;
  FrgBoundary bottom, top;
  PetscInt    fit_cells; /* cells of the least-squares fit of the vertices at phi = 0 */
  PetscBool   fit_cells_set; /* given by -vertex_fit_cells (else a default of the model's observables) */
  PetscReal  *fit_qr;    /* its factored matrix, built on first use (src/analysis/observables.c) */
  PetscBool   setup;
};

typedef struct _n_FrgSignature FrgSignature; /* include/frg/signature.h */
typedef struct _FrgModelOps   *FrgModelOps;
struct _FrgModelOps {
  PetscErrorCode (*setfromoptions)(FrgModel);
  PetscErrorCode (*setup)(FrgModel);                                   /* after the common checks */
  PetscErrorCode (*kernelparams)(FrgModel, PetscReal t, FrgKernelParams *); /* not collective */
  PetscErrorCode (*scale)(FrgModel, PetscReal t, PetscReal *k);
  PetscErrorCode (*duplicate)(FrgModel, FrgModel copy); /* the type's own data, into a copy of the same type */
  PetscErrorCode (*signature)(FrgModel, FrgSignature *); /* the type's own physics options */
  PetscErrorCode (*view)(FrgModel, PetscViewer);
  PetscErrorCode (*destroy)(FrgModel);
};

struct _p_FrgModel {
  MPI_Comm           comm;
  char               type[FRG_NAME_LEN];
  struct _FrgModelOps ops;
  PetscReal          N, d, Lambda, t_ir;
  PetscReal          Ad;       /* angular factor 1/((4 pi)^{d/2} Gamma(d/2+1)), set up once */
  const FrgKTKernels *kt;      /* the scheme's loops instantiated from the model's kernels (kt_loops.h) */
  FrgBoundary        left, right;
  PetscInt           dim;           /* fields of the grid: 1 (the unknown u = U') or 2 (the unknown U; src/physics/field2.c) */
  FrgBoundary        bottom, top;   /* 2D: the rules of the second direction */
  char               potential[FRG_EXPR_LEN];
  void              *parser;   /* muparser handle */
  double            *parser_phi; /* one variable per field */
  void              *data;     /* type-specific */
  PetscBool          setup;
  /* the observables the model defines (src/analysis/observables.c) */
  PetscErrorCode (*observables)(FrgModel, FrgGrid, Vec u, Vec error_sum, PetscReal values[], PetscReal time_errors[]);
  const char *const *observable_names;
  PetscInt           observable_count;
  /* int_t0^t d_t U(h/2) dt and the same of |d_t U(h/2)| up to the state whose observables are computed
   * next (U0, the potential at phi = 0: src/analysis/observables.c); set by the flow (src/driver/level.c) */
  PetscReal origin_flow, origin_flow_abs;
};

PETSC_INTERN PetscErrorCode FrgObservablesSetModel(FrgModel, PetscBool odd);

struct _p_FrgOperator {
  FrgGrid   grid;
  FrgModel  model;
  Vec       local;     /* ghosted work vector, allocated once */
  PetscReal *flux;     /* interface fluxes, allocated once: cells + 1 on this rank */
  PetscReal *dflux;    /* d flux / d u_{j-1..j+2} per interface, 4 per interface */
  PetscReal *phi_face; /* interface positions of the fluxes, cells + 1 on this rank */
  PetscReal *inv_phi_face; /* their inverses (0 at phi = 0, never read there) */
  FrgKTFaces faces;
  PetscInt  rhs_evals, jac_evals;
  int       local_pole;     /* pole status of the last RHS on this rank (kt.c: crossed, near) */
  FrgVariable variable;     /* the integrator's state variable (variable.c) */
  Vec       u_state;        /* u of the last state converted (log variable) */
  PetscReal *q;             /* m2 phi + u of the local cells of that state */
  Vec       q_global, q_local; /* q scattered to the ghosts, for the Jacobian's similarity */
  MatFDColoring fd_coloring; /* 2D: the coloured finite-difference Jacobian (operator2d.c) */
  PetscReal     fd_t;        /* 2D: the RG time of the Jacobian being coloured */
  PetscBool     fd_jacobian; /* 2D: -jacobian_fd, the coloured differences instead of the exact Jacobian */
  PetscBool setup;
};

#endif
