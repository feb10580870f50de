/*
 * What the server's own files share: the server struct, metrics, and the
 * per-thread database connection. Not for handlers (they see http.h).
 */
#ifndef MADO_HTTP_SERVER_INTERNAL_H
#define MADO_HTTP_SERVER_INTERNAL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/auth.h"
#include "http/server.h"

#define METRIC_BUCKETS 8
/* Latency buckets in seconds, for the Prometheus histogram. */
extern const double metric_bounds[METRIC_BUCKETS];

struct metrics {
	atomic_uint_fast64_t requests[6];  /* by status class 1xx..5xx; [0] other */
	atomic_uint_fast64_t buckets[METRIC_BUCKETS + 1];
	atomic_uint_fast64_t latency_us_sum;
	atomic_uint_fast64_t ingested;
};

void metrics_observe(struct metrics *m, int status, double seconds);

struct server {
	struct workspace *ws;
	struct server_opts opts;
	struct MHD_Daemon *daemon;
	pthread_t drain_thread;
	pthread_t send_thread;      /* the outbox sender, when outbox.in_serve */
	bool sending;
	atomic_bool stopping;
	struct metrics metrics;
	struct auth_state auth;
	struct events *events;      /* live-event bus (src/http/events.c) */
};

/* Park a streaming connection from inside its read callback; wake it from
 * any thread (only a parked one, exactly once per park). */
void server_conn_suspend(void *conn);
void server_conn_resume(void *conn);

/* This pool thread's database connection (opened on first use). */
struct store *server_thread_store(struct server *s, struct mado_err *err);

#endif
