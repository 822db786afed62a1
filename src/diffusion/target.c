/* The exact target p_0 = e^{-S}/Z of -model field on a uniform quadrature grid over the field range
 * [-phi_max, phi_max] (for -model on: the density sigma^{N-1} e^{-U(sigma)} of the radius on [0, phi_max]),
 * after checking that it is a probability density the flow can represent:
 *   - normalizable: S grows without bound, checked at phi = +-phi_max 2^k, k = 0..6 (S increasing and
 *     at least 50 above its minimum at the outermost points), so that e^{-S} is integrable;
 *   - inside the field range: e^{-S} at +-phi_max is below e^{-30} of its maximum, else the grid cuts
 *     off mass and the extrapolated boundaries of the flow corrupt the score. */
#include "sampler.h"

static PetscErrorCode FrgTargetCheckGrowth(FrgModel model, PetscReal phi_max, PetscReal Smin, PetscBool radial)
{
  PetscFunctionBeginUser;
  for (int sign = radial ? 1 : -1; sign <= 1; sign += 2) {
    PetscReal previous = -PETSC_MAX_REAL, S = 0, phi = 0;
    for (int k = 0; k <= 6; k++) {
      phi = sign * phi_max * (PetscReal)(1 << k);
      PetscCall(FrgModelPotential(model, phi, &S));
      PetscCheck(!PetscIsNanReal(S) && S > previous, model->comm, PETSC_ERR_USER_INPUT,
                 "-potential \"%s\" is not normalizable: S does not grow as phi -> %s infinity (S(%g) = %g), so e^{-S} is no probability density",
                 model->potential, sign < 0 ? "-" : "+", (double)phi, (double)S);
      previous = S;
    }
    PetscCheck(S - Smin > 50, model->comm, PETSC_ERR_USER_INPUT,
               "-potential \"%s\" is not normalizable: S(%g) - min S = %g, e^{-S} does not decay at large |phi|", model->potential, (double)phi,
               (double)(S - Smin));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTargetCreate(FrgModel model, PetscReal phi_max, PetscInt nodes, PetscBool radial, PetscInt N, FrgTarget *t)
{
  PetscReal *S, Smin = PETSC_MAX_REAL, U;

  PetscFunctionBeginUser;
  PetscCheck(nodes >= 101 && nodes % 2 == 1, model->comm, PETSC_ERR_USER_INPUT, "-target_quadrature_nodes must be odd and >= 101, got %" PetscInt_FMT, nodes);
  t->n = (int)nodes;
  t->a = radial ? 0.0 : -phi_max;
  t->h = (phi_max - t->a) / (nodes - 1);
  PetscCall(PetscMalloc4(nodes, &t->phi, nodes, &t->p, nodes, &t->logp, nodes, &t->cdf));
  PetscCall(PetscMalloc1(nodes, &S));
  for (PetscInt i = 0; i < nodes; i++) {
    t->phi[i] = t->a + i * t->h;
    PetscCall(FrgModelPotential(model, t->phi[i], &U));
    PetscCheck(PetscIsNormalReal(U) || U == 0, model->comm, PETSC_ERR_USER_INPUT, "-potential \"%s\" is not finite at phi = %g", model->potential,
               (double)t->phi[i]);
    /* O(N): the density of the radius sigma = |phi| carries the measure sigma^{N-1} */
    S[i] = radial && N > 1 ? (i ? U - (N - 1) * PetscLogReal(t->phi[i]) : PETSC_INFINITY) : U;
    if (i || !radial || N == 1) Smin = PetscMin(Smin, S[i]);
  }
  PetscCall(FrgTargetCheckGrowth(model, phi_max, Smin, radial));
  PetscCheck(
      (radial || S[0] - Smin >= 30) && S[nodes - 1] - Smin >= 30, model->comm, PETSC_ERR_USER_INPUT,
      "-grid_phi_max = %g is too small for the target: e^{-S} at the ends of the field range is still %.3g of its maximum (need < 1e-13); raise -grid_phi_max",
      (double)phi_max, (double)PetscExpReal(-PetscMin(radial ? S[nodes - 1] : S[0], S[nodes - 1]) + Smin));
  FrgTargetNormalize(t, S);
  PetscCall(PetscFree(S));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgTargetDestroy(FrgTarget *t)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree4(t->phi, t->p, t->logp, t->cdf));
  PetscFunctionReturn(PETSC_SUCCESS);
}
