/* FrgObservables: what a user reads off u = U' at one RG time. Each model names its observables and
 * computes them (FrgModel ops.observables); this file holds the computations and their shared pieces.
 *
 * O(N) model (odd grid, phi = sigma >= 0; FrgObservablesON):
 *   phi0            outermost minimum of U, the zero of u at the outermost sign change u_i <= 0 < u_{i+1}
 *                   (0 in the symmetric phase). In the IR of the broken phase U'' jumps at phi0 (the inner
 *                   side is flat, u ~ -k^2 phi ~ 0), so phi0 is the zero of the outer branch: the quadratic
 *                   whose cell averages match cells i+1..i+3, which is third order where u is smooth
 *                   and does not see the kink (linear interpolation between the flat cell i and cell
 *                   i+1 put phi0 at the kink's cell centre, an O(h) error: 0.75047 at 800 cells against
 *                   0.75274 at 1600 in the N = 1 default deck);
 *   m2_radial       U''(phi0), the slope of the same quadratic at phi0 (the outer side);
 *   m2_goldstone    U'(phi0)/phi0 = 0 (both are U''(0) in the symmetric phase);
 *   gamma2/4/6      d^n U/d phi^n at phi = 0, from the odd polynomial a1 phi + a3 phi^3 + a5 phi^5 + a7 phi^7
 *                   whose cell averages fit cells 1..M by least squares (-vertex_fit_cells M, default 5% of
 *                   the grid; the unknowns are cell averages, so the fit adds no O(h^2) error of its
 *                   own): gamma2 = a1, gamma4 = 3! a3, gamma6 = 5! a5;
 *   U0              U_k(0), the potential itself at phi = 0 (the free energy density), with the constant
 *                   the kernels subtract (include/frg/kernel.h: in d = 0 that normalizes the measure, so
 *                   U0 = -ln[(k^2/2 pi)^(N/2) int d^N chi exp(-S(chi) - k^2 chi^2/2)] exactly; doc/physics.md
 *                   2.1). The flow carries u = U' only: U at the face h/2 moves by the scheme's flux
 *                   there, G_{1/2}, and U(0) = U(h/2) - int_0^{h/2} u = U(h/2) - h u_1/8 + O(h^4) for odd u,
 *                   so U0 = U_Lambda(h/2) + int G_{1/2} dt - h u_1/8, the integral taken along the
 *                   solution by the integrator (src/integrate/quadrature.c; model->origin_flow).
 * One field without symmetry (-model field, two-sided grid; FrgObservablesField): in d = 0, Gamma_IR is
 * the Legendre transform of W, so its minimum lies at the mean <phi> and its derivatives there are
 * those of the Legendre transform of the cumulant series:
 *   phi0            the zero of u (the minimum of Gamma),
 *   gamma2/3/4      Gamma''(phi0), Gamma'''(phi0), Gamma''''(phi0) (1/c2, -c3/c2^3, -c4/c2^4 + 3 c3^2/c2^5
 *                   for the cumulants c_n of the target),
 * all from the polynomial sum_{p=0..5} b_p (phi - x)^p whose cell averages fit the M cells on either side of
 * the sign change by least squares (-vertex_fit_cells M, default 8), its zero found by Newton's method. */
#include <frg/impl.h>

#define FRG_FIT_MAX_TERMS 6

/* Householder QR of an m x n matrix (row-major, n <= FRG_FIT_MAX_TERMS), in place: R on and above the
 * diagonal, the reflectors v_c below it, with their first entries in qr[m n + c] and |v_c|^2 in
 * qr[m n + n + c] (qr holds m n + 2 n numbers). */
