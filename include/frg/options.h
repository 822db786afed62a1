/* Options with a range: every numeric option of frg is read through these, so that its range is written
 * once, where the option is defined, and a bad value is refused naming the option and the text the user
 * wrote ("-atol inf", "-grid_cells 99999999999999999999", "-N" without a value). */
#ifndef FRG_OPTIONS_H
#define FRG_OPTIONS_H

#include <frg.h>

/* Largest RG time t = -ln(k/Lambda) of any option: k/Lambda = e^-1000 is below every scale a double
 * can hold next to Lambda, and a longer flow only costs memory and time (-t_ir 1e308: a malloc error). */
#define FRG_RG_TIME_MAX 1000.0
/* Largest number of grid cells, samples, levels...: the memory of one such array stays below ~1 GB. */
#define FRG_COUNT_MAX 100000000
/* Largest magnitude of a physical parameter (couplings, scales, field ranges): beyond it the flows
 * overflow long before they resolve anything. */
#define FRG_REAL_MAX 1e15

/* Collective (on the communicator of PetscOptionsBegin). Values in [min, max], finite. */
PETSC_EXTERN PetscErrorCode FrgOptionsReal_Private(PetscOptionItems *, const char[], const char[], PetscReal, PetscReal *, PetscBool *, PetscReal, PetscReal);
/* Values in (min, max]: min excluded (tolerances, scales and times that must be positive). */
PETSC_EXTERN PetscErrorCode FrgOptionsRealAbove_Private(PetscOptionItems *, const char[], const char[], PetscReal, PetscReal *, PetscBool *, PetscReal, PetscReal);
PETSC_EXTERN PetscErrorCode FrgOptionsInt_Private(PetscOptionItems *, const char[], const char[], PetscInt, PetscInt *, PetscBool *, PetscInt, PetscInt);
/* A string option that must have a value that fits in len bytes (no silent truncation). */
PETSC_EXTERN PetscErrorCode FrgOptionsString_Private(PetscOptionItems *, const char[], const char[], const char[], char *, size_t, PetscBool *);
/* A comma-separated list of at most *n values, each in [min, max]. */
PETSC_EXTERN PetscErrorCode FrgOptionsRealArray_Private(PetscOptionItems *, const char[], const char[], PetscReal[], PetscInt *, PetscBool *, PetscReal, PetscReal);
/* An enum: the value must be one of the names of list (PETSc's enum list: names, type, prefix, NULL). */
PETSC_EXTERN PetscErrorCode FrgOptionsEnum_Private(PetscOptionItems *, const char[], const char[], const char *const *, PetscEnum, PetscEnum *, PetscBool *);
/* One of the n names of list; *out is its index. */
PETSC_EXTERN PetscErrorCode FrgOptionsEList_Private(PetscOptionItems *, const char[], const char[], const char *const *, PetscInt, const char[], PetscInt *, PetscBool *);
/* A string option whose empty value (or the option alone) means "none". */
PETSC_EXTERN PetscErrorCode FrgOptionsStringOrNone_Private(PetscOptionItems *, const char[], const char[], const char[], char *, size_t, PetscBool *);
/* Refuses NAME given without a value (an enum or list option given as a flag). */
PETSC_EXTERN PetscErrorCode FrgOptionsRequireValue_Private(PetscOptionItems *, const char[]);

/* Used between PetscOptionsBegin and PetscOptionsEnd, like PetscOptionsReal. */
#define FrgOptionsReal(name, help, value, out, set, min, max)      FrgOptionsReal_Private(PetscOptionsObject, name, help, value, out, set, min, max)
#define FrgOptionsRealAbove(name, help, value, out, set, min, max) FrgOptionsRealAbove_Private(PetscOptionsObject, name, help, value, out, set, min, max)
#define FrgOptionsInt(name, help, value, out, set, min, max)       FrgOptionsInt_Private(PetscOptionsObject, name, help, value, out, set, min, max)
#define FrgOptionsString(name, help, value, out, len, set)         FrgOptionsString_Private(PetscOptionsObject, name, help, value, out, len, set)
#define FrgOptionsRealArray(name, help, values, n, set, min, max)  FrgOptionsRealArray_Private(PetscOptionsObject, name, help, values, n, set, min, max)
#define FrgOptionsEnum(name, help, list, value, out, set)         FrgOptionsEnum_Private(PetscOptionsObject, name, help, list, value, out, set)
#define FrgOptionsEList(name, help, list, n, value, out, set)      FrgOptionsEList_Private(PetscOptionsObject, name, help, list, n, value, out, set)
#define FrgOptionsStringOrNone(name, help, value, out, len, set)   FrgOptionsStringOrNone_Private(PetscOptionsObject, name, help, value, out, len, set)
#define FrgOptionsRequireValue(name)                                FrgOptionsRequireValue_Private(PetscOptionsObject, name)

#endif
