/* LD_PRELOAD shim for the PID-1 suite: makes fork() fail in PID 1, on demand (my_init
 * starts every child with fork and exec: init/my_init/spawn.py).
 *
 * FAIL_FORK_WHILE=PATH: while the file PATH exists, every fork() of PID 1 fails with
 * EAGAIN (what a full pids cgroup or RLIMIT_NPROC gives), or with the errno number
 * written in the file. Only PID 1 is affected: the launchers before it ignore the
 * variables, and PID 1 removes both from its environment when it loads the shim, so its
 * children run without it. A test creates and removes PATH (from inside the sandbox)
 * to choose the moment forks fail. Built by the suite: gcc -shared -fPIC.
 *
 * PID 1's own fexecve (my_init handing over to a fresh copy of itself, handover.py) fails
 * the same way while PATH exists; otherwise the copy gets both variables back, so the
 * shim stays loaded in PID 1 across the handover.
 *
 * FAIL_PRCTL=1: every prctl() of the process fails with EPERM, as from a kernel that
 * refuses to make it a child subreaper (read at start, in any process).
 *
 * Preloaded into the interpreted init, linked into the static one's test-only build:
 * shim.h says how.
 */
#include "shim.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

DECLARE_REAL(pid_t, fork, (void))
DECLARE_REAL(int, fexecve, (int, char *const[], char *const[]))
DECLARE_REAL(int, prctl, (int, ...))

static char *flag_path;
static char *preload;
static int fail_prctl;

__attribute__((constructor)) static void load(void)
{
    const char *prctl_setting = getenv("FAIL_PRCTL");
    fail_prctl = prctl_setting != NULL && strcmp(prctl_setting, "1") == 0;
    const char *path = getenv("FAIL_FORK_WHILE");
    if (path == NULL || getpid() != 1)
        return;
    flag_path = strdup(path);
    preload = getenv("LD_PRELOAD") != NULL ? strdup(getenv("LD_PRELOAD")) : NULL;
    unsetenv("FAIL_FORK_WHILE");
    unsetenv("LD_PRELOAD");
}

static int injected_errno(void)
{
    char text[16] = {0};
    int fd = open(flag_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    if (read(fd, text, sizeof text - 1) < 0)
        text[0] = '\0';
    close(fd);
    return atoi(text) > 0 ? atoi(text) : EAGAIN;
}

pid_t SHIM(fork)(void)
{
    int error = flag_path != NULL ? injected_errno() : 0;
    if (error != 0) {
        errno = error;
        return -1;
    }
    return REAL(fork)();
}

/* The environment of PID 1's own exec with the shim's variables added (LD_PRELOAD only
 * when the shim came preloaded). */
static char **with_shim(char *const envp[])
{
    size_t count = 0;
    while (envp[count] != NULL)
        count++;
    char **extended = calloc(count + 3, sizeof *extended);
    if (extended == NULL)
        return NULL;
    memcpy(extended, envp, count * sizeof *extended);
    if (asprintf(&extended[count++], "FAIL_FORK_WHILE=%s", flag_path) < 0)
        return NULL;
    if (preload != NULL && asprintf(&extended[count], "LD_PRELOAD=%s", preload) < 0)
        return NULL;
    return extended;
}

/* my_init execs its copy through a descriptor of its own program (fexecve). */
int SHIM(fexecve)(int fd, char *const argv[], char *const envp[])
{
    if (flag_path == NULL || getpid() != 1)
        return REAL(fexecve)(fd, argv, envp);
    int error = injected_errno();
    if (error != 0) {
        errno = error;
        return -1;
    }
    char **extended = with_shim(envp);
    if (extended == NULL) {
        errno = ENOMEM;
        return -1;
    }
    return REAL(fexecve)(fd, argv, extended);
}

int SHIM(prctl)(int option, ...)
{
    va_list arguments;
    unsigned long argument[4];
    va_start(arguments, option);
    for (int i = 0; i < 4; i++)
        argument[i] = va_arg(arguments, unsigned long);
    va_end(arguments);
    if (fail_prctl) {
        errno = EPERM;
        return -1;
    }
    return REAL(prctl)(option, argument[0], argument[1], argument[2], argument[3]);
}
