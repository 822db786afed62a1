/* The path of a result file, claimed before any work (FrgOutputOpen) and released when the run ends.
 *
 *   - the path must be a file name in an existing folder, not a folder itself;
 *   - NAME.lock is locked (flock, exclusive, without waiting) for the whole run: a second run with the
 *     same -output is refused at once with a clear error, and neither run's file is damaged (the lock
 *     ends with the process, so a killed run leaves no lock behind that would block the next one);
 *   - an existing NAME is replaced only if frg wrote it (an HDF5 file with /provenance/frg_version),
 *     or with -output_overwrite: a deck, a text file or someone else's HDF5 file is never replaced;
 *   - NAME.partial is created exclusively (O_EXCL, O_NOFOLLOW): a symbolic link planted there is
 *     refused, never followed, so no file elsewhere is truncated; a stale one of a killed run (we hold
 *     the lock, so no live run writes it) is removed first.
 * On success the run renames NAME.partial to NAME; on failure it removes NAME.partial. Rank 0 does the
 * file system work and broadcasts its verdict, so every rank fails together. */
#define _DEFAULT_SOURCE /* flock, realpath */
#include <frg/output.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether path is an HDF5 file that frg wrote (it has /provenance with frg_version). Not collective. */
PetscBool FrgFileWrittenByFrg(const char path[])
{
  hid_t     file;
  PetscBool ours = PETSC_FALSE;

  H5E_BEGIN_TRY
  {
    file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file >= 0) {
      ours = (PetscBool)(H5Lexists(file, "provenance", H5P_DEFAULT) > 0 && H5Aexists_by_name(file, "provenance", "frg_version", H5P_DEFAULT) > 0);
      H5Fclose(file);
    }
  }
  H5E_END_TRY;
  return ours;
}

/* The absolute path of path: the file itself resolved when it exists (a link names its target), else
 * its folder resolved and its name appended; 0, or -1 when the folder does not exist. */
static int FrgPathResolve(const char path[], char full[], size_t len)
{
  char        folder[PATH_MAX], resolved[PATH_MAX];
  const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
  size_t      flen  = slash ? (size_t)(slash - path) : 0;

  if (realpath(path, resolved)) return snprintf(full, len, "%s", resolved), 0;
  if (flen >= sizeof(folder)) return -1;
  if (slash) {
    memcpy(folder, path, flen);
    folder[flen] = 0;
    if (!flen) strcpy(folder, "/");
  } else strcpy(folder, ".");
  if (!realpath(folder, resolved)) return -1;
  return snprintf(full, len, "%s/%s", resolved, base), 0;
}

/* Whether two paths name the same file: the same canonical path (through ./, .. and links), or the same
 * inode (hard links); the files need not exist. Not collective. */
PetscBool FrgPathsSame(const char a[], const char b[])
{
  char        full[2][PATH_MAX + 256];
  struct stat sa, sb;

  if (!stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino) return PETSC_TRUE;
  if (FrgPathResolve(a, full[0], sizeof(full[0])) || FrgPathResolve(b, full[1], sizeof(full[1]))) return (PetscBool)!strcmp(a, b);
  return (PetscBool)!strcmp(full[0], full[1]);
}

/* Collective. Fails, naming both options and the path, if two of the count files a run writes are the
 * same file (one role would destroy the other's file); paths[i] == NULL or "" is skipped. Rank 0 decides. */
