/*
 * The HTTP layer: requests, responses, the route table and the server.
 *
 * Handlers take a struct http_req and fill a struct http_resp; they never
 * touch sockets (src/http/server.c is the only file that knows
 * libmicrohttpd), so each handler can be called directly in tests.
 * Everything a handler allocates for the request comes from req->arena,
 * freed when the response has been sent.
 */
#ifndef MADO_HTTP_HTTP_H
#define MADO_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

struct server;

/* Roles, weakest first. A route names the weakest role it admits. */
enum role {
	ROLE_NONE = 0,      /* anonymous */
	ROLE_CUSTOMER,
	ROLE_LIGHT_AGENT,
	ROLE_AGENT,
	ROLE_SUPERVISOR,
	ROLE_ADMIN,
};
const char *role_name(enum role r);
enum role role_parse(const char *s);  /* ROLE_NONE when unknown */

/* Who is asking, as established by the session cookie or API token. */
struct principal {
	enum role role;
	int64_t agent_id;      /* 0 for customers and anonymous */
	int64_t customer_id;   /* 0 for agents */
	const char *email;
	const char *csrf;      /* session's CSRF token; NULL for API tokens */
	bool via_token;        /* API token: no cookie, so no CSRF */
};

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_HEADERS 16

struct http_req {
	struct arena *arena;
	struct server *srv;
	struct store *store;        /* this thread's connection */
	const char *method;
	const char *path;           /* without the query string */
	const char *body;
	size_t body_len;
	const char *params[HTTP_MAX_PARAMS];  /* ":name" segments of the route, in order */
	struct principal who;
	const char *remote_addr;
	void *conn;                 /* server-private */
};

struct http_header {
	const char *name, *value;
};

/*
 * A streamed body (server-sent events). When read is set, server.c sends
 * the status and headers, then calls read(ctx, pos, buf, max) whenever the
 * client can take more: it returns the bytes it put in buf, 0 after
 * parking the connection with server_conn_suspend() (see
 * server_internal.h) until someone calls server_conn_resume(), or
 * HTTP_STREAM_END. free(ctx) is called once when the connection is done,
 * also when it never started.
 */
#define HTTP_STREAM_END ((ssize_t)-1)
struct http_stream {
	ssize_t (*read)(void *ctx, uint64_t pos, char *buf, size_t max);
	void (*free)(void *ctx);
	void *ctx;
};

struct http_resp {
	int status;
	const char *content_type;
	struct buf body;
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t nheaders;
	struct http_stream stream;  /* read == NULL: body is the response */
};

typedef void (*http_handler)(struct http_req *req, struct http_resp *resp);

enum route_flags {
	ROUTE_NO_CSRF = 1u << 0,  /* state-changing but exempt (login) */
	ROUTE_RAW     = 1u << 1,  /* response is not JSON (set content type yourself) */
	ROUTE_READ    = 1u << 2,  /* writes nothing: auth and handler run in one read snapshot */
};

struct route {
	const char *method;
	const char *pattern;      /* "/api/v1/tickets/:id" */
	http_handler handler;
	enum role min_role;
	size_t body_limit;        /* bytes; 0 = no body accepted */
	unsigned flags;
};

/* ---- request helpers ---- */
const char *http_header_get(struct http_req *req, const char *name);   /* NULL if absent */
const char *http_query_get(struct http_req *req, const char *name);    /* decoded; NULL if absent */
const char *http_cookie_get(struct http_req *req, const char *name);
/* Parse the body as a JSON object (depth and size already limited). NULL
 * with a 400 already written to resp when it is not one. */
json_t *http_body_json(struct http_req *req, struct http_resp *resp);
int64_t http_param_id(struct http_req *req, int i);  /* 0 if not a positive integer */

/* ---- response helpers ---- */
void http_header_add(struct http_resp *resp, struct http_req *req, const char *name, const char *value);
/* Send a JSON value (stolen: decref'd here). */
void http_json(struct http_resp *resp, int status, json_t *value);
/* {"error": {"code": code, "message": msg}} */
void http_error(struct http_resp *resp, int status, const char *code, const char *msg);

/* The route table (src/http/routes.c) and its lookup. */
extern const struct route http_routes[];
extern const size_t http_nroutes;
/* Match method+path; params filled (arena strings). *path_known says
 * whether some route has that path with another method (405 vs 404). */
const struct route *http_route_match(struct arena *a, const char *method, const char *path,
                                     const char **params, bool *path_known);

#endif
