/* Report of task "hmc": Gamma-method estimates, the summary on stdout and the HDF5 file.
 *   /samples                  stored configurations [n, L, L], chain-major (chain c's at rows c*saves ..)
 *   /chains/magnetization     M = V^-1 sum_x phi_x after every production trajectory [chains, trajectories]
 *   /chains/delta_h, accepted dH of each trajectory and whether it was accepted (0/1)
 *   /summary                  abs_magnetization, susceptibility, binder (each with _error and tau_int_<name>),
 *                             acceptance, tau_int (of |M|), exp_minus_delta_h (Creutz's <e^-dH> = 1), costs;
 *                             exact_* at lambda = 0
 *   /parameters, /provenance  attributes */
#include "lattice_impl.h"
#include <math.h>

static PetscErrorCode FrgHMCAnalyze(FrgHMCTask *t, FrgHMCResults *r)
{
  const PetscInt T = t->trajectories, n = t->chains * T;
  PetscReal     *all, *boltzmann;
  PetscMPIInt    size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(t->comm, &size));
  PetscCall(PetscMalloc2(n, &all, PetscMax(t->local * T, 1), &boltzmann));
  PetscCall(FrgLatticeGatherRows(t->comm, t->chains, T, t->magnetization, all));
  PetscCall(FrgLatticeAnalyzeChains(t->comm, &t->lattice, t->chains, T, all, &r->estimates));
  PetscCall(FrgLatticeGatherRows(t->comm, t->chains, T, t->accepted, all));
  PetscCall(FrgLatticeAnalyzeScalar(t->comm, t->chains, T, all, &r->acceptance));
  for (PetscInt k = 0; k < t->local * T; k++) boltzmann[k] = PetscExpReal(-t->delta_h[k]);
  PetscCall(FrgLatticeGatherRows(t->comm, t->chains, T, boltzmann, all));
  PetscCall(FrgLatticeAnalyzeScalar(t->comm, t->chains, T, all, &r->boltzmann));
  PetscCall(PetscFree2(all, boltzmann));
  if (t->lattice.lambda == 0) FrgLatticeGaussianExact(&t->lattice, &r->exact[0], &r->exact[1], &r->exact[2]);
  else r->exact[0] = r->exact[1] = r->exact[2] = NAN;
  r->effective_samples            = (double)n / (2 * r->estimates.abs_magnetization.tau_int);
  r->seconds_per_effective_sample = t->seconds * size / r->effective_samples;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgHMCPrintEstimate(MPI_Comm comm, const char *name, const FrgGammaResult *g, double exact)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPrintf(comm, "  %-18s %.8g +- %.2e   tau_int %.2f +- %.2f (W = %d%s)", name, g->value, g->error, g->tau_int, g->tau_int_error, g->window,
                        g->window_found ? "" : ", window not found: error unreliable"));
  if (exact == exact) PetscCall(PetscPrintf(comm, "   exact %.8g (%+.2f s.e.)", exact, g->error > 0 ? (g->value - exact) / g->error : 0.0));
  PetscCall(PetscPrintf(comm, "\n"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgHMCPrint(FrgHMCTask *t, const FrgHMCResults *r)
{
  MPI_Comm    comm = t->comm;
  const char *name;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(FrgOutputGetName(t->output, &name));
  PetscCall(PetscPrintf(comm, "\nfrg hmc summary (%s)\n", name));
  PetscCall(PetscPrintf(comm, "  lattice            %d x %d periodic, kappa = %g, lambda = %g%s\n", t->lattice.L, t->lattice.L, t->lattice.kappa, t->lattice.lambda,
                        t->lattice.lambda == 0 ? " (Gaussian: exact values below)" : ""));
  PetscCall(PetscPrintf(comm, "  chains             %" PetscInt_FMT " on %d rank%s, %" PetscInt_FMT " thermalization + %" PetscInt_FMT " production trajectories each\n", t->chains,
                        size, size > 1 ? "s" : "", t->thermalize, t->trajectories));
  PetscCall(PetscPrintf(comm, "  integrator         %s, %" PetscInt_FMT " steps of %.6g (length %g)%s\n", FrgMDTypes[t->integrator], t->steps, (double)t->step_size,
                        (double)t->length, t->tune && t->thermalize >= 2 ? ", step tuned in the thermalization" : ""));
  PetscCall(PetscPrintf(comm, "  acceptance         %.4f +- %.4f (target %g); <exp(-dH)> = %.4f +- %.4f (exact: 1)\n", r->acceptance.value, r->acceptance.error,
                        (double)t->target, r->boltzmann.value, r->boltzmann.error));
  PetscCall(FrgHMCPrintEstimate(comm, "<|M|>", &r->estimates.abs_magnetization, r->exact[0]));
  PetscCall(FrgHMCPrintEstimate(comm, "chi", &r->estimates.susceptibility, r->exact[1]));
  PetscCall(FrgHMCPrintEstimate(comm, "Binder", &r->estimates.binder, r->exact[2]));
  PetscCall(PetscPrintf(comm, "  cost               %.3f s production (%.3f s thermalization); %.3g s per trajectory; %.3g CPU s per effective sample of |M|\n",
                        t->seconds, t->thermalize_seconds, t->seconds * size / (t->chains * t->trajectories), r->seconds_per_effective_sample));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgHMCWriteSummary(FrgHMCTask *t, const FrgHMCResults *r)
{
  const FrgLatticeEstimates *e = &r->estimates;
  PetscMPIInt                size;
  const char *names[] = {"abs_magnetization", "abs_magnetization_error", "susceptibility", "susceptibility_error", "binder", "binder_error", "acceptance",
                         "acceptance_error", "tau_int", "tau_int_error", "tau_int_susceptibility", "tau_int_susceptibility_error", "tau_int_binder",
                         "tau_int_binder_error", "exp_minus_delta_h", "exp_minus_delta_h_error", "step_size", "md_steps", "effective_samples",
                         "seconds_per_effective_sample", "wall_seconds", "thermalize_seconds", "force_evaluations", "exact_abs_magnetization",
                         "exact_susceptibility", "exact_binder"};
  PetscReal v[26];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(t->comm, &size));
  v[0] = e->abs_magnetization.value, v[1] = e->abs_magnetization.error, v[2] = e->susceptibility.value, v[3] = e->susceptibility.error;
  v[4] = e->binder.value, v[5] = e->binder.error, v[6] = r->acceptance.value, v[7] = r->acceptance.error;
  v[8] = e->abs_magnetization.tau_int, v[9] = e->abs_magnetization.tau_int_error, v[10] = e->susceptibility.tau_int, v[11] = e->susceptibility.tau_int_error;
  v[12] = e->binder.tau_int, v[13] = e->binder.tau_int_error, v[14] = r->boltzmann.value, v[15] = r->boltzmann.error;
  v[16] = t->step_size, v[17] = (PetscReal)t->steps, v[18] = r->effective_samples, v[19] = r->seconds_per_effective_sample;
  v[20] = t->seconds, v[21] = t->thermalize_seconds, v[22] = (PetscReal)t->force_evaluations * t->chains;
  v[23] = r->exact[0], v[24] = r->exact[1], v[25] = r->exact[2];
  PetscCall(FrgOutputWriteAttributes(t->output, "/summary", names, v, t->lattice.lambda == 0 ? 26 : 23));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgHMCWriteParameters(FrgHMCTask *t)
{
  PetscMPIInt size;
  const char *names[] = {"lattice_L", "lattice_kappa", "lattice_lambda", "volume", "chains", "trajectories", "thermalize", "sample_seed", "length", "target_acceptance",
                         "save_every", "ranks"};
  PetscReal   v[12];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(t->comm, &size));
  v[0] = t->lattice.L, v[1] = t->lattice.kappa, v[2] = t->lattice.lambda, v[3] = (PetscReal)t->lattice.volume, v[4] = (PetscReal)t->chains;
  v[5] = (PetscReal)t->trajectories, v[6] = (PetscReal)t->thermalize, v[7] = (PetscReal)t->seed, v[8] = t->length, v[9] = t->target;
  v[10] = (PetscReal)t->save_every, v[11] = size;
  PetscCall(FrgOutputWriteAttributes(t->output, "/parameters", names, v, 12));
  PetscCall(FrgOutputWriteStringAttribute(t->output, "/parameters", "hmc_integrator", FrgMDTypes[t->integrator]));
  PetscCall(FrgOutputWriteStringAttribute(t->output, "/parameters", "task", "hmc"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgHMCWriteData(FrgHMCTask *t)
{
  const hsize_t  L = (hsize_t)t->lattice.L, samples[3] = {(hsize_t)(t->chains * t->saves), L, L}, series[2] = {(hsize_t)t->chains, (hsize_t)t->trajectories};
  hid_t          group, file = t->output->file;

  PetscFunctionBeginUser;
  PetscCall(FrgLatticeWriteRows(t->comm, file, "/samples", 3, samples, t->first * t->saves, t->local * t->saves, t->saved,
                                "configurations phi[x1][x0] (site x0 + L x1), every save_every-th production trajectory of each chain, chain-major"));
  PetscCall(FrgH5OpenGroup(t->comm, file, "/chains", &group));
  FrgCallHDF5(t->comm, H5Gclose(group));
  PetscCall(FrgLatticeWriteRows(t->comm, file, "/chains/magnetization", 2, series, t->first, t->local, t->magnetization,
                                "M = V^-1 sum_x phi_x after each production trajectory [chain, trajectory]"));
  PetscCall(FrgLatticeWriteRows(t->comm, file, "/chains/delta_h", 2, series, t->first, t->local, t->delta_h, "H(end) - H(start) of each trajectory"));
  PetscCall(FrgLatticeWriteRows(t->comm, file, "/chains/accepted", 2, series, t->first, t->local, t->accepted, "1 if the trajectory was accepted"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgHMCReport(FrgHMCTask *t)
{
  FrgHMCResults r;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&r, sizeof(r)));
  PetscCall(FrgHMCAnalyze(t, &r));
  PetscCall(FrgHMCPrint(t, &r));
  PetscCall(FrgHMCWriteData(t));
  PetscCall(FrgHMCWriteSummary(t, &r));
  PetscCall(FrgHMCWriteParameters(t));
  PetscCall(FrgOutputClose(t->output, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
