/* Status names and the helpers that fill an error buffer. */
#include "util/status.h"

#include <stdarg.h>
#include <stdio.h>

mado_status mado_fail(struct mado_err *err, mado_status st, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return st;
}

mado_status mado_fail_prefix(struct mado_err *err, mado_status st, const char *fmt, ...)
{
	if (err) {
		char was[sizeof err->msg];
		snprintf(was, sizeof was, "%s", err->msg);
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < sizeof err->msg)
			snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s", was);
	}
	return st;
}

const char *mado_status_name(mado_status st)
{
	switch (st) {
	case MADO_OK: return "ok";
	case MADO_ENOMEM: return "out of memory";
	case MADO_EINVAL: return "invalid";
	case MADO_ELIMIT: return "limit exceeded";
	case MADO_ETEMP: return "temporary failure";
	case MADO_EDB: return "database error";
	case MADO_EIO: return "i/o error";
	case MADO_ENOTFOUND: return "not found";
	case MADO_EEXIST: return "exists";
	}
	return "unknown";
}
