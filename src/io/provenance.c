/* Provenance of a result file (/provenance attributes): versions of frg, PETSc, SUNDIALS and HDF5, the
 * git commit and state of the source tree, the compiler and flags, the MPI library, the host of rank 0,
 * the number of ranks, the date, the command line, every option in the database and the deck text,
 * the wall seconds of each stage of the run so far (wall_seconds_setup, _integrate, _output, _report:
 * those the task has entered, rank 0's clock; the stage writing the file counts up to then);
 * and the registry of partial files removed when a run fails. */
#define _DEFAULT_SOURCE /* gethostname */
#include <frg/output.h>
#include <sundials/sundials_version.h>
#include <time.h>
#include <unistd.h>

PETSC_INTERN const char *FrgCommandLine(void);

/* wall_seconds_STAGE for every stage entered so far, rank 0's times (attributes take one value). */
static PetscErrorCode FrgProvenanceWriteStages(MPI_Comm comm, hid_t group)
{
  const char *name[8];
  double      seconds[8];
  int         count = 0;
  char        attribute[64];

  PetscFunctionBeginUser;
  while (count < 8) {
    FrgStageWallTime(count, &name[count], &seconds[count]);
    if (!name[count]) break;
    count++;
  }
  PetscCallMPI(MPI_Bcast(seconds, count, MPI_DOUBLE, 0, comm));
  for (int i = 0; i < count; i++) {
    if (seconds[i] <= 0) continue; /* a stage this task never entered */
    PetscCall(PetscSNPrintf(attribute, sizeof(attribute), "wall_seconds_%s", name[i]));
    PetscCall(FrgH5WriteAttributeReal(comm, group, attribute, seconds[i]));
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgOutputWriteProvenance(FrgOutput out)
{
  hid_t       group;
  char        petsc[256], sundials[64], hdf5[64], date[64];
  char       *options, mpi[256], host[256] = "unknown";
  unsigned    major, minor, release;
  PetscMPIInt size;
  time_t      now = time(NULL);

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(out->comm, &size));
  PetscCall(PetscGetVersion(petsc, sizeof(petsc)));
  SUNDIALSGetVersion(sundials, (int)sizeof(sundials));
  H5get_libversion(&major, &minor, &release);
  PetscCall(PetscSNPrintf(hdf5, sizeof(hdf5), "%u.%u.%u", major, minor, release));
  /* the date of rank 0, so that every rank writes the same attribute */
  PetscCallMPI(MPI_Bcast(&now, sizeof(now), MPI_BYTE, 0, out->comm));
  strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
  if (gethostname(host, sizeof(host) - 1)) PetscCall(PetscStrncpy(host, "unknown", sizeof(host)));
  PetscCallMPI(MPI_Bcast(host, sizeof(host), MPI_CHAR, 0, out->comm)); /* rank 0's, as the date */
  FrgBuildMPILibrary(mpi, sizeof(mpi));
  PetscCall(PetscOptionsGetAll(NULL, &options));
  {
    /* an HDF5 attribute is written collectively with one value: take rank 0's options, in case a
     * rank's database differs (a scan sets per-point options), rather than deadlock in H5Fclose */
    int         length = (int)strlen(options) + 1;
    PetscMPIInt rank;
    PetscCallMPI(MPI_Comm_rank(out->comm, &rank));
    PetscCallMPI(MPI_Bcast(&length, 1, MPI_INT, 0, out->comm));
    if (rank) {
      PetscCall(PetscFree(options));
      PetscCall(PetscMalloc1(length, &options));
    }
    PetscCallMPI(MPI_Bcast(options, length, MPI_CHAR, 0, out->comm));
  }
  PetscCall(FrgH5OpenGroup(out->comm, out->file, "/provenance", &group));
  PetscCall(FrgH5WriteAttributeString(out->comm, group, "frg_version", FRG_VERSION));
  PetscCall(FrgH5WriteAttributeString(out->comm, group, "petsc_version", petsc));
  PetscCall(FrgH5WriteAttributeString(out->comm, group, "sundials_version", sundials));
  PetscCall(FrgH5WriteAttributeString(out->comm, group, "hdf5_version", hdf5));
  PetscCall(FrgH5WriteAttributeString(out->comm, group, "git_commit", FrgBuildGitHash()));
  PetscCall(FrgH5WriteAttributeInt(out->comm, group, "git_dirty", FrgBuildGitDirty()));
  PetscCall(FrgH5WriteAttributeString(out->comm, group, "compiler", FrgBuildCompiler()));
  PetscCall(FrgH5WriteAttributeString(out->comm, group, "build_flags", FrgBuildFlags()));
  PetscCall(FrgH5WriteAttributeString(out->comm, group, "mpi_library", mpi));
  PetscCall(FrgH5WriteAttributeString(out->comm, group, "host", host));
  PetscCall(FrgH5WriteAttributeInt(out->comm, group, "ranks", size));
  PetscCall(FrgH5WriteAttributeString(out->comm, group, "date", date));
  PetscCall(FrgH5WriteText(out->comm, group, "command_line", FrgCommandLine()));
  PetscCall(FrgH5WriteText(out->comm, group, "options", options));
  PetscCall(FrgH5WriteText(out->comm, group, "deck", FrgDeckText()));
  PetscCall(FrgProvenanceWriteStages(out->comm, group));
  FrgCallHDF5(out->comm, H5Gclose(group));
  PetscCall(PetscFree(options));
  PetscFunctionReturn(PETSC_SUCCESS);
}

#define FRG_MAX_PARTIAL 16
static char frg_partial[FRG_MAX_PARTIAL][PETSC_MAX_PATH_LEN + 16];

PETSC_INTERN PetscErrorCode FrgRegisterPartialFile(const char path[])
{
  PetscFunctionBeginUser;
  for (int i = 0; i < FRG_MAX_PARTIAL; i++) {
    if (!frg_partial[i][0]) {
      PetscCall(PetscStrncpy(frg_partial[i], path, sizeof(frg_partial[i])));
      break;
    }
  }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PETSC_INTERN PetscErrorCode FrgUnregisterPartialFile(const char path[])
{
  PetscFunctionBeginUser;
  for (int i = 0; i < FRG_MAX_PARTIAL; i++)
    if (!strcmp(frg_partial[i], path)) frg_partial[i][0] = 0;
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* An HDF5 file of several ranks that H5Fclose could not close (a full disk): HDF5 keeps it open and
 * closes it again inside MPI_Finalize, where the ranks, whose states parted at the failed write, wait
 * for each other in different collectives (one in a barrier of the metadata flush, the other in a
 * broadcast of the truncation) for ever. main then ends the run with MPI_Abort instead. */
static int frg_unclosed_file;

PETSC_INTERN void FrgNoteUnclosedFile(MPI_Comm comm)
{
  PetscMPIInt size = 1;

  (void)MPI_Comm_size(comm, &size);
  if (size > 1) frg_unclosed_file = 1;
}

PETSC_EXTERN int FrgUnclosedFile(void)
{
  return frg_unclosed_file;
}

/* Called by main after a failed task: no partial file survives a failed run. */
PETSC_EXTERN void FrgRemovePartialFiles(void)
{
  for (int i = 0; i < FRG_MAX_PARTIAL; i++) {
    if (frg_partial[i][0]) unlink(frg_partial[i]); /* every rank that registered it: unlink is idempotent */
    frg_partial[i][0] = 0;
  }
}
