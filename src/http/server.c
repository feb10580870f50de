/*
 * The only file that knows libmicrohttpd. For each request:
 *   1st access-handler call: match the route, set the body limit;
 *   body calls: collect at most the route's limit (more = 413, read and
 *   dropped so the connection stays in sync);
 *   last call: authenticate (session cookie or API token), check the role
 *   and CSRF, run the handler, send its response with the security headers.
 * Responding only on the last call matters: libmicrohttpd 0.9.75 closes
 * the connection when a response is queued on the first call.
 *
 * Each pool thread has its own database connection (WAL lets readers run
 * beside the writer). A drainer thread holds the workspace writer lock and
 * moves spooled mail into the database every 200 ms.
 */
#include "http/server.h"

#include <malloc.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/intake.h"
#include "http/auth.h"
#include "http/events.h"
#include "http/http.h"
#include "http/mhd_load.h"
#include "http/server_internal.h"
#include "jobs/outbox.h"
#include "mail/spool.h"

static const char *const security_headers[][2] = {
	{ "Content-Security-Policy",
	  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
	  "font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; "
	  "form-action 'self'; frame-ancestors 'none'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Referrer-Policy", "no-referrer" },
	{ "Cache-Control", "no-store" },
};

static pthread_key_t store_key;
static pthread_once_t store_key_once = PTHREAD_ONCE_INIT;

static void close_thread_store(void *p)
{
	store_close(p);
}

static void make_store_key(void)
{
	pthread_key_create(&store_key, close_thread_store);
}

struct store *server_thread_store(struct server *s, struct mado_err *err)
{
	pthread_once(&store_key_once, make_store_key);
	struct store *st = pthread_getspecific(store_key);
	if (st)
		return st;
	if (store_open(s->ws->db_path, 5000, &st, err) != MADO_OK)
		return NULL;
	pthread_setspecific(store_key, st);
	return st;
}

/* ---- per-request state ---- */

struct conn_ctx {
	struct http_req req;
	const struct route *route;
	bool path_known;
	struct buf body;
	bool too_big;
	double started;
};

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void free_ctx(struct conn_ctx *c)
{
	if (!c)
		return;
	buf_free(&c->body);
	arena_free(c->req.arena);
	free(c);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	free_ctx(*con_cls);
	*con_cls = NULL;
}

