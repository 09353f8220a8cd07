/* Runs a program with every signal at its default disposition and none blocked: how a
 * container engine starts PID 1, whatever the suite itself inherited. The PID-1 suite
 * starts every init through it (tests/init/pid1.py).
 *
 * Why a C program: a process started by GNU make (make test) comes from glibc's
 * posix_spawn, which leaves signals 32 and 33 ignored, and an ignored disposition
 * survives exec; glibc and Python refuse to name those two, so only the system call
 * resets them. A zeroed struct is SIG_DFL, no flags, an empty mask on every
 * architecture's kernel layout.
 *
 *     pristine PROGRAM [ARG...]
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    if (argc < 2) {
        fprintf(stderr, "usage: pristine PROGRAM [ARG...]\n");
        return 2;
    }
    unsigned long default_action[4] = {0};
    for (int signum = 1; signum < 65; signum++) {
        if (signum != SIGKILL && signum != SIGSTOP)
            syscall(SYS_rt_sigaction, signum, default_action, NULL, 8);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execvp(argv[1], argv + 1);
    perror(argv[1]);
    return 127;
}
