/*
 * tmpfile(3) that honours TMPDIR, preloaded (LD_PRELOAD) into Debian's cron daemon only
 * when /tmp is read-only (see ./run).
 *
 * Why: Debian's cron keeps each job's output in tmpfile() until the job ends, then mails
 * it (Debian patch "Avoid a mailcmd timeout"); when tmpfile() fails, the job is not run
 * at all ("(CRON) error (create tmpfile)"). glibc's tmpfile() always uses /tmp (P_tmpdir)
 * and ignores TMPDIR, so on a read-only root without a writable /tmp no job could run.
 * cron has no option for the directory. Jobs do not inherit the daemon's environment
 * (cron gives them the crontab's), so neither this library nor TMPDIR reaches them.
 *
 * Built by the builder (builder/service-libs.sh), installed by ./install.sh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* An unnamed read-write file in $TMPDIR (P_tmpdir when unset), like glibc's tmpfile():
 * O_TMPFILE where the file system has it, else a file made with mkstemp and unlinked. */
static FILE *open_unnamed_file(void)
{
    const char *directory = getenv("TMPDIR");
    char path[4096];
    FILE *file;
    int fd, saved_errno;

    if (directory == NULL || directory[0] == '\0')
        directory = P_tmpdir;
    fd = open(directory, O_RDWR | O_TMPFILE | O_EXCL, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        if (snprintf(path, sizeof path, "%s/tmpfXXXXXX", directory) >= (int) sizeof path) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        fd = mkstemp(path);
        if (fd < 0)
            return NULL;
        unlink(path);
    }
    file = fdopen(fd, "w+");
    if (file == NULL) {
        saved_errno = errno;
        close(fd);
        errno = saved_errno;
    }
    return file;
}

FILE *tmpfile(void)
{
    return open_unnamed_file();
}

FILE *tmpfile64(void)
{
    return open_unnamed_file();
}
