/* Private PETSc-side structures of src/diffusion (the plain-C kernels are in include/frg/diffusion.h). */
#ifndef FRG_DIFFUSION_SAMPLER_H
#define FRG_DIFFUSION_SAMPLER_H

#include <frg/integrator.h>
#include <frg/diffusion.h>

/* The flow that produces the score: a zero-dimensional model on a small grid. Every rank integrates
 * the same flow on PETSC_COMM_SELF, so every rank holds a bitwise identical score table whatever the
 * number of ranks (the particles, not the ~1e3 cells, are what is worth distributing). */
typedef struct {
  MPI_Comm comm; /* of the particles */
  FrgModel model;
  FrgGrid grid; /* on PETSC_COMM_SELF */
  FrgOperator op;
  FrgIntegrator integrator;
  PetscInt cells, levels, points;
  PetscBool radial;     /* O(N) model: u(sigma) on sigma >= 0, the score is radial */
  PetscInt components;  /* N of the samples */
  PetscInt full_cells;  /* cells of the stored states: mirrored to the signed radius if radial */
  PetscReal full_first; /* centre of the first of them */
  PetscReal phi_first, h, phi_max, Lambda, t_ir;
  PetscReal s_uv, s_ir; /* noise range of the flow: 1/Lambda^2 .. e^{2 t_IR}/Lambda^2 */
  PetscReal s_lo, s_hi; /* noise range of the table */
  PetscReal *u_levels;  /* [levels][cells] cell averages of u at the table levels */
  PetscReal *u_ir;      /* cell averages of u at t_IR */
  PetscReal snap_s[16]; /* extra noise levels whose states are kept (checks, plots) */
  PetscInt nsnap;
  PetscReal *u_snap; /* [nsnap][cells] */
  FrgScoreTable table;
  FrgScoreTable steps; /* one level per noise level of a fixed-step sampler (may be empty) */
  PetscReal *steps_s;
  FrgIntegratorStats stats;
  double seconds;
  PetscBool compare;           /* -score_compare_routes: also solve the smoothed log-density route */
  PetscBool density;           /* -score_source density: the sampler uses the smoothed log-density route */
  FrgScoreTable density_table; /* the score from the smoothed log-density route (src/diffusion/density.c) */
  long density_steps;
  PetscInt density_cells;
  PetscReal density_phi_max, density_h;
  double density_seconds;
  const FrgScoreTable *sampling; /* the table the samplers use: &table or &density_table */
} FrgScoreFlow;

PETSC_INTERN PetscErrorCode FrgScoreFlowCreate(MPI_Comm, FrgScoreFlow *);
PETSC_INTERN PetscErrorCode FrgScoreFlowSetRange(FrgScoreFlow *, PetscReal s_lo, PetscReal s_hi, const char option_lo[], const char option_hi[]);
PETSC_INTERN PetscErrorCode FrgScoreFlowSetSnapshots(FrgScoreFlow *, PetscInt n, const PetscReal s[]);
PETSC_INTERN PetscErrorCode FrgScoreFlowSetSteps(FrgScoreFlow *, PetscInt n, const PetscReal s[]);
PETSC_INTERN PetscErrorCode FrgScoreFlowSolve(FrgScoreFlow *);
PETSC_INTERN PetscErrorCode FrgScoreFlowSolveDensity(FrgScoreFlow *);
PETSC_INTERN PetscErrorCode FrgScoreFlowDestroy(FrgScoreFlow *);
PETSC_INTERN PetscReal FrgScoreFlowNoise(const FrgScoreFlow *, PetscReal t);

/* The exact target on the quadrature grid [-phi_max, phi_max], after the normalizability checks. */
PETSC_INTERN PetscErrorCode FrgTargetCreate(FrgModel, PetscReal phi_max, PetscInt nodes, PetscBool radial, PetscInt N, FrgTarget *);
PETSC_INTERN PetscErrorCode FrgTargetDestroy(FrgTarget *);

/* The task "sample" (src/diffusion/sample.c, report in src/diffusion/report.c). */
PETSC_EXTERN const char *const FrgSamplerTypes[];
PETSC_EXTERN const char *const FrgScheduleTypes[];

typedef struct {
  MPI_Comm comm;
  FrgScoreFlow flow;
  FrgTarget target;
  FrgOutput output;
  FrgSampler sampler;
  FrgSchedule schedule;
  PetscInt count, steps, seed, floor_replicas, nodes;
  PetscReal s_max, s_min, rtol;
  PetscReal check_s[16]; /* noise levels of the score check */
  PetscInt ncheck;
  PetscInt local, first;  /* particles of this rank: global indices first .. first + local - 1 */
  PetscReal *x, *x_start; /* samples and their starting points at s_max [local][components] */
  PetscReal *radius;      /* per sample: the value (one field) or |phi| (O(N)): what the statistics see */
  PetscReal prior_mean, prior_variance;
  double seconds_local, seconds; /* sampling wall time, this rank and the slowest */
  double cpu_seconds;            /* sampling CPU time of the slowest rank (unaffected by other jobs) */
  long evaluations;              /* score evaluations on this rank */
  PetscInt pf_failures;
} FrgSampleTask;

PETSC_INTERN PetscErrorCode FrgSampleReport(FrgSampleTask *);
PETSC_EXTERN PetscErrorCode FrgTaskSample(MPI_Comm);

#endif
