/* FrgSignature: the options that decide the physics and the grid of a flow, as (name, value text)
 * pairs. A checkpoint stores them; a restart compares them with its own and refuses a checkpoint of
 * other physics, naming the first option that differs and both values (a leftover checkpoint of a
 * changed deck must not contaminate the new run). t_IR is not part of it: a restart may go further. */
#include <frg/impl.h>
#include <frg/signature.h>
#include <stdarg.h>

/* Adds name = value (printf format). Not collective. */
PetscErrorCode FrgSignatureAdd(FrgSignature *sig, const char name[], const char format[], ...)
{
  char    value[FRG_EXPR_LEN];
  va_list args;

  PetscFunctionBeginUser;
  PetscCheck(sig->count < FRG_SIGNATURE_MAX, PETSC_COMM_SELF, PETSC_ERR_PLIB, "more than %d signature entries", FRG_SIGNATURE_MAX);
  va_start(args, format);
  (void)vsnprintf(value, sizeof(value), format, args);
  va_end(args);
  PetscCall(PetscStrallocpy(name, &sig->name[sig->count]));
  PetscCall(PetscStrallocpy(value, &sig->value[sig->count]));
  sig->count++;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgSignatureDestroy(FrgSignature *sig)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < sig->count; i++) {
    PetscCall(PetscFree(sig->name[i]));
    PetscCall(PetscFree(sig->value[i]));
  }
  sig->count = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The signature of a flow: its model, grid and whether it carries an error estimate. Not collective. */
PetscErrorCode FrgSignatureOfFlow(FrgModel model, FrgGrid grid, PetscBool estimate, FrgSignature *sig)
{
  PetscFunctionBeginUser;
  PetscCall(FrgSignatureAdd(sig, "model", "%s", model->type));
  PetscCall(FrgSignatureAdd(sig, "N", "%.17g", (double)model->N));
  PetscCall(FrgSignatureAdd(sig, "d", "%.17g", (double)model->d));
  PetscCall(FrgSignatureAdd(sig, "Lambda", "%.17g", (double)model->Lambda));
  PetscCall(FrgSignatureAdd(sig, "potential", "%s", model->potential));
  if (model->ops.signature) PetscCall(model->ops.signature(model, sig));
  PetscCall(FrgSignatureAdd(sig, "grid_cells", "%" PetscInt_FMT, grid->cells));
  PetscCall(FrgSignatureAdd(sig, "grid_phi_max", "%.17g", (double)grid->phi_max));
  PetscCall(FrgSignatureAdd(sig, "vertex_fit_cells", "%" PetscInt_FMT, grid->fit_cells));
  PetscCall(FrgSignatureAdd(sig, "error_estimate", "%s", estimate ? "true" : "false"));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Fails on comm, naming the option and both values, unless stored (from path) equals current. */
PetscErrorCode FrgSignatureCompare(MPI_Comm comm, const char path[], const FrgSignature *stored, const FrgSignature *current)
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < current->count; i++) {
    PetscInt j = 0;
    while (j < stored->count && strcmp(stored->name[j], current->name[i])) j++;
    PetscCheck(j < stored->count, comm, PETSC_ERR_USER_INPUT, "-restart %s does not record -%s: it is not a checkpoint of this run (this run has -%s %s)", path, current->name[i],
               current->name[i], current->value[i]);
    PetscCheck(!strcmp(stored->value[j], current->value[i]), comm, PETSC_ERR_USER_INPUT,
               "-restart %s is a checkpoint of other physics: it was written with -%s %s, this run has -%s %s", path, current->name[i], stored->value[j], current->name[i],
               current->value[i]);
  }
  PetscCheck(stored->count == current->count, comm, PETSC_ERR_USER_INPUT, "-restart %s records %" PetscInt_FMT " physics options, this run %" PetscInt_FMT ": not a checkpoint of this run", path,
             stored->count, current->count);
  PetscFunctionReturn(PETSC_SUCCESS);
}