static enum MHD_Result send_resp(struct server *s, struct MHD_Connection *conn, struct http_resp *r,
                                 double started)
{
	struct MHD_Response *mr;
	if (r->stream.read) {
		mr = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, r->stream.read, r->stream.ctx,
		                                       r->stream.free);
		if (!mr && r->stream.free)
			r->stream.free(r->stream.ctx);
	} else {
		mr = MHD_create_response_from_buffer(r->body.len, r->body.p ? r->body.p : (void *)"",
		                                     MHD_RESPMEM_MUST_COPY);
	}
	if (!mr)
		return MHD_NO;
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++) {
		bool overridden = false;
		for (size_t k = 0; k < r->nheaders; k++)
			if (strcasecmp(r->headers[k].name, security_headers[i][0]) == 0)
				overridden = true;
		if (!overridden)
			MHD_add_response_header(mr, security_headers[i][0], security_headers[i][1]);
	}
	for (size_t k = 0; k < r->nheaders; k++)
		MHD_add_response_header(mr, r->headers[k].name, r->headers[k].value);
	MHD_add_response_header(mr, "Content-Type", r->content_type ? r->content_type
	                                                           : "application/json; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, mr);
	MHD_destroy_response(mr);
	metrics_observe(&s->metrics, r->status, now_mono() - started);
	return ret;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	(void)version;
	struct server *s = cls;
	struct conn_ctx *c = *con_cls;
	if (!c) {
		c = calloc(1, sizeof *c);
		if (!c || !(c->req.arena = arena_new())) {
			free(c);
			return MHD_NO;
		}
		c->started = now_mono();
		c->req.srv = s;
		c->req.conn = conn;
		c->req.method = arena_strdup(c->req.arena, method);
		c->req.path = arena_strdup(c->req.arena, url);
		c->route = http_route_match(c->req.arena, method, url, c->req.params, &c->path_known);
		buf_init(&c->body, 0);
		*con_cls = c;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t limit = c->route ? c->route->body_limit : 0;
		if (!c->too_big && c->body.len + *upload_data_size <= limit)
			buf_append(&c->body, upload_data, *upload_data_size);
		else
			c->too_big = true;
		*upload_data_size = 0;
		return MHD_YES;
	}

	struct http_resp resp = { .status = 200 };
	buf_init(&resp.body, 0);
	struct http_req *req = &c->req;
	req->body = c->body.p ? c->body.p : "";
	req->body_len = c->body.len;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char addr[64] = "unknown";
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, addr, sizeof addr);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, addr, sizeof addr);
	}
	req->remote_addr = arena_strdup(req->arena, addr);

	struct mado_err err;
	if (!c->route) {
		if (c->path_known)
			http_error(&resp, 405, "method_not_allowed", "method not allowed on this path");
		else
			http_error(&resp, 404, "not_found", "no such endpoint");
	} else if (c->too_big) {
		http_error(&resp, 413, "too_large", "request body over the limit of this endpoint");
	} else if (!(req->store = server_thread_store(s, &err))) {
		http_error(&resp, 503, "unavailable", "database unavailable");
	} else {
		const struct route *r = c->route;
		if (r->flags & ROUTE_READ)
			store_read_begin(req->store);
		auth_identify(req);
		bool unsafe = strcmp(method, "GET") && strcmp(method, "HEAD");
		if (req->who.role < r->min_role) {
			if (req->who.role == ROLE_NONE)
				http_error(&resp, 401, "unauthenticated", "log in or send an API token");
			else
				http_error(&resp, 403, "forbidden", "your role does not allow this");
		} else if (unsafe && !(r->flags & ROUTE_NO_CSRF) && !auth_csrf_ok(req)) {
			http_error(&resp, 403, "csrf", "missing or wrong X-CSRF-Token header");
		} else {
			r->handler(req, &resp);
		}
		if (r->flags & ROUTE_READ)
			store_read_end(req->store);
	}
	enum MHD_Result ret = send_resp(s, conn, &resp, c->started);
	buf_free(&resp.body);
	return ret;
}

/* ---- drainer ---- */

static void *drainer(void *arg)
{
	struct server *s = arg;
	struct store *st = NULL;
	struct intake_ctx ctx;
	bool have_ctx = false;
	while (!atomic_load(&s->stopping)) {
		struct mado_err err;
		bool more = false;   /* a backlog to index: no pause */
		if (!st && store_open(s->ws->db_path, 5000, &st, &err) == MADO_OK &&
		    intake_ctx_init(&ctx, st, s->ws->blob_dir, &s->ws->cfg, s->ws->key, &err) == MADO_OK) {
			/* intake appends and looks up by index; indexing a backlog
			 * for search reads every message once: neither needs the
			 * readers' 16 MB, which would only add to the RSS */
			store_set_cache_kib(st, 4096);
			have_ctx = true;
		}
		if (have_ctx) {
			struct drain_stats ds;
			if (intake_drain(&ctx, s->ws->spool_dir, s->ws->cfg.drain_batch, 0, &ds, &err) != MADO_OK)
				fprintf(stderr, "mado serve: drain: %s\n", err.msg);
			server_count_ingested(s, ds.processed);
			events_after_drain(s, st);
			if (intake_index_backlog(&ctx, &more, &err) != MADO_OK)
				fprintf(stderr, "mado serve: search index: %s\n", err.msg);
		}
		for (int i = 0; i < 20 && !more && !atomic_load(&s->stopping); i++) {
			struct timespec d = { 0, 10 * 1000 * 1000 };
			nanosleep(&d, NULL);
		}
	}
	if (have_ctx)
		intake_ctx_free(&ctx);
	store_close(st);
	return NULL;
}

/* ---- sender ---- */

static void on_delivery(void *ctx, int64_t ticket_id, const char *what)
{
	if (ticket_id)
		events_publish(ctx, !strcmp(what, "failed") || !strcmp(what, "refused") ? "ticket.delivery_failed" : "ticket.delivery", ticket_id, NULL);
}

