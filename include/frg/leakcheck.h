/* LeakSanitizer builds (make SANITIZE=1): what MPI and PETSc allocate while they start and shut down
 * is theirs (Open MPI 4.1 keeps much of it until exit by design, some of it in components it has
 * unloaded by then) and is not leak-checked; every allocation between the two is. Without this, the
 * leak check had to unwind every malloc in full (ASAN_OPTIONS=fast_unwind_on_malloc=0) to reach the
 * Open MPI frames that tests/asan.supp names: 1.2 s of every run, most of the sanitizer pass of CI.
 * Wrap PetscInitialize and PetscFinalize, nothing else. */
#ifndef FRG_LEAKCHECK_H
#define FRG_LEAKCHECK_H

#if defined(__SANITIZE_ADDRESS__)
  #include <sanitizer/lsan_interface.h>
static inline void FrgLeakCheckPause(void) { __lsan_disable(); }
static inline void FrgLeakCheckResume(void) { __lsan_enable(); }
static inline void FrgLeakCheckNow(void) { __lsan_do_leak_check(); }
#else
static inline void FrgLeakCheckPause(void) { }
static inline void FrgLeakCheckResume(void) { }
static inline void FrgLeakCheckNow(void) { }
#endif

/* PetscFinalize in a main(), after the leak check: it runs once, before MPI shuts down (LeakSanitizer
 * then skips its own at exit). What MPI still holds is reachable then; what our code lost is not. */
#define FrgFinalizeLeakChecked() \
  do { \
    FrgLeakCheckNow(); \
    PetscCall(PetscFinalize()); \
  } while (0)

/* PetscCall(call) with the leak check paused: for PetscInitialize and PetscFinalize in a main() */
#define FrgCallLeakUnchecked(call) \
  do { \
    PetscErrorCode frg_lc_ierr_; \
    FrgLeakCheckPause(); \
    frg_lc_ierr_ = (call); \
    FrgLeakCheckResume(); \
    if (frg_lc_ierr_) return frg_lc_ierr_; \
  } while (0)

#endif
