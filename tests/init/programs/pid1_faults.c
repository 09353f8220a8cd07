/* LD_PRELOAD shim for the PID-1 suite: faults injected into PID 1 from outside, so the
 * init itself carries no test hook.
 *
 * FAULT_ON_SIGNAL=N: when PID 1 takes signal N (sigtimedwait, sigwaitinfo), the call
 *     fails with ENOTRECOVERABLE instead, and the signal is gone: Python raises OSError
 *     in the middle of PID 1's event loop, a bug as my_init's last resort must survive
 *     (tests/init/test_last_resort.py).
 * CORRUPT_HANDOVER=1: when PID 1 execs the fresh copy of itself (the handover), the
 *     state it passes on (the memfd named HANDOVER_NAME) is overwritten with bytes that
 *     are no state (tests/init/test_handover.py).
 *
 * Only PID 1 is affected: the launchers before it ignore the variables, and PID 1 removes
 * them and LD_PRELOAD from its environment when it loads the shim, so its children run
 * without it. PID 1's own exec gets them back, so the shim stays loaded in the copy.
 * Preloaded into the interpreted init, linked into the static one's test-only build:
 * shim.h says how.
 */
#include "shim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* init/my_init/handover.py: STATE_NAME, as /proc/self/fd shows a memfd */
#define HANDOVER_NAME "/memfd:my_init-handover"

DECLARE_REAL(int, sigtimedwait, (const sigset_t *, siginfo_t *, const struct timespec *))
DECLARE_REAL(int, sigwaitinfo, (const sigset_t *, siginfo_t *))
DECLARE_REAL(int, fexecve, (int, char *const[], char *const[]))
DECLARE_REAL(int, execve, (const char *, char *const[], char *const[]))

static int fault_signal;
static char *fault_setting;
static char *corrupt_setting;
static char *preload;

__attribute__((constructor)) static void load(void)
{
    const char *fault = getenv("FAULT_ON_SIGNAL");
    const char *corrupt = getenv("CORRUPT_HANDOVER");
    if ((fault == NULL && corrupt == NULL) || getpid() != 1)
        return;
    if (fault != NULL) {
        fault_signal = atoi(fault);
        fault_setting = strdup(fault);
    }
    if (corrupt != NULL)
        corrupt_setting = strdup(corrupt);
    preload = getenv("LD_PRELOAD") != NULL ? strdup(getenv("LD_PRELOAD")) : NULL;
    unsetenv("FAULT_ON_SIGNAL");
    unsetenv("CORRUPT_HANDOVER");
    unsetenv("LD_PRELOAD");
}

static int faulted(int signum)
{
    if (fault_signal == 0 || signum != fault_signal)
        return signum;
    errno = ENOTRECOVERABLE;
    return -1;
}

int SHIM(sigtimedwait)(const sigset_t *set, siginfo_t *info, const struct timespec *timeout)
{
    return faulted(REAL(sigtimedwait)(set, info, timeout));
}

int SHIM(sigwaitinfo)(const sigset_t *set, siginfo_t *info)
{
    return faulted(REAL(sigwaitinfo)(set, info));
}

/* Overwrite the handover's state, wherever my_init put its descriptor. */
static void corrupt_handover_state(void)
{
    DIR *directory = opendir("/proc/self/fd");
    struct dirent *entry;
    if (directory == NULL)
        return;
    while ((entry = readdir(directory)) != NULL) {
        char target[256] = {0};
        if (readlinkat(dirfd(directory), entry->d_name, target, sizeof target - 1) < 0
            || strncmp(target, HANDOVER_NAME, strlen(HANDOVER_NAME)) != 0)
            continue;
        int fd = atoi(entry->d_name);
        static const char garbage[] = "not a state of my_init";
        if (ftruncate(fd, 0) != 0 || pwrite(fd, garbage, sizeof garbage, 0) < 0)
            perror("pid1_faults: corrupting the handover state");
    }
    closedir(directory);
}

/* The environment of PID 1's own exec with the shim's variables added. */
static char **with_shim(char *const envp[])
{
    size_t count = 0;
    while (envp[count] != NULL)
        count++;
    char **extended = calloc(count + 4, sizeof *extended);
    if (extended == NULL)
        return NULL;
    memcpy(extended, envp, count * sizeof *extended);
    if (preload != NULL && asprintf(&extended[count++], "LD_PRELOAD=%s", preload) < 0)
        return NULL;
    if (fault_setting != NULL && asprintf(&extended[count++], "FAULT_ON_SIGNAL=%s", fault_setting) < 0)
        return NULL;
    if (corrupt_setting != NULL && asprintf(&extended[count++], "CORRUPT_HANDOVER=%s", corrupt_setting) < 0)
        return NULL;
    return extended;
}

static int active(void)
{
    return (fault_setting != NULL || corrupt_setting != NULL) && getpid() == 1;
}

int SHIM(fexecve)(int fd, char *const argv[], char *const envp[])
{
    if (!active())
        return REAL(fexecve)(fd, argv, envp);
    if (corrupt_setting != NULL)
        corrupt_handover_state();
    char **extended = with_shim(envp);
    if (extended == NULL) {
        errno = ENOMEM;
        return -1;
    }
    return REAL(fexecve)(fd, argv, extended);
}

int SHIM(execve)(const char *path, char *const argv[], char *const envp[])
{
    if (!active())
        return REAL(execve)(path, argv, envp);
    char **extended = with_shim(envp);
    if (extended == NULL) {
        errno = ENOMEM;
        return -1;
    }
    return REAL(execve)(path, argv, extended);
}
