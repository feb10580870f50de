/*
 * `mado serve`: the HTTP server (libmicrohttpd, epoll, thread pool) and,
 * in the same process, the spool drainer that turns piped mail into
 * tickets within a second. The server owns the workspace writer lock for
 * its lifetime; `mado ingest` then only spools (see cmd_ingest.c).
 */
#ifndef MADO_HTTP_SERVER_H
#define MADO_HTTP_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "store/workspace.h"
#include "util/status.h"

struct server_opts {
	const char *listen_addr;   /* "127.0.0.1" */
	uint16_t port;             /* 8080 */
	unsigned threads;          /* thread pool size */
	bool secure_cookies;       /* add Secure (behind TLS) */
};

struct server;

/* Start serving ws (borrowed; must outlive the server). */
mado_status server_start(struct workspace *ws, const struct server_opts *o, struct server **out,
                         struct mado_err *err);
/* Stop accepting, finish requests in flight, stop the drainer. */
void server_stop(struct server *s);

/* Counters for /metrics. */
void server_count_ingested(struct server *s, uint64_t n);

#endif