static void FrgLeastSquaresFactor(int m, int n, double *qr)
{
  double *A = qr, *vfirst = qr + m * n, *vnorm2 = qr + m * n + n;

  for (int c = 0; c < n; c++) {
    double norm = 0, alpha;
    for (int r = c; r < m; r++) norm += A[r * n + c] * A[r * n + c];
    norm  = sqrt(norm);
    alpha = A[c * n + c] > 0 ? -norm : norm;
    A[c * n + c] -= alpha; /* v = column - alpha e_c, stored in place */
    vnorm2[c] = 0;
    for (int r = c; r < m; r++) vnorm2[c] += A[r * n + c] * A[r * n + c];
    vfirst[c] = A[c * n + c];
    if (vnorm2[c] != 0)
      for (int k = c + 1; k < n; k++) { /* apply I - 2 v v^T/|v|^2 to column k */
        double dot = 0;
        for (int r = c; r < m; r++) dot += A[r * n + c] * A[r * n + k];
        for (int r = c; r < m; r++) A[r * n + k] -= 2 * dot / vnorm2[c] * A[r * n + c];
      }
    A[c * n + c] = alpha; /* R's diagonal */
  }
}

/* min |A c - b| with the factors of FrgLeastSquaresFactor; b is overwritten, c = its first n entries
 * on return. The same operations as a QR that transforms b alongside A. */
static void FrgLeastSquaresSolve(int m, int n, const double *qr, double *b)
{
  const double *A = qr, *vfirst = qr + m * n, *vnorm2 = qr + m * n + n;

  for (int c = 0; c < n; c++) {
    double dot = vfirst[c] * b[c];
    if (vnorm2[c] == 0) continue;
    for (int r = c + 1; r < m; r++) dot += A[r * n + c] * b[r];
    b[c] -= 2 * dot / vnorm2[c] * vfirst[c];
    for (int r = c + 1; r < m; r++) b[r] -= 2 * dot / vnorm2[c] * A[r * n + c];
  }
  for (int r = n - 1; r >= 0; r--) {
    for (int k = r + 1; k < n; k++) b[r] -= A[r * n + k] * b[k];
    b[r] /= A[r * n + r];
  }
}

/* The average of ((phi - x)/w)^p over the cell [lo, hi]. */
static inline double FrgCellAveragePower(double lo, double hi, double x, double w, int p)
{
  return (pow((hi - x) / w, p + 1) - pow((lo - x) / w, p + 1)) / ((p + 1) * ((hi - lo) / w));
}

/* The cells first .. first+count-1 on every rank (collective). */
static PetscErrorCode FrgObservablesGather(FrgGrid grid, Vec U, PetscInt first, PetscInt count, PetscReal values[])
{
  const PetscScalar *u;
  PetscReal         *mine;
  PetscInt           lo, hi;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(count, &mine));
  PetscCall(VecGetOwnershipRange(U, &lo, &hi));
  PetscCall(VecGetArrayRead(U, &u));
  for (PetscInt c = 0; c < count; c++)
    if (first + c >= lo && first + c < hi) mine[c] = u[first + c - lo];
  PetscCall(VecRestoreArrayRead(U, &u));
  PetscCall(MPIU_Allreduce(mine, values, (PetscMPIInt)count, MPIU_REAL, MPI_SUM, grid->comm));
  PetscCall(PetscFree(mine));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Outermost sign change u_i <= 0 < u_{i+1} over all ranks, from cell lowest on; the global index of i,
 * or -1. Collective. */
static PetscErrorCode FrgObservablesCrossing(FrgGrid grid, Vec U, PetscInt lowest, PetscInt *crossing)
{
  Vec                local;
  const PetscScalar *u;
  PetscInt           xs, xm, mine = -1;

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalVector(grid->da, &local));
  PetscCall(DMGlobalToLocalBegin(grid->da, U, INSERT_VALUES, local));
  PetscCall(DMGlobalToLocalEnd(grid->da, U, INSERT_VALUES, local));
  PetscCall(DMDAGetCorners(grid->da, &xs, NULL, NULL, &xm, NULL, NULL));
  PetscCall(DMDAVecGetArrayRead(grid->da, local, &u));
  for (PetscInt i = PetscMin(xs + xm, grid->cells - 1) - 1; i >= PetscMax(xs, lowest); i--) {
    if (u[i] <= 0 && u[i + 1] > 0) {
      mine = i;
      break;
    }
  }
  PetscCall(DMDAVecRestoreArrayRead(grid->da, local, &u));
  PetscCall(DMRestoreLocalVector(grid->da, &local));
  PetscCall(MPIU_Allreduce(&mine, crossing, 1, MPIU_INT, MPI_MAX, grid->comm));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The factored fit matrix of the vertices at phi = 0: the cell averages of (phi/phi_w)^p, p = 1, 3, 5, 7,
 * over cells 1..cells. It depends on the grid alone, so it is built once: its 320 pow calls were most
 * of the cost of the observables at each output time. */
