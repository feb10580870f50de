/*
 * libcurl is loaded with dlopen when a sender first needs it, not at exec
 * (see curl_load.c: `mado ingest`, one process per mail, never sends, and
 * no longer maps libcurl and its ~20 libraries). The curl_* functions
 * from <curl/curl.h> work as usual once curl_load() has succeeded.
 */
#ifndef MADO_UTIL_CURL_LOAD_H
#define MADO_UTIL_CURL_LOAD_H

#include "util/status.h"

/* Load libcurl.so.4 and resolve its functions (once; thread-safe). */
mado_status curl_load(struct mado_err *err);

#endif
