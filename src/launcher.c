/* bin/frg, the launcher: blocks SIGTERM and SIGUSR1, then becomes libexec/frg-core (the program) by
 * execv. A blocked signal stays pending across execv, and frg-core installs its handlers and unblocks
 * them before it runs anything else (src/frg.c). Without this step a SIGTERM that came while the
 * dynamic loader mapped frg-core's ~100 shared libraries of PETSc and MPI (35-40 ms after exec on the
 * 2-core development VM, before any code of ours can run) killed frg with 143 and no checkpoint. This
 * program is linked statically against the C library alone, so it reaches main within a fraction of a
 * millisecond. It keeps the process id (jobscripts signal the pid they started) and every argument.
 * frg-core lies at ../libexec/frg-core from this file, in the build folder as in an installation. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  sigset_t set;
  char     self[PATH_MAX], core[PATH_MAX + 32], *slash;
  ssize_t  len;

  (void)argc;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  (void)sigprocmask(SIG_BLOCK, &set, NULL);
  len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (len <= 0) {
    fprintf(stderr, "frg: error: cannot find this program's folder (/proc/self/exe: %s)\n", strerror(errno));
    return 1;
  }
  self[len] = 0;
  slash     = strrchr(self, '/');
  if (slash) *slash = 0;
  snprintf(core, sizeof(core), "%s/../libexec/frg-core", self);
  execv(core, argv);
  fprintf(stderr, "frg: error: cannot run %s: %s (reinstall frg: make, or make install)\n", core, strerror(errno));
  return 1;
}
