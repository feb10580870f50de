/*
 * Durable file operations: write-fsync-rename-fsync(dir), mkdir -p,
 * whole-file reads with a limit. Errors map errno to a status:
 * ENOSPC/EDQUOT/EIO/EAGAIN/EINTR/EBUSY are MADO_ETEMP (the MTA retries).
 */
#ifndef MADO_UTIL_FSIO_H
#define MADO_UTIL_FSIO_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

/* Status for a failed system call with this errno. */
mado_status fsio_status(int errnum);

mado_status fsio_mkdir_p(const char *path, int mode, struct mado_err *err);

/* fsync the directory containing (or named by) path. */
mado_status fsio_fsync_dir(const char *dir, struct mado_err *err);

/*
 * Write data to final_path atomically and durably: tmp_path is created
 * (O_EXCL), written, fsynced, renamed to final_path, and final_path's
 * directory fsynced when sync is true. On any failure tmp_path is removed.
 */
mado_status fsio_write_atomic(const char *tmp_path, const char *final_path,
                              const void *data, size_t len, bool sync,
                              struct mado_err *err);

/* Read a whole file (at most max bytes; more = MADO_ELIMIT) into out. */
mado_status fsio_read_file(const char *path, size_t max, struct buf *out, struct mado_err *err);

/* Read fd to EOF (at most max bytes; more = MADO_ELIMIT, rest drained). */
mado_status fsio_read_fd(int fd, size_t max, struct buf *out, struct mado_err *err);

/* Fault injection for tests: MADO_FAULT="fsync:N" fails the Nth fsync with
 * EIO, "write:N" the Nth write with ENOSPC, "crash:STEP" kills the process
 * with SIGKILL at a named step (see fsio_crash_point). */
void fsio_crash_point(const char *step);

#endif
