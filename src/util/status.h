/*
 * Status codes shared by every module. Fallible functions return one of
 * these; details go into a caller-supplied struct mado_err so that library
 * code never prints.
 */
#ifndef MADO_UTIL_STATUS_H
#define MADO_UTIL_STATUS_H

#include <stddef.h>

typedef enum mado_status {
	MADO_OK = 0,
	MADO_ENOMEM,   /* allocation failed */
	MADO_EINVAL,   /* bad input that will never be accepted */
	MADO_ELIMIT,   /* a configured limit was exceeded */
	MADO_ETEMP,    /* transient: retry later (disk full, EIO, busy) */
	MADO_EDB,      /* database error */
	MADO_EIO,      /* I/O error */
	MADO_ENOTFOUND,
	MADO_EEXIST,
} mado_status;

/* Error detail. Fixed size so that it can live on the stack of any caller. */
struct mado_err {
	char msg[512];
};

/* Fill err (may be NULL) with a printf-style message and return status. */
mado_status mado_fail(struct mado_err *err, mado_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Put a printf-style prefix and ": " before err's message (which may not
 * be passed as an argument: it is the buffer written); return status. */
mado_status mado_fail_prefix(struct mado_err *err, mado_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

const char *mado_status_name(mado_status st);

#endif
