/* Task "hmc": hybrid Monte Carlo for lattice phi^4 in two dimensions (doc/physics.md 2.6), the baseline of the
 * FRG-driven sampler.
 *   1. -hmc_chains independent chains, spread over the ranks in contiguous blocks; chain c starts hot
 *      (phi_x ~ N(0, 1)) and draws its momenta and Metropolis uniforms from Philox keyed by -sample_seed with the
 *      counter (c, trajectory, site pair) (src/lattice/md.c), so its samples are bitwise the same on any number
 *      of ranks.
 *   2. Thermalization. In its first half the step size is tuned, after every block of 10 trajectories of all
 *      chains, from the mean acceptance probability abar = <min(1, e^-dH)> of the block: for large volumes
 *      abar = erfc(sqrt(<dH>)/2) (Gupta, Kilcup & Sharpe, Phys. Rev. D 38 (1988) 1278) and <dH> = c eps^4 for a
 *      second-order integrator, so each block estimates c = 4 erfcinv(abar)^2/eps^4; a running geometric mean
 *      of c gives the step eps = (dH_target/c)^(1/4) that -hmc_target_acceptance asks for, and the step count
 *      ceil(length/eps). The mean is summed in chain order, so the tuned step is the same on any number of
 *      ranks. In the second half of the tuning a step count whose block acceptance fell below the target is
 *      not used again (a floor: acceptance grows with the step count, where eps^4 scaling is rough). The second
 *      half of the thermalization runs at the final step, which production keeps (a fixed kernel).
 *   3. Production: M = V^-1 sum_x phi_x, dH and the Metropolis outcome after every trajectory; every
 *      -hmc_save_every-th configuration is stored. Then the Gamma-method report (src/lattice/hmc_report.c). */
#include "lattice_impl.h"
#include <frg/options.h>
#include <math.h>

#define FRG_HMC_TUNE_BLOCK 10
#define FRG_HMC_STEPS_MAX  100000

const char *const FrgMDTypes[] = {"leapfrog", "omelyan", "FrgMDType", "FRG_MD_", NULL};