/* Delivers the outbox every second (jobs/outbox.c); its own connection,
 * so a slow relay never holds up the API or intake. */
static void *sender(void *arg)
{
	struct server *s = arg;
	struct store *st = NULL;
	while (!atomic_load(&s->stopping)) {
		struct mado_err err;
		if (st || store_open(s->ws->db_path, 5000, &st, &err) == MADO_OK) {
			struct outbox_sender o = { st, &s->ws->cfg, s->ws->blob_dir, on_delivery, s };
			struct outbox_stats os = { 0 };
			if (outbox_deliver_due(&o, 100, &os, &err) != MADO_OK)
				fprintf(stderr, "mado serve: outbox: %s\n", err.msg);
		}
		for (int i = 0; i < 100 && !atomic_load(&s->stopping); i++) {
			struct timespec d = { 0, 10 * 1000 * 1000 };
			nanosleep(&d, NULL);
		}
	}
	store_close(st);
	return NULL;
}

void server_count_ingested(struct server *s, uint64_t n)
{
	atomic_fetch_add(&s->metrics.ingested, n);
}

mado_status server_start(struct workspace *ws, const struct server_opts *o, struct server **out,
                         struct mado_err *err)
{
	*out = NULL;
	if (mhd_load(err))
		return MADO_EIO;
	/* Each request allocates and frees a few hundred KB (JSON trees, the
	 * reply); with glibc's default threshold every free at the end of a
	 * request gave it back to the kernel (madvise), 10% of the CPU of a
	 * ticket list. Keep up to 8 MB per arena instead. */
	mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
	struct server *s = calloc(1, sizeof *s);
	if (!s)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	s->ws = ws;
	s->opts = *o;
	auth_init(&s->auth);
	if (!(s->events = events_new(s))) {
		free(s);
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	}
	bool got = false;
	if (workspace_lock_writer(ws, 2000, &got, err) || !got) {
		events_free(s->events);
		free(s);
		return mado_fail(err, MADO_ETEMP, "another process holds %s (another mado serve?)", ws->lock_path);
	}
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(o->port) };
	if (inet_pton(AF_INET, o->listen_addr, &sa.sin_addr) != 1) {
		workspace_unlock_writer(ws);
		events_free(s->events);
		free(s);
		return mado_fail(err, MADO_EINVAL, "cannot listen on '%s': give an IPv4 address", o->listen_addr);
	}
	s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
	                             MHD_ALLOW_SUSPEND_RESUME,
	                             o->port, NULL, NULL, access_handler, s,
	                             MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                             MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 2),
	                             MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)15,
	                             MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
	                             MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)200,
	                             MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
	                             MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	                             MHD_OPTION_END);
	if (!s->daemon) {
		workspace_unlock_writer(ws);
		events_free(s->events);
		free(s);
		return mado_fail(err, MADO_EIO, "cannot listen on %s:%u (in use?)", o->listen_addr, o->port);
	}
	if (pthread_create(&s->drain_thread, NULL, drainer, s) != 0) {
		MHD_stop_daemon(s->daemon);
		workspace_unlock_writer(ws);
		events_free(s->events);
		free(s);
		return mado_fail(err, MADO_ENOMEM, "cannot start the drainer thread");
	}
	s->sending = ws->cfg.sender_in_serve && pthread_create(&s->send_thread, NULL, sender, s) == 0;
	*out = s;
	return MADO_OK;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	atomic_store(&s->stopping, true);
	events_shutdown(s->events);   /* ends open streams: MHD must not stop with parked ones */
	MHD_stop_daemon(s->daemon);
	pthread_join(s->drain_thread, NULL);
	if (s->sending)
		pthread_join(s->send_thread, NULL);
	events_free(s->events);
	auth_free(&s->auth);
	workspace_unlock_writer(s->ws);
	free(s);
}

void server_conn_suspend(void *conn)
{
	MHD_suspend_connection(conn);
}

void server_conn_resume(void *conn)
{
	MHD_resume_connection(conn);
}

/* ---- request accessors (the part of http.h that reads the connection) ---- */

const char *http_header_get(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_query_get(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_cookie_get(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}