static PetscErrorCode FrgObservablesOddFitMatrix(FrgGrid grid, PetscInt cells, const double **qr)
{
  const int    n = 4;
  const double h = grid->spacing, width = (cells + 0.5) * h;
  double      *A;

  PetscFunctionBeginUser;
  if (!grid->fit_qr) {
    PetscCall(PetscMalloc1(cells * n + 2 * n, &grid->fit_qr));
    A = grid->fit_qr;
    for (PetscInt r = 0; r < cells; r++)
      for (int m = 0; m < n; m++) A[r * n + m] = FrgCellAveragePower((r + 0.5) * h, (r + 1.5) * h, 0.0, width, 2 * m + 1);
    FrgLeastSquaresFactor((int)cells, n, A);
  }
  *qr = grid->fit_qr;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* gamma2, gamma4, gamma6 at phi = 0 (odd grids) from the cell averages of the first fit cells (cells
 * 1..fit_cells, in b, overwritten). A window of many cells averages out the cell-to-cell integration
 * error that an interpolation through few cells would amplify by 1/h^(n-1). Not collective. */
static PetscErrorCode FrgObservablesOddVertices(FrgGrid grid, double *b, PetscReal gamma[3])
{
  const PetscInt cells = grid->fit_cells;
  const double   width = (cells + 0.5) * grid->spacing;
  const double  *qr    = NULL;

  PetscFunctionBeginUser;
  PetscCall(FrgObservablesOddFitMatrix(grid, cells, &qr));
  FrgLeastSquaresSolve((int)cells, 4, qr, b);
  gamma[0] = b[0] / width;
  gamma[1] = 6.0 * b[1] / (width * width * width);
  gamma[2] = 120.0 * b[2] / pow(width, 5);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The polynomial sum_p b_p (phi - x)^p, p < terms, whose cell averages fit cells first..first+count-1 of
 * U (gathered into v) by least squares; b[p] returned unscaled. Not collective. */
static PetscErrorCode FrgObservablesLocalFit(FrgGrid grid, PetscInt first, PetscInt count, const PetscReal v[], double x, int terms, double b[])
{
  const double h = grid->spacing, w = 0.5 * count * h;
  double      *qr, *rhs;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(count * terms + 2 * terms, &qr, count, &rhs));
  for (PetscInt r = 0; r < count; r++) {
    const double centre = grid->phi_first + (first + r) * h;
    for (int p = 0; p < terms; p++) qr[r * terms + p] = FrgCellAveragePower(centre - 0.5 * h, centre + 0.5 * h, x, w, p);
    rhs[r] = v[r];
  }
  FrgLeastSquaresFactor((int)count, terms, qr);
  FrgLeastSquaresSolve((int)count, terms, qr, rhs);
  for (int p = 0; p < terms; p++) b[p] = rhs[p] / pow(w, p);
  PetscCall(PetscFree2(qr, rhs));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The zero of the fitted polynomial nearest x0, by Newton's method from x0 (the expansion point x0). */
static double FrgPolynomialZero(const double b[], int terms, double x0, double h)
{
  double dx = 0;

  for (int it = 0; it < 50; it++) {
    double value = 0, slope = 0, step;
    for (int p = terms - 1; p >= 0; p--) value = value * dx + b[p];
    for (int p = terms - 1; p >= 1; p--) slope = slope * dx + p * b[p];
    if (slope == 0) break;
    step = value / slope;
    dx -= step;
    if (PetscAbsReal(step) < 1e-15 * h) break;
  }
  return x0 + dx;
}

static const char *const FrgObservableNamesON[] = {"phi0", "m2_radial", "m2_goldstone", "gamma2", "gamma4", "gamma6", "U0"};

/* phi0 and U''(phi0) of the outer branch from the cells i..i+count-1 (v, cell averages; i the last cell
 * with u <= 0): the zero and slope of the quadratic of cells i+1..i+3 (count 4), or, at the grid's
 * edge, of the line through cells i, i+1 (count 2). Not collective. */
static PetscErrorCode FrgObservablesMinimumON(FrgGrid grid, PetscInt i, PetscInt count, const PetscReal v[], PetscReal *phi0, PetscReal *m2)
{
  PetscFunctionBeginUser;
  if (count == 4) {
    double       b[3];
    const double x = grid->phi_first + (i + 1) * grid->spacing;
    PetscCall(FrgObservablesLocalFit(grid, i + 1, 3, v + 1, x, 3, b));
    *phi0 = FrgPolynomialZero(b, 3, x, grid->spacing);
    *m2   = b[1] + 2 * b[2] * (*phi0 - x);
  } else {
    *phi0 = grid->phi_first + i * grid->spacing - grid->spacing * v[0] / (v[1] - v[0]);
    *m2   = (v[1] - v[0]) / grid->spacing;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The largest size of e relative to |u| over the cells of a window. */
static PetscReal FrgObservablesRelative(const PetscReal u[], const PetscReal e[], PetscInt cells)
{
  PetscReal eps = 0;

  for (PetscInt r = 0; r < cells; r++) eps = PetscMax(eps, u[r] != 0 ? e[r] / PetscAbsReal(u[r]) : (e[r] > 0 ? PETSC_INFINITY : 0));
  return eps;
}

/* The O(N) observables (see the banner); values[] in the order of FrgObservableNamesON. With E (the
 * summed local errors of the integration, >= 0), time[] gets the time part of their errors: the
 * largest change of phi0 and m2_radial when u moves by -E or +E; for the vertices, the relative size of
 * E in their window times their value (the local error estimates follow rtol |u|, so the time error in
 * the window has the shape of u; moving u by E itself credits the vertices with the arbitrary shape of
 * a sum of absolute values: gamma4 of a sextic potential 1e3 times its true time error). Collective. */
PETSC_INTERN PetscErrorCode FrgObservablesON(FrgModel model, FrgGrid grid, Vec U, Vec E, PetscReal values[], PetscReal time[])
{
  const PetscInt cells = grid->fit_cells;
  PetscInt       i, count;
  PetscReal      gamma[3] = {0, 0, 0}, eps = 0, v[4], e[4], w[4], phi0, m2;
  double        *b, *be;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(cells, &b, cells, &be));
  PetscCall(FrgObservablesGather(grid, U, 1, cells, b));
  if (E) {
    PetscCall(FrgObservablesGather(grid, E, 1, cells, be));
    eps = FrgObservablesRelative(b, be, cells);
  }
  {
    PetscReal U_half;
    PetscCall(FrgModelPotential(model, 0.5 * grid->spacing, &U_half));
    values[6] = U_half + model->origin_flow - 0.125 * grid->spacing * b[0]; /* b[0] = u_1, before the fit overwrites b */
    /* the time error of the integrand, relative as that of u near 0, plus that of u_1 */
    if (time) time[6] = eps * model->origin_flow_abs + (E ? 0.125 * grid->spacing * be[0] : 0.0);
  }
  PetscCall(FrgObservablesOddVertices(grid, b, gamma));
  PetscCall(PetscFree2(b, be));
  values[3] = gamma[0], values[4] = gamma[1], values[5] = gamma[2];
  for (int c = 0; time && c < 6; c++) time[c] = c >= 3 ? eps * PetscAbsReal(values[c]) : 0.0;
  PetscCall(FrgObservablesCrossing(grid, U, 1, &i));
  if (i < 0) { /* symmetric phase */
    values[0] = 0.0, values[1] = gamma[0], values[2] = gamma[0];
    if (time) time[1] = time[2] = time[3];
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  count = i + 3 < grid->cells ? 4 : 2;
  PetscCall(FrgObservablesGather(grid, U, i, count, v));
  PetscCall(FrgObservablesMinimumON(grid, i, count, v, &values[0], &values[1]));
  values[2] = 0.0;
  if (!E || !time) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCall(FrgObservablesGather(grid, E, i, count, e));
  for (int sign = -1; sign <= 1; sign += 2) {
    for (PetscInt c = 0; c < count; c++) w[c] = v[c] + sign * e[c];
    PetscCall(FrgObservablesMinimumON(grid, i, count, w, &phi0, &m2));
    time[0] = PetscMax(time[0], PetscAbsReal(phi0 - values[0]));
    time[1] = PetscMax(time[1], PetscAbsReal(m2 - values[1]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

static const char *const FrgObservableNamesField[] = {"phi0", "gamma2", "gamma3", "gamma4"};

/* phi0 and the derivatives gamma2..gamma4 of Gamma at phi0 from the cell averages v of cells
 * first..first+count-1 around the sign change after cell i. Not collective. */
static PetscErrorCode FrgObservablesMinimumField(FrgGrid grid, PetscInt i, PetscInt first, PetscInt count, const PetscReal v[], PetscReal values[4])
{
  double    b[FRG_FIT_MAX_TERMS], x, dx;
  const int terms = FRG_FIT_MAX_TERMS;

  PetscFunctionBeginUser;
  x = grid->phi_first + (i + 0.5) * grid->spacing; /* expand about the sign change */
  PetscCall(FrgObservablesLocalFit(grid, first, count, v, x, terms, b));
  values[0] = FrgPolynomialZero(b, terms, x, grid->spacing);
  dx        = values[0] - x;
  /* Gamma^(n+1)(phi0) = u^(n)(phi0) = sum_{p >= n} p!/(p-n)! b_p dx^(p-n), by Horner's rule */
  for (int n = 1; n <= 3; n++) {
    double derivative = 0;
    for (int p = terms - 1; p >= n; p--) {
      double falling = 1;
      for (int q = 0; q < n; q++) falling *= p - q;
      derivative = derivative * dx + falling * b[p];
    }
    values[n] = derivative;
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The observables of one field without symmetry (see the banner): values[] in the order of
 * FrgObservableNamesField; NaN without a minimum on the grid. With E, time[] gets their largest change
 * when u moves by -E or +E (the time part of their errors). Collective. */
PETSC_INTERN PetscErrorCode FrgObservablesField(FrgModel model, FrgGrid grid, Vec U, Vec E, PetscReal values[], PetscReal time[])
{
  PetscInt   i, first, count;
  PetscReal *v, *e, *w, moved[4];

  PetscFunctionBeginUser;
  for (int c = 0; time && c < 4; c++) time[c] = 0;
  PetscCall(FrgObservablesCrossing(grid, U, 0, &i));
  if (i < 0) {
    for (int c = 0; c < 4; c++) values[c] = NAN;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  /* a window of fixed cells, not of fixed width: the degree-5 fit's own error falls with the window
   * (as w^(6-n) in the n-th derivative), and two grids then see it differently, so the estimate sees
   * it; 5% of the grid had given gamma3 1.7% off at 801 cells, alike on both grids */
  count = PetscMin(2 * (grid->fit_cells_set ? grid->fit_cells : 8), grid->cells);
  first = PetscMin(PetscMax(i + 1 - count / 2, 0), grid->cells - count);
  PetscCall(PetscMalloc3(count, &v, count, &e, count, &w));
  PetscCall(FrgObservablesGather(grid, U, first, count, v));
  PetscCall(FrgObservablesMinimumField(grid, i, first, count, v, values));
  if (E && time) {
    PetscCall(FrgObservablesGather(grid, E, first, count, e));
    for (int sign = -1; sign <= 1; sign += 2) {
      for (PetscInt c = 0; c < count; c++) w[c] = v[c] + sign * e[c];
      PetscCall(FrgObservablesMinimumField(grid, i, first, count, w, moved));
      for (int c = 0; c < 4; c++) time[c] = PetscMax(time[c], PetscAbsReal(moved[c] - values[c]));
    }
  }
  PetscCall(PetscFree3(v, e, w));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The observables' names of the models of src/physics (their registry entries point here). */
PETSC_INTERN PetscErrorCode FrgObservablesSetModel(FrgModel model, PetscBool odd)
{
  PetscFunctionBeginUser;
  model->observables      = odd ? FrgObservablesON : FrgObservablesField;
  model->observable_names = odd ? FrgObservableNamesON : FrgObservableNamesField;
  model->observable_count = odd ? (PetscInt)PETSC_STATIC_ARRAY_LENGTH(FrgObservableNamesON) : (PetscInt)PETSC_STATIC_ARRAY_LENGTH(FrgObservableNamesField);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* t, k and the model's observables of u at t. Collective. */
PetscErrorCode FrgObservablesCompute(FrgGrid grid, FrgModel model, PetscReal t, Vec U, FrgObservables *obs)
{
  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(FRG_EVENT_OBSERVABLES, 0, 0, 0, 0));
  PetscCall(PetscMemzero(obs, sizeof(*obs)));
  obs->t = t;
  PetscCall(FrgModelGetScale(model, t, &obs->k));
  obs->count = model->observable_count;
  PetscCall(model->observables(model, grid, U, NULL, obs->value, NULL));
  PetscCall(PetscLogEventEnd(FRG_EVENT_OBSERVABLES, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The error estimate of each observable of fine (src/driver/estimate.c): its difference from the same
 * observable of the coarse solve (the spatial part) plus the time part the model derives from E, the
 * summed local errors of the flow's steps. Collective. */
PetscErrorCode FrgObservablesEstimate(FrgGrid grid, FrgModel model, Vec U, Vec E, FrgObservables *fine, const FrgObservables *coarse)
{
  PetscReal values[FRG_OBSERVABLE_MAX], time[FRG_OBSERVABLE_MAX];

  PetscFunctionBeginUser;
  PetscCheck(fine->count == coarse->count, PETSC_COMM_SELF, PETSC_ERR_ARG_INCOMP, "the estimate has %" PetscInt_FMT " observables, the flow %" PetscInt_FMT, coarse->count, fine->count);
  PetscCall(model->observables(model, grid, U, E, values, time));
  for (PetscInt c = 0; c < fine->count; c++) {
    const PetscReal space = PetscAbsReal(fine->value[c] - coarse->value[c]);
    fine->error[c]        = PetscIsNanReal(space + time[c]) ? PETSC_INFINITY : space + time[c];
  }
  fine->estimated = PETSC_TRUE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Whether observable c is converged: its estimated error is at most FRG_CONVERGED relative (an exact 0
 * with error 0, e.g. m2_goldstone in the broken phase, is). Without an estimate, true. Not collective. */
PetscBool FrgObservablesConverged(const FrgObservables *obs, PetscInt c)
{
  if (!obs->estimated) return PETSC_TRUE;
  if (!(obs->error[c] >= 0)) return PETSC_FALSE; /* NaN */
  return (PetscBool)(obs->error[c] <= FRG_CONVERGED * PetscMax(PetscAbsReal(obs->value[c]), obs->scale[c] > 0 ? obs->scale[c] : 0));
}

/* "name = value" with its error: "± error" and "(unconverged)" above FRG_CONVERGED relative (to the
 * observable's scale where that is larger than the value). */
void FrgObservablesFormat(const FrgObservables *obs, PetscInt c, const char name[], int digits, char *text, size_t len)
{
  int n = snprintf(text, len, "%s = %.*g", name, digits, (double)obs->value[c]);

  if (obs->estimated && n > 0 && (size_t)n < len) n += snprintf(text + n, len - (size_t)n, " ± %.2g", (double)obs->error[c]);
  if (!FrgObservablesConverged(obs, c) && n > 0 && (size_t)n < len) (void)snprintf(text + n, len - (size_t)n, " (unconverged)");
}

/* The "observables" lines of a flow summary, one per observable, names[c] for obs->value[c]. Collective. */
PetscErrorCode FrgObservablesPrint(MPI_Comm comm, const FrgObservables *obs, const char *const names[])
{
  char item[256];

  PetscFunctionBeginUser;
  for (PetscInt c = 0; c < obs->count; c++) {
    FrgObservablesFormat(obs, c, names[c], 12, item, sizeof(item));
    PetscCall(PetscPrintf(comm, "  %-19s %s\n", c ? "" : "observables", item));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}
