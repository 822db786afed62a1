/* Claims of scan points across processes. Within one job the group leaders take indices from a
 * shared MPI counter (scan.c); two jobs started on the same -output at the same time (a resubmitted
 * job while the first still runs, two array tasks without -scan_shard) share only the journal. Before
 * a group computes a point, its leader
 *   1. takes a POSIX record lock on one byte of the journal, at FRG_CLAIM_BASE + point, without
 *      waiting: if another process holds it, that process is computing the point, so this one skips it;
 *   2. reads the journal rows appended since its last look: a point already finished by anyone (a row
 *      with a valid checksum) is skipped too (the lock of a finished point is free again).
 * The lock is released after the point's row is in the journal. The kernel drops the locks of a
 * process that dies (kill -9, node failure of a local file system), so a crashed claim never blocks a
 * resumed scan. Record locks are per process and dropped when the process closes any descriptor of the
 * file: the journal is opened and closed elsewhere only before and after the points run (journal.c).
 * The bytes lie far beyond the end of the journal and are never written. Not collective. */
#define _DEFAULT_SOURCE
#include <frg/scan_impl.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#define FRG_CLAIM_BASE ((off_t)1 << 40)

static int FrgScanClaimLock(int fd, PetscInt point, short type)
{
  struct flock lock;

  memset(&lock, 0, sizeof(lock));
  lock.l_type   = type;
  lock.l_whence = SEEK_SET;
  lock.l_start  = FRG_CLAIM_BASE + (off_t)point;
  lock.l_len    = 1;
  return fcntl(fd, F_SETLK, &lock);
}

/* Marks the points of the complete rows appended to the journal since the last call. 0 or errno. */
static int FrgScanClaimReadNew(FrgScan *scan)
{
  char    buffer[65536];
  off_t   at = scan->done_offset;
  ssize_t got;
  int     err = 0;

  if (flock(scan->journal_fd, LOCK_SH)) return errno;
  while ((got = pread(scan->journal_fd, buffer, sizeof(buffer) - 1, at)) > 0) {
    char *line = buffer, *newline;
    buffer[got] = 0;
    while ((newline = memchr(line, '\n', (size_t)(buffer + got - line)))) {
      PetscInt point;
      if (line[0] != '#' && FrgScanJournalRowPoint(scan, line, (size_t)(newline - line), &point)) scan->done[point] = 1;
      line = newline + 1;
    }
    if (line == buffer) break; /* a line longer than the buffer: not a row of ours */
    at += line - buffer;       /* a torn last line is read again next time */
  }
  if (got < 0) err = errno;
  flock(scan->journal_fd, LOCK_UN);
  scan->done_offset = at;
  return err;
}

/* Group leaders: *mine if this process now holds point's claim and nobody has finished the point.
 * Returns 0 or errno (the caller raises it on its group, so that no rank is left waiting). */
int FrgScanJournalClaim(FrgScan *scan, PetscInt point, PetscBool *mine)
{
  int err;

  *mine = PETSC_FALSE;
  if (!scan->done && !(scan->done = (char *)calloc((size_t)PetscMax(scan->spec.points, 1), 1))) return ENOMEM;
  if (FrgScanClaimLock(scan->journal_fd, point, F_WRLCK)) return errno == EACCES || errno == EAGAIN ? 0 : errno; /* another process computes it */
  if ((err = FrgScanClaimReadNew(scan)) || scan->done[point]) return FrgScanJournalRelease(scan, point) ? errno : err;
  *mine = PETSC_TRUE;
  return 0;
}

/* Group leaders: after the point's row is appended. 0 or -1 (errno). */
int FrgScanJournalRelease(FrgScan *scan, PetscInt point)
{
  return FrgScanClaimLock(scan->journal_fd, point, F_UNLCK);
}
