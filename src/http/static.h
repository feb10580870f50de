/*
 * The web UI's files (web/dist, built by Vite), compiled into the binary
 * by scripts/embed-web.sh as a generated C file. The table and its bytes
 * are static data owned by the binary: callers never free them.
 */
#ifndef MADO_HTTP_STATIC_H
#define MADO_HTTP_STATIC_H

#include <stdbool.h>
#include <stddef.h>

struct static_asset {
	const char *path;             /* "/index.html", "/assets/index-3f2a.js" */
	const char *content_type;
	const unsigned char *data;    /* the file as built */
	size_t len;
	const unsigned char *gz;      /* the same, gzip -9 */
	size_t gz_len;
	bool immutable;               /* content-hashed name: cache for a year */
};

/* The embedded files, *n of them. The generated file defines it; without
 * one (fuzz builds, unit tests) a weak fallback answers an empty table. */
const struct static_asset *static_assets(size_t *n);

/* The asset for a request path: an exact file, or index.html for client
 * routes (paths whose last segment has no dot: /tickets/12). NULL when
 * there is none. */
const struct static_asset *static_lookup(const char *path);

/* Does an Accept-Encoding header value admit gzip? */
bool static_accepts_gzip(const char *accept_encoding);

#endif
