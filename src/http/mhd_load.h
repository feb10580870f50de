/*
 * libmicrohttpd is loaded with dlopen when the server starts, not at exec
 * (see mhd_load.c: commands that never serve HTTP, above all the
 * one-process-per-mail `mado ingest`, do not pay for GnuTLS and its
 * libraries). The MHD_* functions from <microhttpd.h> work as usual once
 * mhd_load() has succeeded.
 */
#ifndef MADO_HTTP_MHD_LOAD_H
#define MADO_HTTP_MHD_LOAD_H

#include "util/status.h"

/* Load the library and resolve its functions (once; thread-safe). */
mado_status mhd_load(struct mado_err *err);

#endif
