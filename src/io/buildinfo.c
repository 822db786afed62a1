/* What this frg binary is: its version, the git commit it was built from (and whether the tree had
 * uncommitted changes), the compiler and flags (generated into frg_build.h by tools/build-info.sh),
 * and the versions of the libraries it runs on. Printed by -version/--version and stored in
 * /provenance. */
#include <frg/output.h>
#include <frg_build.h>
#include <gsl/gsl_version.h>
#include <sundials/sundials_version.h>

const char *FrgBuildGitHash(void)
{
  return FRG_GIT_HASH;
}

int FrgBuildGitDirty(void)
{
  return FRG_GIT_DIRTY;
}

const char *FrgBuildCompiler(void)
{
  return FRG_COMPILER;
}

const char *FrgBuildFlags(void)
{
  return FRG_BUILD_FLAGS;
}

/* The MPI library's own one-line name (MPI_Get_library_version may be called before MPI_Init). */
void FrgBuildMPILibrary(char *out, size_t len)
{
  char lib[MPI_MAX_LIBRARY_VERSION_STRING];
  int  n = 0;

  if (MPI_Get_library_version(lib, &n) != MPI_SUCCESS) n = 0;
  lib[n < (int)sizeof(lib) ? n : (int)sizeof(lib) - 1] = 0;
  lib[strcspn(lib, "\n,")]                              = 0;
  snprintf(out, len, "%s", lib[0] ? lib : "unknown");
}

/* frg -version: no MPI or PETSc start-up needed, so it works on a login node without a launcher. */
void FrgBuildPrintVersion(FILE *fp)
{
  char     mpi[256], sundials[64];
  unsigned major, minor, release;

  FrgBuildMPILibrary(mpi, sizeof(mpi));
  SUNDIALSGetVersion(sundials, (int)sizeof(sundials));
  H5get_libversion(&major, &minor, &release);
  fprintf(fp, "frg %s\n", FRG_VERSION);
  fprintf(fp, "  git commit   %s%s\n", FRG_GIT_HASH, FRG_GIT_DIRTY == 1 ? " (with uncommitted changes)" : FRG_GIT_DIRTY < 0 ? " (not built from a git checkout)" : "");
  fprintf(fp, "  compiler     %s\n", FRG_COMPILER);
  fprintf(fp, "  flags        %s\n", FRG_BUILD_FLAGS);
  fprintf(fp, "  PETSc        %d.%d.%d\n", PETSC_VERSION_MAJOR, PETSC_VERSION_MINOR, PETSC_VERSION_SUBMINOR);
  fprintf(fp, "  SUNDIALS     %s\n", sundials);
  fprintf(fp, "  HDF5         %u.%u.%u\n", major, minor, release);
  fprintf(fp, "  GSL          %s\n", GSL_VERSION);
  fprintf(fp, "  MPI          %s\n", mpi);
}
