/* Private structures of the comparison report of task "sample" (src/diffusion/report.c). Plain
 * fixed-size structs: rank 0 computes them and broadcasts the bytes. */
#ifndef FRG_DIFFUSION_REPORT_H
#define FRG_DIFFUSION_REPORT_H

#include "sampler.h"

#define FRG_OT_PARTICLES 1000

typedef struct {
  double exact_mean, exact_phi2, exact_phi4, exact_gamma2, exact_gamma3, exact_gamma4;
  double frg_phi_min, frg_gamma2, frg_gamma3, frg_gamma4;
  double sample_mean, sample_mean_se, sample_phi2, sample_phi2_se, sample_phi4, sample_phi4_se;
  double w1, ks, w1_floor, w1_floor_sd, ks_floor, ks_floor_sd;
  double mode_split, mode_weight_exact, mode_weight_sample, mode_weight_se;
  double ot_rms, ot_max;
  double particle_steps_per_second, score_evaluations_per_second, sample_seconds, flow_seconds, particle_steps_per_cpu_second, sample_cpu_seconds;
  double pf_ode_steps_mean; /* accepted steps per particle of the adaptive sampler */
} FrgComparison;

typedef struct {
  double score_abs[16], score_rel[16], score_max[16], moreau_rms[16]; /* per -score_check_s: the flow's score */
  double density_rel[16], route_diff[16];                             /* the density route vs Tweedie, and the two routes vs each other */
  double ot_exact[FRG_OT_PARTICLES];
  PetscInt ot_count;
} FrgReportArrays;

/* The rank that computes item j (floor replica, check level, map particle) of the report: round robin
 * from the last rank, so that rank 0, which also sorts and compares the gathered samples, gets the
 * fewest. Every item is computed the same way whichever rank owns it, and the owners' results are
 * summed into arrays that are zero elsewhere (x + 0 is exact): the report does not depend on the ranks. */
static inline PetscBool FrgReportOwns(PetscInt j, PetscMPIInt rank, PetscMPIInt size)
{
  return (PetscBool)(size - 1 - (PetscMPIInt)(j % size) == rank);
}

PETSC_INTERN PetscErrorCode FrgScoreFlowVertices(const FrgScoreFlow *, FrgComparison *);
PETSC_INTERN PetscErrorCode FrgSampleFloor(FrgSampleTask *, FrgComparison *);
PETSC_INTERN PetscErrorCode FrgSampleScoreChecks(FrgSampleTask *, FrgReportArrays *);
PETSC_INTERN PetscErrorCode FrgSampleTransportExact(FrgSampleTask *, const PetscReal *, FrgReportArrays *);
PETSC_INTERN PetscErrorCode FrgSampleTiming(FrgSampleTask *, FrgComparison *);
PETSC_INTERN PetscErrorCode FrgSamplePrint(FrgSampleTask *, const FrgComparison *, const FrgReportArrays *);
PETSC_INTERN PetscErrorCode FrgSampleWrite(FrgSampleTask *, const FrgComparison *, const FrgReportArrays *, const PetscReal *start, const PetscReal *all);

/* Plain C (src/diffusion/checks.c): Gamma_R at the cell centres from the cell averages of u = Gamma_R'
 * (Gamma at cell 0 set to 0), and the Moreau envelope min_phi [Gamma(phi) + (x - phi)^2/(2 s)]. */
void FrgGammaFromAverages(int n, double h, const double *ubar, double *gamma, double *work);
double FrgMoreauEnvelope(int n, double phi_first, double h, const double *gamma, double x, double s);

#endif
