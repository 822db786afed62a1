/* Output of task "sample": the summary on stdout and the HDF5 file.
 *   /samples                 the samples [count] (-model field) or [count, N] (-model on) in global particle
 *                            order, written collectively: each rank writes its own block (hyperslab)
 *   /comparison              attributes: exact, FRG and sample numbers (src/diffusion/report.c)
 *   /comparison/score        s, error_abs, error_rel, error_max, moreau_rms, density_error_rel, route_difference_rel
 *                            per -score_check_s
 *   /comparison/transport    x_start, x_end, x_exact of the first particles (probability-flow samplers)
 *   /score_flow              phi [cells], s [levels], u [levels, cells] (cell averages of u = Gamma_R' at the
 *                            table levels), check_s and u_check [checks, cells], u_ir [cells]
 *   /target                  phi, p: the exact density on every 10th quadrature node
 *   /parameters, /summary    attributes */
#include "report.h"
#include <frg/output.h>

/* A replicated array [rows, cols] (rows = 0: 1D [cols]) written by rank 0; creation is collective. */
static PetscErrorCode FrgH5WriteReplicated(MPI_Comm comm, hid_t file, const char name[], PetscInt rows, PetscInt cols, const PetscReal *data)
{
  hsize_t dims[2]   = {(hsize_t)rows, (hsize_t)cols};
  const int rank_of = rows > 0 ? 2 : 1;
  hid_t space, dset, dxpl;
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  if (rows == 0) dims[0] = (hsize_t)cols;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  space = H5Screate_simple(rank_of, dims, NULL);
  dset  = H5Dcreate2(file, name, H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(dset >= 0, comm, PETSC_ERR_FILE_WRITE, "cannot create HDF5 dataset %s", name);
  if (rank) FrgCallHDF5(comm, H5Sselect_none(space));
  PetscCall(FrgH5TransferCollective(comm, &dxpl));
  FrgCallHDF5Collective(comm, H5Dwrite(dset, H5T_NATIVE_DOUBLE, space, space, dxpl, data));
  FrgCallHDF5(comm, H5Pclose(dxpl));
  FrgCallHDF5(comm, H5Sclose(space));
  FrgCallHDF5(comm, H5Dclose(dset));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The distributed samples: rank r writes [first, first + local). */
/* The distributed samples [count] (one field) or [count, N] (O(N)): rank r writes rows [first, first + local). */
static PetscErrorCode FrgH5WriteSamples(FrgSampleTask *st, hid_t file)
{
  const int N = (int)st->flow.components, rank_of = st->flow.radial ? 2 : 1;
  hsize_t dims[2] = {(hsize_t)st->count, (hsize_t)N}, offset[2] = {(hsize_t)st->first, 0}, count[2] = {(hsize_t)st->local, (hsize_t)N};
  hid_t space, mem, dset, dxpl;

  PetscFunctionBeginUser;
  space = H5Screate_simple(rank_of, dims, NULL);
  dset  = H5Dcreate2(file, "/samples", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(dset >= 0, st->comm, PETSC_ERR_FILE_WRITE, "cannot create HDF5 dataset /samples");
  mem = H5Screate_simple(rank_of, count, NULL);
  if (st->local)
    FrgCallHDF5(st->comm, H5Sselect_hyperslab(space, H5S_SELECT_SET, offset, NULL, count, NULL));
  else {
    FrgCallHDF5(st->comm, H5Sselect_none(space));
    FrgCallHDF5(st->comm, H5Sselect_none(mem));
  }
  PetscCall(FrgH5TransferCollective(st->comm, &dxpl));
  FrgCallHDF5Collective(st->comm, H5Dwrite(dset, H5T_NATIVE_DOUBLE, mem, space, dxpl, st->x));
  FrgCallHDF5(st->comm, H5Pclose(dxpl));
  FrgCallHDF5(st->comm, H5Sclose(mem));
  FrgCallHDF5(st->comm, H5Sclose(space));
  FrgCallHDF5(st->comm, H5Dclose(dset));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective. Rates per rank: all particle-steps over the slowest rank's sampling time and the ranks. */
PetscErrorCode FrgSampleTiming(FrgSampleTask *st, FrgComparison *c)
{
  long evaluations;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(st->comm, &size));
  PetscCallMPI(MPI_Allreduce(&st->evaluations, &evaluations, 1, MPI_LONG, MPI_SUM, st->comm));
  c->sample_seconds                = st->seconds;
  c->flow_seconds                  = st->flow.seconds;
  c->score_evaluations_per_second  = evaluations / PetscMax(st->seconds, 1e-300) / size;
  c->particle_steps_per_second     = st->sampler == FRG_SAMPLER_PF_ODE ? 0.0 : (double)st->count * st->steps / PetscMax(st->seconds, 1e-300) / size;
  c->sample_cpu_seconds            = st->cpu_seconds;
  c->pf_ode_steps_mean             = st->sampler == FRG_SAMPLER_PF_ODE ? ((double)evaluations / st->count - 1) / 3 : 0.0;
  c->particle_steps_per_cpu_second = st->sampler == FRG_SAMPLER_PF_ODE ? 0.0 : (double)st->count * st->steps / PetscMax(st->cpu_seconds, 1e-300) / size;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgSamplePrint(FrgSampleTask *st, const FrgComparison *c, const FrgReportArrays *a)
{
  MPI_Comm comm = st->comm;
  const char *name;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(FrgOutputGetName(st->output, &name));
  PetscCall(PetscPrintf(comm, "\nfrg sample summary (%s)\n", name));
  PetscCall(PetscPrintf(comm, "  target              S(phi) = %s on [%g, %g]%s\n", st->flow.model->potential, st->flow.radial ? 0.0 : -(double)st->flow.phi_max,
                        (double)st->flow.phi_max, st->flow.radial ? " (radius |phi|, O(N))" : ""));
  PetscCall(PetscPrintf(comm, "  flow                %ld steps, %.3f s; score table %d levels x %d points, s in [%g, %g]\n", st->flow.stats.steps,
                        c->flow_seconds, st->flow.table.levels, st->flow.table.points, (double)st->s_min, (double)st->s_max));
  if (!st->flow.radial && !st->flow.density_table.node)
    PetscCall(PetscPrintf(comm, "  density route       not solved (-score_compare_routes 0)\n"));
  else if (!st->flow.radial)
    PetscCall(PetscPrintf(comm, "  density route       %ld steps, %.3f s; the samplers use the %s score\n", st->flow.density_steps, st->flow.density_seconds,
                          st->flow.density ? "density-route" : "flow's"));
  if (st->sampler == FRG_SAMPLER_PF_ODE)
    PetscCall(PetscPrintf(comm,
                          "  sampler             pf_ode, adaptive RK3(2), rtol %g, %.1f steps per sample, %" PetscInt_FMT " samples on %d rank%s, %.3f s\n",
                          (double)st->rtol, c->pf_ode_steps_mean, st->count, size, size > 1 ? "s" : "", c->sample_seconds));
  else
    PetscCall(PetscPrintf(comm, "  sampler             %s, %s schedule, %" PetscInt_FMT " steps, %" PetscInt_FMT " samples on %d rank%s, %.3f s\n",
                          FrgSamplerTypes[st->sampler], FrgScheduleTypes[st->schedule], st->steps, st->count, size, size > 1 ? "s" : "", c->sample_seconds));
  PetscCall(PetscPrintf(comm, "  speed per rank      %.4g particle-steps/s, %.4g score evaluations/s (wall clock); %.4g particle-steps per CPU second\n",
                        c->particle_steps_per_second, c->score_evaluations_per_second, c->particle_steps_per_cpu_second));
  for (PetscInt k = 0; k < st->ncheck; k++)
    PetscCall(PetscPrintf(comm,
                          "  score vs Tweedie    s = %-8g flow: abs %.2e rel %.2e max %.2e | density route: rel %.2e | routes differ %.2e | Moreau rms %.2e\n",
                          (double)st->check_s[k], a->score_abs[k], a->score_rel[k], a->score_max[k], a->density_rel[k], a->route_diff[k], a->moreau_rms[k]));
  if (st->flow.radial)
    PetscCall(PetscPrintf(comm, "  O(N), N = %" PetscInt_FMT "       statistics of the radius |phi|: <phi> is <|phi|>, <phi^4> is <(phi^2)^2>\n",
                          st->flow.components));
  PetscCall(PetscPrintf(comm, "  <phi>               exact %.8f  sample %.8f +- %.2e\n", c->exact_mean, c->sample_mean, c->sample_mean_se));
  PetscCall(PetscPrintf(comm, "  <phi^2>             exact %.8f  sample %.8f +- %.2e  (%.2f s.e.)\n", c->exact_phi2, c->sample_phi2, c->sample_phi2_se,
                        (c->sample_phi2 - c->exact_phi2) / c->sample_phi2_se));
  PetscCall(PetscPrintf(comm, "  <phi^4>             exact %.8f  sample %.8f +- %.2e  (%.2f s.e.)\n", c->exact_phi4, c->sample_phi4, c->sample_phi4_se,
                        (c->sample_phi4 - c->exact_phi4) / c->sample_phi4_se));
  PetscCall(PetscPrintf(comm, "  W1                  %.4e  (i.i.d. floor %.4e +- %.1e)\n", c->w1, c->w1_floor, c->w1_floor_sd));
  PetscCall(PetscPrintf(comm, "  KS                  %.4e  (i.i.d. floor %.4e +- %.1e)\n", c->ks, c->ks_floor, c->ks_floor_sd));
  PetscCall(PetscPrintf(comm, "  mode weight         P(phi < %.4f): exact %.6f  sample %.6f +- %.1e\n", c->mode_split, c->mode_weight_exact,
                        c->mode_weight_sample, c->mode_weight_se));
  PetscCall(PetscPrintf(comm, "  vertices exact      at %s = %.8f: Gamma2 = %.10g, Gamma3 = %.10g, Gamma4 = %.10g\n", st->flow.radial ? "phi" : "<phi>",
                        st->flow.radial ? 0.0 : c->exact_mean, c->exact_gamma2, c->exact_gamma3, c->exact_gamma4));
  PetscCall(PetscPrintf(comm, "  vertices FRG (IR)   at phi_min = %.8f: Gamma2 = %.10g, Gamma3 = %.10g, Gamma4 = %.10g\n", c->frg_phi_min, c->frg_gamma2,
                        c->frg_gamma3, c->frg_gamma4));
  if (st->sampler != FRG_SAMPLER_EM && !st->flow.radial)
    PetscCall(PetscPrintf(comm, "  flow map vs OT map  rms %.3e, max %.3e over %" PetscInt_FMT " particles\n", c->ot_rms, c->ot_max, a->ot_count));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Names of the FrgComparison fields, in their order (the struct holds only doubles). */
static const char *const FrgComparisonNames[] = {"exact_mean",
                                                 "exact_phi2",
                                                 "exact_phi4",
                                                 "exact_gamma2",
                                                 "exact_gamma3",
                                                 "exact_gamma4",
                                                 "frg_phi_min",
                                                 "frg_gamma2",
                                                 "frg_gamma3",
                                                 "frg_gamma4",
                                                 "sample_mean",
                                                 "sample_mean_se",
                                                 "sample_phi2",
                                                 "sample_phi2_se",
                                                 "sample_phi4",
                                                 "sample_phi4_se",
                                                 "w1",
                                                 "ks",
                                                 "w1_floor",
                                                 "w1_floor_sd",
                                                 "ks_floor",
                                                 "ks_floor_sd",
                                                 "mode_split",
                                                 "mode_weight_exact",
                                                 "mode_weight_sample",
                                                 "mode_weight_se",
                                                 "ot_rms",
                                                 "ot_max",
                                                 "particle_steps_per_second",
                                                 "score_evaluations_per_second",
                                                 "sample_seconds",
                                                 "flow_seconds",
                                                 "particle_steps_per_cpu_second",
                                                 "sample_cpu_seconds",
                                                 "pf_ode_steps_mean"};

static PetscErrorCode FrgSampleWriteFlow(FrgSampleTask *st, hid_t file)
{
  FrgScoreFlow *sf = &st->flow;
  PetscReal *buffer;
  const int n = (int)sf->full_cells, stride = 10, m = (st->target.n - 1) / stride + 1;
  hid_t group;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(PetscMax(PetscMax(n, sf->levels), 2 * m), &buffer));
  PetscCall(FrgH5OpenGroup(st->comm, file, "/score_flow", &group));
  FrgCallHDF5(st->comm, H5Gclose(group));
  for (int i = 0; i < n; i++) buffer[i] = sf->full_first + i * sf->h;
  PetscCall(FrgH5WriteReplicated(st->comm, file, "/score_flow/phi", 0, n, buffer));
  for (PetscInt l = 0; l < sf->levels; l++) buffer[l] = PetscExpReal(sf->table.tau0 + l * sf->table.dtau);
  PetscCall(FrgH5WriteReplicated(st->comm, file, "/score_flow/s", 0, sf->levels, buffer));
  PetscCall(FrgH5WriteReplicated(st->comm, file, "/score_flow/u", sf->levels, n, sf->u_levels));
  PetscCall(FrgH5WriteReplicated(st->comm, file, "/score_flow/u_ir", 0, n, sf->u_ir));
  if (st->ncheck) {
    PetscCall(FrgH5WriteReplicated(st->comm, file, "/score_flow/check_s", 0, st->ncheck, st->check_s));
    PetscCall(FrgH5WriteReplicated(st->comm, file, "/score_flow/u_check", st->ncheck, n, sf->u_snap));
  }
  PetscCall(FrgH5OpenGroup(st->comm, file, "/target", &group));
  FrgCallHDF5(st->comm, H5Gclose(group));
  for (int i = 0; i < m; i++) buffer[i] = st->target.phi[i * stride], buffer[m + i] = st->target.p[i * stride];
  PetscCall(FrgH5WriteReplicated(st->comm, file, "/target/phi", 0, m, buffer));
  PetscCall(FrgH5WriteReplicated(st->comm, file, "/target/p", 0, m, buffer + m));
  PetscCall(PetscFree(buffer));
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode FrgSampleWriteParameters(FrgSampleTask *st)
{
  const char *names[] = {"sample_count",
                         "sample_steps",
                         "sample_s_max",
                         "sample_s_min",
                         "sample_seed",
                         "sample_rtol",
                         "Lambda",
                         "t_ir",
                         "s_uv",
                         "s_ir",
                         "grid_cells",
                         "grid_phi_max",
                         "score_levels",
                         "score_table_points",
                         "prior_mean",
                         "prior_variance",
                         "ranks",
                         "sample_floor_replicas",
                         "target_quadrature_nodes",
                         "N"};
  PetscMPIInt size;
  PetscReal v[20];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(st->comm, &size));
  v[0]  = (PetscReal)st->count;
  v[1]  = (PetscReal)st->steps;
  v[2]  = st->s_max;
  v[3]  = st->s_min;
  v[4]  = (PetscReal)st->seed;
  v[5]  = st->rtol;
  v[6]  = st->flow.Lambda;
  v[7]  = st->flow.t_ir;
  v[8]  = st->flow.s_uv;
  v[9]  = st->flow.s_ir;
  v[10] = (PetscReal)st->flow.cells;
  v[11] = st->flow.phi_max;
  v[12] = (PetscReal)st->flow.levels;
  v[13] = (PetscReal)st->flow.points;
  v[14] = st->prior_mean;
  v[15] = st->prior_variance;
  v[16] = (PetscReal)size;
  v[17] = (PetscReal)st->floor_replicas;
  v[18] = (PetscReal)st->nodes;
  v[19] = (PetscReal)st->flow.components;
  PetscCall(FrgOutputWriteAttributes(st->output, "/parameters", names, v, 20));
  PetscCall(FrgOutputWriteStringAttribute(st->output, "/parameters", "model", st->flow.model->type));
  PetscCall(FrgOutputWriteStringAttribute(st->output, "/parameters", "potential", st->flow.model->potential));
  PetscCall(FrgOutputWriteStringAttribute(st->output, "/parameters", "sampler", FrgSamplerTypes[st->sampler]));
  PetscCall(FrgOutputWriteStringAttribute(st->output, "/parameters", "sample_schedule", FrgScheduleTypes[st->schedule]));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgSampleWrite(FrgSampleTask *st, const FrgComparison *c, const FrgReportArrays *a, const PetscReal *start, const PetscReal *all)
{
  const PetscInt count       = (PetscInt)(sizeof(FrgComparisonNames) / sizeof(FrgComparisonNames[0]));
  const PetscReal *score[7]  = {st->check_s, a->score_abs, a->score_rel, a->score_max, a->moreau_rms, a->density_rel, a->route_diff};
  const char *score_names[7] = {"s", "error_abs", "error_rel", "error_max", "moreau_rms", "density_error_rel", "route_difference_rel"};
  const char *ot_names[3]    = {"x_start", "x_end", "x_exact"};
  const PetscReal *ot[3]     = {start, all, a->ot_exact};

  PetscFunctionBeginUser;
  PetscCheck(count * sizeof(double) == sizeof(FrgComparison), st->comm, PETSC_ERR_PLIB, "FrgComparisonNames does not match FrgComparison");
  PetscCall(FrgOutputOpen(st->output));
  PetscCall(FrgH5WriteSamples(st, st->output->file));
  PetscCall(FrgOutputWriteAttributes(st->output, "/comparison", (const char **)FrgComparisonNames, (const PetscReal *)c, count));
  PetscCall(FrgOutputWriteScalars(st->output, "/comparison/score", score_names, score, 7, st->ncheck));
  if (a->ot_count) PetscCall(FrgOutputWriteScalars(st->output, "/comparison/transport", ot_names, ot, 3, a->ot_count));
  PetscCall(FrgSampleWriteFlow(st, st->output->file));
  PetscCall(FrgSampleWriteParameters(st));
  PetscCall(FrgOutputWriteAttributes(st->output, "/summary", (const char **)FrgComparisonNames, (const PetscReal *)c, count));
  PetscCall(FrgOutputClose(st->output, PETSC_TRUE));
  PetscFunctionReturn(PETSC_SUCCESS);
}
