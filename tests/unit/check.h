/* Shared helpers of the unit tests: one line per check, a failure count for the exit code, and
 * deterministic pseudo-random numbers that are the same on every rank. */
#ifndef FRG_TESTS_UNIT_CHECK_H
#define FRG_TESTS_UNIT_CHECK_H

#include <petscsys.h>

static int failures = 0;

static inline PetscErrorCode Report(MPI_Comm comm, PetscBool ok, const char *what, double err, double tol)
{
  PetscFunctionBeginUser;
  if (!ok) failures++;
  PetscCall(PetscPrintf(comm, "%s %-70s error %.2e (tolerance %.0e)\n", ok ? "ok  " : "BAD ", what, err, tol));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Uniform in [-1, 1]: a 64-bit linear congruential step (Knuth's MMIX constants), top 53 bits. */
static inline double Random(unsigned long *state)
{
  *state = *state * 6364136223846793005UL + 1442695040888963407UL;
  return 2.0 * (double)(*state >> 11) / 9007199254740992.0 - 1.0;
}

#endif
