/* LD_PRELOAD shim for the PID-1 suite: makes fork() fail in PID 1, on demand, and
 * posix_spawn()/posix_spawnp(), which my_init starts most children with.
 *
 * FAIL_FORK_WHILE=PATH: while the file PATH exists, every fork() of PID 1 fails with
 * EAGAIN (what a full pids cgroup or RLIMIT_NPROC gives), or with the errno number
 * written in the file. Only PID 1 is affected: the launchers before it ignore the
 * variables, and PID 1 removes both from its environment when it loads the shim, so its
 * children run without it. A test creates and removes PATH (from inside the sandbox)
 * to choose the moment forks fail. Built by the suite: gcc -shared -fPIC.
 *
 * PID 1's own execve (my_init handing over to a fresh copy of itself, handover.py) fails
 * the same way while PATH exists; otherwise the copy gets both variables back, so the
 * shim stays loaded in PID 1 across the handover.
 *
 * FAIL_PRCTL=1: every prctl() of the process fails with EPERM (a kernel that refuses to
 * make it a child subreaper); read at start, like FAIL_FORK_WHILE, but in any process.
 *
 * Two ways in. A dynamic program (the interpreted init's python) gets it with LD_PRELOAD
 * and the shim finds the real functions with dlsym. A static program loads nothing, so
 * for the static my_init the suite links it into a test-only build of the same sources
 * (-DWRAPPED, and -Wl,--wrap=NAME for each function below: tests/init/conftest.py), where
 * the linker routes every call of NAME to __wrap_NAME and __real_NAME is libc's.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef WRAPPED
#define SHIM(name) __wrap_##name
#define REAL(name) __real_##name
pid_t __real_fork(void);
int __real_posix_spawn(pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
                       char *const[], char *const[]);
int __real_posix_spawnp(pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
                        char *const[], char *const[]);
int __real_execve(const char *, char *const[], char *const[]);
int __real_prctl(int, ...);
#else
#define SHIM(name) name
#endif

static char *flag_path;
static char *preload;
static int fail_prctl;

__attribute__((constructor)) static void load(void)
{
    const char *prctl_flag = getenv("FAIL_PRCTL");
    fail_prctl = prctl_flag != NULL && strcmp(prctl_flag, "1") == 0;
    const char *path = getenv("FAIL_FORK_WHILE");
    if (path == NULL || getpid() != 1)
        return;
    flag_path = strdup(path);
    preload = getenv("LD_PRELOAD") != NULL ? strdup(getenv("LD_PRELOAD")) : strdup("");
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
#ifdef WRAPPED
    return __real_fork();
#else
    static pid_t (*real_fork)(void);
    if (real_fork == NULL)
        real_fork = (pid_t (*)(void))dlsym(RTLD_NEXT, "fork");
    return real_fork();
#endif
}

/* posix_spawn and posix_spawnp report a failed clone (a full pids cgroup) as their
 * return value; both go through spawn_or_fail with the real function's name. */
typedef int (*spawn_function)(pid_t *, const char *, const posix_spawn_file_actions_t *,
                              const posix_spawnattr_t *, char *const[], char *const[]);

static int spawn_or_fail(const char *name, spawn_function *real, pid_t *pid, const char *path,
                         const posix_spawn_file_actions_t *actions, const posix_spawnattr_t *attr,
                         char *const argv[], char *const envp[])
{
    int error = flag_path != NULL ? injected_errno() : 0;
    if (error != 0)
        return error;
    if (*real == NULL)
        *real = (spawn_function)dlsym(RTLD_NEXT, name);
    return (*real)(pid, path, actions, attr, argv, envp);
}

int SHIM(posix_spawn)(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                      const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
#ifdef WRAPPED
    static spawn_function real_spawn = __real_posix_spawn;
#else
    static spawn_function real_spawn;
#endif
    return spawn_or_fail("posix_spawn", &real_spawn, pid, path, actions, attr, argv, envp);
}

int SHIM(posix_spawnp)(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                       const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
#ifdef WRAPPED
    static spawn_function real_spawnp = __real_posix_spawnp;
#else
    static spawn_function real_spawnp;
#endif
    return spawn_or_fail("posix_spawnp", &real_spawnp, pid, file, actions, attr, argv, envp);
}

/* The environment of PID 1's own exec with the shim's variables added (LD_PRELOAD only
 * when it came with one: the test-only build has the shim linked in). */
static char **with_shim(char *const envp[])
{
    size_t count = 0;
    while (envp[count] != NULL)
        count++;
    char **extended = calloc(count + 3, sizeof *extended);
    if (extended == NULL || preload == NULL)
        return NULL;
    memcpy(extended, envp, count * sizeof *extended);
    if (asprintf(&extended[count++], "FAIL_FORK_WHILE=%s", flag_path) < 0)
        return NULL;
    if (preload[0] != '\0' && asprintf(&extended[count], "LD_PRELOAD=%s", preload) < 0)
        return NULL;
    return extended;
}

int SHIM(execve)(const char *path, char *const argv[], char *const envp[])
{
#ifdef WRAPPED
    static int (*real_execve)(const char *, char *const[], char *const[]) = __real_execve;
#else
    static int (*real_execve)(const char *, char *const[], char *const[]);
    if (real_execve == NULL)
        real_execve = (int (*)(const char *, char *const[], char *const[]))dlsym(RTLD_NEXT, "execve");
#endif
    if (flag_path == NULL || getpid() != 1)
        return real_execve(path, argv, envp);
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
    return real_execve(path, argv, extended);
}

int SHIM(prctl)(int option, ...)
{
    va_list arguments;
    unsigned long arg[4];
    va_start(arguments, option);
    for (int i = 0; i < 4; i++)
        arg[i] = va_arg(arguments, unsigned long);
    va_end(arguments);
    if (fail_prctl) {
        errno = EPERM;
        return -1;
    }
#ifdef WRAPPED
    return __real_prctl(option, arg[0], arg[1], arg[2], arg[3]);
#else
    static int (*real_prctl)(int, ...);
    if (real_prctl == NULL)
        real_prctl = (int (*)(int, ...))dlsym(RTLD_NEXT, "prctl");
    return real_prctl(option, arg[0], arg[1], arg[2], arg[3]);
#endif
}
