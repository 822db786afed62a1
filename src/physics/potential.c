/* The UV potential U_Lambda(phi), parsed from a user expression with muparser (C API), so that
 * piecewise potentials work through its ternary operator, e.g. "phi < 1 ? -phi^2/2 : phi^4/24 - 0.5".
 * The variable is phi (alias sigma). */
#include <frg/impl.h>
#include <muParserDLL.h>

/* muparser also takes "phi=3" (an assignment: U = 3 everywhere after it, and u = U' = 0) and
 * "phi^2, phi^4" (a list: the last one was used): a potential is one expression. */
static PetscErrorCode FrgPotentialCheckSingle(FrgModel model, muParserHandle_t parser)
{
  const char *e = model->potential;
  int         results = 0;

  PetscFunctionBeginUser;
  for (size_t i = 0; e[i]; i++) {
    int comparison = e[i + 1] == '=' || (i > 0 && strchr("=<>!", e[i - 1]));
    PetscCheck(e[i] != '=' || comparison, model->comm, PETSC_ERR_USER_INPUT, "-potential \"%s\" assigns a value (= at position %d): give one expression in the fields (compare with ==)", e, (int)i);
  }
  (void)mupEvalMulti(parser, &results);
  PetscCheck(results == 1, model->comm, PETSC_ERR_USER_INPUT, "-potential \"%s\" is a list of %d expressions: give one expression in the fields", e, results);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Not collective: every rank parses the same expression, so every rank reaches the same verdict. */
PetscErrorCode FrgPotentialParse(FrgModel model)
{
  muParserHandle_t parser;

  PetscFunctionBeginUser;
  PetscCheck(model->potential[0], model->comm, PETSC_ERR_USER_INPUT, "-potential is empty: give the UV potential as an expression in phi");
  if (!model->parser) {
    PetscCall(PetscCalloc1(2, &model->parser_phi));
    parser = mupCreate(muBASETYPE_FLOAT);
    PetscCheck(parser, model->comm, PETSC_ERR_LIB, "muparser could not create a parser");
    if (model->dim == 2) {
      mupDefineVar(parser, "phi1", &model->parser_phi[0]);
      mupDefineVar(parser, "phi2", &model->parser_phi[1]);
    } else {
      mupDefineVar(parser, "phi", model->parser_phi);
      mupDefineVar(parser, "sigma", model->parser_phi);
    }
    model->parser = parser;
  }
  parser = (muParserHandle_t)model->parser;
  mupSetExpr(parser, model->potential);
  model->parser_phi[0] = 0.5;
  model->parser_phi[1] = 0.25;
  (void)mupEval(parser);
  PetscCheck(!mupError(parser), model->comm, PETSC_ERR_USER_INPUT, "-potential \"%s\" cannot be parsed: %s (at position %d)%s%s%s", model->potential, mupGetErrorMsg(parser),
             (int)mupGetErrorPos(parser), model->dim == 2 ? "; -model " : "", model->dim == 2 ? model->type : "", model->dim == 2 ? " takes an expression in phi1 and phi2" : "");
  PetscCall(FrgPotentialCheckSingle(model, parser));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgModelPotential(FrgModel model, PetscReal phi, PetscReal *U)
{
  muParserHandle_t parser = (muParserHandle_t)model->parser;

  PetscFunctionBeginUser;
  PetscCheck(parser, PETSC_COMM_SELF, PETSC_ERR_ORDER, "FrgModelSetUp() must come before FrgModelPotential()");
  *model->parser_phi = phi;
  *U                 = mupEval(parser);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* U at one value per field (model->dim of them). Not collective. */
PetscErrorCode FrgModelPotentialAt(FrgModel model, const PetscReal phi[], PetscReal *U)
{
  muParserHandle_t parser = (muParserHandle_t)model->parser;

  PetscFunctionBeginUser;
  PetscCheck(parser, PETSC_COMM_SELF, PETSC_ERR_ORDER, "FrgModelSetUp() must come before FrgModelPotentialAt()");
  for (PetscInt c = 0; c < PetscMax(model->dim, 1); c++) model->parser_phi[c] = phi[c];
  *U = mupEval(parser);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode FrgPotentialDestroy(FrgModel model)
{
  PetscFunctionBeginUser;
  if (model->parser) mupRelease((muParserHandle_t)model->parser);
  model->parser = NULL;
  PetscCall(PetscFree(model->parser_phi));
  PetscFunctionReturn(PETSC_SUCCESS);
}