PetscErrorCode FrgCheckOutputRoles(MPI_Comm comm, PetscInt count, const char *const paths[], const char *const options[])
{
  PetscMPIInt rank;
  char        message[2 * PETSC_MAX_PATH_LEN + 256] = "";

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  for (PetscInt i = 0; !rank && i < count && !message[0]; i++)
    for (PetscInt j = i + 1; j < count && !message[0]; j++)
      if (paths[i] && paths[j] && paths[i][0] && paths[j][0] && FrgPathsSame(paths[i], paths[j]))
        (void)snprintf(message, sizeof(message), "%s %s and %s %s are the same file: one would destroy the other; give them different paths", options[i], paths[i], options[j], paths[j]);
  PetscCallMPI(MPI_Bcast(message, sizeof(message), MPI_CHAR, 0, comm));
  PetscCheck(!message[0], comm, PETSC_ERR_USER_INPUT, "%s", message);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Creates path empty and exclusively for writing (O_EXCL, O_NOFOLLOW): a stale regular file is removed
 * first, a link or anything else planted there is refused and never followed. Returns the open file
 * descriptor, or -1 with errno set (EEXIST: not a regular file). Not collective. */
int FrgCreateExclusive(const char path[])
{
  struct stat info;

  if (!lstat(path, &info)) {
    if (!S_ISREG(info.st_mode)) return errno = EEXIST, -1;
    (void)unlink(path);
  }
  return open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
}

/* Rank 0: the checks and the lock; 0, or an errno-like code with a message. */
static int FrgClaimLocal(FrgClaim *c, const char option[], PetscBool overwrite, char message[], size_t len)
{
  struct stat info;
  int         fd;

  if (!c->name[0]) return snprintf(message, len, "%s must name a file", option), EINVAL;
  if (!stat(c->name, &info) && S_ISDIR(info.st_mode)) return snprintf(message, len, "%s %s is a folder, not a file", option, c->name), EISDIR;
  c->lock = open(c->lock_path, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (c->lock < 0) return snprintf(message, len, "%s %s cannot be written: %s", option, c->name, strerror(errno)), errno;
  if (flock(c->lock, LOCK_EX | LOCK_NB)) return snprintf(message, len, "%s %s: another frg run is writing it (%s is locked): choose another %s", option, c->name, c->lock_path, option), EBUSY;
  if (!lstat(c->name, &info) && !overwrite) {
    if (!S_ISREG(info.st_mode) || !FrgFileWrittenByFrg(c->name))
      return snprintf(message, len, "%s %s exists and was not written by frg: refusing to replace it (give -output_overwrite to replace it anyway)", option, c->name), EEXIST;
  }
  if (!lstat(c->partial, &info)) {
    if (!S_ISREG(info.st_mode)) return snprintf(message, len, "%s: %s exists and is not a regular file (a link?): refusing to write through it", option, c->partial), EEXIST;
    (void)unlink(c->partial); /* a stale partial file of a killed run: we hold the lock */
  }
  fd = open(c->partial, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return snprintf(message, len, "%s %s cannot be written (%s): %s", option, c->name, c->partial, strerror(errno)), errno;
  close(fd);
  c->created = PETSC_TRUE;
  return 0;
}

/* Collective. Claims name for a result file (see the banner): on return name.partial exists, empty, and
 * is ours until FrgClaimRelease. option names the option in messages. */
PetscErrorCode FrgClaimAcquire(MPI_Comm comm, const char name[], const char option[], PetscBool overwrite, FrgClaim *c)
{
  PetscMPIInt rank;
  int         err = 0;
  char        message[4 * PETSC_MAX_PATH_LEN + 512] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(c, sizeof(*c)));
  c->lock = -1;
  PetscCall(PetscStrncpy(c->name, name, sizeof(c->name)));
  PetscCall(PetscSNPrintf(c->partial, sizeof(c->partial), "%s.partial", name));
  PetscCall(PetscSNPrintf(c->lock_path, sizeof(c->lock_path), "%s.lock", name));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) err = FrgClaimLocal(c, option, overwrite, message, sizeof(message));
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, comm));
  if (err && !rank) {
    if (c->created) (void)unlink(c->partial);
    if (c->lock >= 0 && err != EBUSY) (void)unlink(c->lock_path); /* ours (locked); else another run's */
    if (c->lock >= 0) close(c->lock);
    c->lock = -1;
  }
  PetscCallMPI(MPI_Bcast(message, sizeof(message), MPI_CHAR, 0, comm));
  PetscCheck(!err, comm, err == EINVAL || err == EISDIR || err == EEXIST || err == EBUSY ? PETSC_ERR_USER_INPUT : PETSC_ERR_FILE_OPEN, "%s", message);
  c->comm = comm;
  c->held = PETSC_TRUE;
  PetscCall(FrgRegisterPartialFile(c->partial));
  PetscCall(FrgRegisterPartialFile(c->lock_path)); /* a failed run removes its lock file too */
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Collective. Ends the claim: on success name.partial becomes name, else it is removed; the lock goes. */
PetscErrorCode FrgClaimRelease(FrgClaim *c, PetscBool success)
{
  PetscMPIInt rank;
  int         err = 0;

  PetscFunctionBeginUser;
  if (!c->held) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCallMPI(MPI_Barrier(c->comm));
  PetscCallMPI(MPI_Comm_rank(c->comm, &rank));
  if (!rank) {
    if (success && rename(c->partial, c->name)) err = errno;
    if (!success || err) (void)unlink(c->partial);
    (void)unlink(c->lock_path); /* while still locked: no other run can be inside it */
    if (c->lock >= 0) close(c->lock);
    c->lock = -1;
  }
  c->held = PETSC_FALSE;
  PetscCall(FrgUnregisterPartialFile(c->partial));
  PetscCall(FrgUnregisterPartialFile(c->lock_path));
  PetscCallMPI(MPI_Bcast(&err, 1, MPI_INT, 0, c->comm));
  PetscCheck(!err, c->comm, PETSC_ERR_FILE_WRITE, "%s: cannot rename %s: %s", c->name, c->partial, strerror(err));
  PetscFunctionReturn(PETSC_SUCCESS);
}