static PetscErrorCode FrgHMCSetFromOptions(FrgHMCTask *t)
{
  PetscEnum integrator = (PetscEnum)t->integrator;

  PetscFunctionBeginUser;
  PetscOptionsBegin(t->comm, NULL, "Hybrid Monte Carlo for lattice phi^4 (-task hmc)", "FrgHMC");
  PetscCall(FrgOptionsInt("-hmc_trajectories", "Production trajectories per chain", t->trajectories, &t->trajectories, NULL, 2, 1000000000));
  PetscCall(FrgOptionsInt("-hmc_thermalize", "Thermalization trajectories per chain (the step size is tuned in the first half)", t->thermalize, &t->thermalize, NULL, 0, 1000000000));
  PetscCall(FrgOptionsInt("-hmc_chains", "Independent chains (spread over the ranks)", t->chains, &t->chains, NULL, 1, 1000000));
  PetscCall(FrgOptionsInt("-sample_seed", "Seed of the counter-based random numbers (Philox-4x32-10)", t->seed, &t->seed, NULL, 0, PETSC_MAX_INT));
  PetscCall(FrgOptionsEnum("-hmc_integrator", "Molecular-dynamics integrator", FrgMDTypes, integrator, &integrator, NULL));
  PetscCall(FrgOptionsRealAbove("-hmc_length", "Trajectory length (molecular-dynamics time)", t->length, &t->length, NULL, 0, 1e6));
  PetscCall(FrgOptionsInt("-hmc_steps", "Molecular-dynamics steps per trajectory (the start of the tuning with -hmc_tune)", t->steps, &t->steps, NULL, 1, FRG_HMC_STEPS_MAX));
  PetscCall(PetscOptionsBool("-hmc_tune", "Tune the step size during the first half of the thermalization", "", t->tune, &t->tune, NULL));
  PetscCall(FrgOptionsRealAbove("-hmc_target_acceptance", "Acceptance the tuning aims at", t->target, &t->target, NULL, 0, 1));
  PetscCall(FrgOptionsInt("-hmc_save_every", "Store every this many production configurations of each chain in /samples (0: automatic, see -hmc_save_max)",
                            t->save_every, &t->save_every, NULL, 0, 1000000000));
  PetscCall(FrgOptionsInt("-hmc_save_max", "Largest number of configurations stored in /samples (0: none)", t->save_max, &t->save_max, NULL, 0, 1000000000));
  PetscCall(PetscOptionsBool("-progress", "Progress lines on stdout during long runs", "", t->progress, &t->progress, NULL));
  PetscOptionsEnd();
  t->integrator = (FrgMDType)integrator;
  PetscCheck(t->trajectories >= 2, t->comm, PETSC_ERR_USER_INPUT, "-hmc_trajectories must be >= 2, got %" PetscInt_FMT, t->trajectories);
  PetscCheck(t->thermalize >= 0, t->comm, PETSC_ERR_USER_INPUT, "-hmc_thermalize must be >= 0, got %" PetscInt_FMT, t->thermalize);
  PetscCheck(t->chains >= 1, t->comm, PETSC_ERR_USER_INPUT, "-hmc_chains must be >= 1, got %" PetscInt_FMT, t->chains);
  PetscCheck(t->seed >= 0, t->comm, PETSC_ERR_USER_INPUT, "-sample_seed must be >= 0, got %" PetscInt_FMT, t->seed);
  PetscCheck(t->length > 0 && !PetscIsInfOrNanReal(t->length), t->comm, PETSC_ERR_USER_INPUT, "-hmc_length must be positive, got %g", (double)t->length);
  PetscCheck(t->steps >= 1 && t->steps <= FRG_HMC_STEPS_MAX, t->comm, PETSC_ERR_USER_INPUT, "-hmc_steps must lie in [1, %d], got %" PetscInt_FMT, FRG_HMC_STEPS_MAX, t->steps);
  PetscCheck(t->target > 0 && t->target < 1, t->comm, PETSC_ERR_USER_INPUT, "-hmc_target_acceptance must lie in (0, 1), got %g", (double)t->target);
  PetscCheck(t->save_every >= 0, t->comm, PETSC_ERR_USER_INPUT, "-hmc_save_every must be >= 0, got %" PetscInt_FMT, t->save_every);
  PetscCheck(t->save_max >= 0, t->comm, PETSC_ERR_USER_INPUT, "-hmc_save_max must be >= 0, got %" PetscInt_FMT, t->save_max);
  PetscCheck((double)t->chains * t->trajectories <= 1e9, t->comm, PETSC_ERR_USER_INPUT, "-hmc_chains x -hmc_trajectories = %g measurements: more than 1e9",
             (double)t->chains * t->trajectories);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* How many configurations each chain stores: every save_every-th, at most save_max in all. */
static PetscErrorCode FrgHMCSaves(FrgHMCTask *t)
{
  PetscFunctionBeginUser;
  if (!t->save_max) t->saves = 0;
  else {
    if (!t->save_every) t->save_every = PetscMax(1, (t->chains * t->trajectories + t->save_max - 1) / t->save_max);
    t->saves = t->trajectories / t->save_every;
    PetscCheck(t->saves * t->chains <= t->save_max, t->comm, PETSC_ERR_USER_INPUT,
               "-hmc_save_every %" PetscInt_FMT " stores %" PetscInt_FMT " configurations, more than -hmc_save_max %" PetscInt_FMT, t->save_every,
               t->saves * t->chains, t->save_max);
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgHMCCreate(MPI_Comm comm, FrgHMCTask *t)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(t, sizeof(*t)));
  t->comm         = comm;
  t->trajectories = 10000;
  t->thermalize   = 1000;
  t->chains       = 4;
  t->seed         = 1;
  t->integrator   = FRG_MD_OMELYAN;
  t->length       = 1.0;
  t->steps        = 10;
  t->tune         = PETSC_TRUE;
  t->target       = 0.8;
  t->save_max     = 1000;
  t->progress     = PETSC_TRUE;
  PetscCall(FrgLatticeSetFromOptions(comm, &t->lattice));
  PetscCall(FrgOutputCreate(comm, &t->output));
  PetscCall(FrgOutputSetFromOptions(t->output));
  PetscCall(FrgHMCSetFromOptions(t));
  FrgMDSchemeGet(t->integrator, &t->scheme);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgHMCSetUp(FrgHMCTask *t)
{
  const PetscInt V = t->lattice.volume;

  PetscFunctionBeginUser;
  PetscCall(FrgHMCSaves(t));
  PetscCall(FrgLatticeDistribute(t->comm, t->chains, &t->first, &t->local));
  PetscCall(PetscMalloc2(PetscMax(t->local * V, 1), &t->phi, 3 * V, &t->work));
  PetscCall(PetscMalloc3(PetscMax(t->local * t->trajectories, 1), &t->magnetization, PetscMax(t->local * t->trajectories, 1), &t->delta_h,
                         PetscMax(t->local * t->trajectories, 1), &t->accepted));
  PetscCall(PetscMalloc1(PetscMax(t->local * t->saves * V, 1), &t->saved));
  for (PetscInt c = 0; c < t->local; c++) FrgLatticeNormals((uint64_t)t->seed, (uint64_t)(t->first + c), 0u, V, t->phi + c * V);
  t->step_size = t->length / t->steps;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgHMCDestroy(FrgHMCTask *t)
{
  PetscFunctionBeginUser;
  PetscCall(FrgOutputDestroy(&t->output));
  PetscCall(PetscFree2(t->phi, t->work));
  PetscCall(PetscFree3(t->magnetization, t->delta_h, t->accepted));
  PetscCall(PetscFree(t->saved));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* y with erfc(y) = a for a in (0, 1] (bisection: erfc is decreasing; 60 halvings reach round-off). */
static double FrgErfcInverse(double a)
{
  double lo = 0, hi = 27;

  if (a >= 1) return 0;
  for (int i = 0; i < 60; i++) {
    const double mid = 0.5 * (lo + hi);
    if (erfc(mid) > a) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* One tuning update from the block sums of the acceptance probability of this rank's chains. Each block gives
 * an estimate c = dH/eps^4 of the energy violation's coefficient at the step it ran; their running geometric
 * mean (weight max(1/j, 1/5) for block j: it forgets the hot start, and it damps the oscillation between two
 * step counts where eps^4 scaling is only rough) sets the next step count, ceil(length (c/dH_target)^(1/4)).
 * Where eps^4 fails (a few coarse steps), acceptance is still monotone in the step count: once settled (the
 * second half of the tuning), a step count measured below the target is never proposed again. Collective. */
static PetscErrorCode FrgHMCTune(FrgHMCTask *t, const PetscReal *block_sum, PetscInt block, PetscInt update, PetscBool settled, PetscReal *log_c, PetscInt *floor)
{
  PetscReal     *all, total = 0, mean, dh, dh_target, weight = PetscMax(1.0 / (update + 1), 0.2);
  PetscMPIInt    rank;
  const PetscInt used = t->steps;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(t->comm, &rank));
  PetscCall(PetscMalloc1(t->chains, &all));
  PetscCall(FrgLatticeGatherRows(t->comm, t->chains, 1, block_sum, all));
  if (!rank)
    for (PetscInt c = 0; c < t->chains; c++) total += all[c]; /* chain order: the same sum on any number of ranks */
  PetscCallMPI(MPI_Bcast(&total, 1, MPIU_REAL, 0, t->comm));
  PetscCall(PetscFree(all));
  /* the block resolves acceptances within 1/(2n) of 0 and 1 only */
  mean      = PetscMin(PetscMax(total / (t->chains * block), 0.5 / (t->chains * block)), 1 - 0.5 / (t->chains * block));
  dh        = 4 * PetscSqr(FrgErfcInverse(mean));
  dh_target = 4 * PetscSqr(FrgErfcInverse(t->target));
  *log_c    = (update ? (1 - weight) * *log_c : 0) + (update ? weight : 1) * PetscLogReal(dh / PetscPowReal(t->step_size, 4));
  t->steps  = (PetscInt)PetscCeilReal(t->length * PetscPowReal(PetscExpReal(*log_c) / dh_target, 0.25) - 1e-9);
  if (settled && total / (t->chains * block) < t->target) *floor = PetscMax(*floor, used);
  t->steps = PetscMax(*floor + 1, t->steps);
  PetscCheck(t->steps <= FRG_HMC_STEPS_MAX, t->comm, PETSC_ERR_NOT_CONVERGED,
             "the step-size tuning asks for more than %d steps per trajectory (acceptance %g): shorten -hmc_length or check the couplings", FRG_HMC_STEPS_MAX,
             (double)mean);
  t->step_size = t->length / t->steps;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* A line at most every 5 s of rank 0's clock, and at the end of each phase. Collective only in effect: PetscPrintf
 * prints on rank 0, and the other ranks return at once. */
static PetscErrorCode FrgHMCProgress(FrgHMCTask *t, const char *phase, PetscInt done, PetscInt total, double start, double *last)
{
  const double now = MPI_Wtime();

  PetscFunctionBeginUser;
  if (!t->progress || (done < total && now - *last < 5.0)) PetscFunctionReturn(PETSC_SUCCESS);
  *last = now;
  PetscCall(PetscPrintf(t->comm, "hmc: %-14s %8" PetscInt_FMT " / %" PetscInt_FMT " trajectories per chain, %" PetscInt_FMT " steps of %.4g, %.1f s\n", phase, done, total,
                    t->steps, (double)t->step_size, now - start));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgHMCThermalize(FrgHMCTask *t)
{
  const PetscInt V = t->lattice.volume, tune_until = t->tune ? t->thermalize / 2 : 0;
  PetscReal     *block_sum, log_c = 0;
  PetscInt       in_block = 0, updates = 0, floor = 0;
  double         start = MPI_Wtime(), last = start;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(PetscMax(t->local, 1), &block_sum));
  for (PetscInt n = 0; n < t->thermalize; n++) {
    for (PetscInt c = 0; c < t->local; c++) {
      int    accepted;
      double dh;
      block_sum[c] += FrgHMCTrajectory(&t->lattice, &t->scheme, (int)t->steps, t->step_size, (uint64_t)t->seed, (uint64_t)(t->first + c), (uint32_t)(n + 1),
                                       t->phi + c * V, t->work, &accepted, &dh);
    }
    in_block++;
    if (n < tune_until && (in_block == FRG_HMC_TUNE_BLOCK || n + 1 == tune_until)) {
      PetscCall(FrgHMCTune(t, block_sum, in_block, updates++, (PetscBool)(2 * n >= tune_until), &log_c, &floor));
      PetscCall(PetscArrayzero(block_sum, PetscMax(t->local, 1)));
      in_block = 0;
    }
    PetscCall(FrgHMCProgress(t, "thermalization", n + 1, t->thermalize, start, &last));
  }
  PetscCall(PetscFree(block_sum));
  t->thermalize_seconds = MPI_Wtime() - start;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgHMCProduction(FrgHMCTask *t)
{
  const PetscInt V = t->lattice.volume, T = t->trajectories;
  double         start, last;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Barrier(t->comm));
  start = last = MPI_Wtime();
  for (PetscInt n = 0; n < T; n++) {
    for (PetscInt c = 0; c < t->local; c++) {
      PetscReal *phi = t->phi + c * V;
      int        accepted;
      double     dh;
      (void)FrgHMCTrajectory(&t->lattice, &t->scheme, (int)t->steps, t->step_size, (uint64_t)t->seed, (uint64_t)(t->first + c), (uint32_t)(t->thermalize + n + 1), phi,
                             t->work, &accepted, &dh);
      t->magnetization[c * T + n] = FrgLatticeMagnetization(&t->lattice, phi);
      t->delta_h[c * T + n]       = dh;
      t->accepted[c * T + n]      = accepted;
      if (t->saves && (n + 1) % t->save_every == 0 && (n + 1) / t->save_every <= t->saves)
        PetscCall(PetscArraycpy(t->saved + (c * t->saves + (n + 1) / t->save_every - 1) * V, phi, V));
    }
    PetscCall(FrgHMCProgress(t, "production", n + 1, T, start, &last));
  }
  t->seconds = MPI_Wtime() - start;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &t->seconds, 1, MPI_DOUBLE, MPI_MAX, t->comm));
  t->force_evaluations = T * FrgMDForceEvaluations(&t->scheme, (int)t->steps);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTaskHMC(MPI_Comm comm)
{
  FrgHMCTask t;
  PetscBool  help;

  PetscFunctionBeginUser;
  PetscCall(FrgStagePush(FRG_STAGE_SETUP));
  PetscCall(FrgHMCCreate(comm, &t));
  PetscCall(FrgStagePop());
  PetscCall(FrgHelpRequested(&help));
  if (!help) {
    PetscCall(FrgCheckUnusedOptions(comm));
    PetscCall(FrgHMCSetUp(&t));
    PetscCall(FrgOutputOpen(t.output)); /* claim the path before the work */
    PetscCall(FrgStagePush(FRG_STAGE_INTEGRATE));
    PetscCall(FrgHMCThermalize(&t));
    PetscCall(FrgHMCProduction(&t));
    PetscCall(FrgStagePop());
    PetscCall(FrgStagePush(FRG_STAGE_REPORT));
    PetscCall(FrgHMCReport(&t));
    PetscCall(FrgStagePop());
  }
  PetscCall(FrgHMCDestroy(&t));
  PetscFunctionReturn(PETSC_SUCCESS);
}
