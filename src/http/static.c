/*
 * The catch-all route (the last line of the route table): the web UI. Files come from
 * the table scripts/embed-web.sh generates from web/dist; client routes
 * (/tickets/12, /customers) answer index.html so that the single-page app
 * can route them. Paths under /api/ never reach the UI: an unknown API
 * endpoint stays a JSON 404.
 *
 * The UI runs under the server's default Content-Security-Policy
 * (server.c: script-src 'self', style-src 'self', connect-src 'self',
 * frame-src 'self', no inline code, no eval), which is why this file adds
 * no CSP of its own.
 */
#include "http/static.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/api.h"

__attribute__((weak)) const struct static_asset *static_assets(size_t *n)
{
	*n = 0;
	return NULL;
}

static const struct static_asset *find_exact(const char *path)
{
	size_t n;
	const struct static_asset *a = static_assets(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i].path, path) == 0)
			return &a[i];
	return NULL;
}

/* A client route is a path whose last segment has no dot (files do). */
static bool is_client_route(const char *path)
{
	const char *last = strrchr(path, '/');
	return !strchr(last ? last : path, '.');
}

const struct static_asset *static_lookup(const char *path)
{
	if (strcmp(path, "/") == 0)
		return find_exact("/index.html");
	const struct static_asset *a = find_exact(path);
	if (!a && is_client_route(path))
		a = find_exact("/index.html");
	return a;
}

/* The q value after a coding: "gzip;q=0.5" → 0.5; none → 1. */
static double coding_q(const char *after)
{
	while (*after == ' ' || *after == ';')
		after++;
	if (strncasecmp(after, "q=", 2) != 0)
		return 1.0;
	return strtod(after + 2, NULL);
}

bool static_accepts_gzip(const char *ae)
{
	/* "gzip", "deflate, gzip;q=0.5" — but not "gzip;q=0" nor "x-gzipped" */
	for (const char *p = ae; p && (p = strcasestr(p, "gzip")); p += 4) {
		bool starts = p == ae || p[-1] == ' ' || p[-1] == ',';
		const char *q = p + 4;
		while (*q == ' ')
			q++;
		if (starts && (*q == '\0' || *q == ','))
			return true;
		if (starts && *q == ';')
			return coding_q(q) > 0.0;
	}
	return false;
}

void api_static(struct http_req *req, struct http_resp *resp)
{
	if (strncmp(req->path, "/api/", 5) == 0) {
		http_error(resp, 404, "not_found", "no such endpoint");
		return;
	}
	const struct static_asset *a = static_lookup(req->path);
	if (!a) {
		size_t n;
		static_assets(&n);
		http_error(resp, 404, "not_found",
		           n ? "no such file" : "this mado was built without the web UI (make builds web/)");
		return;
	}
	bool gz = a->gz && static_accepts_gzip(http_header_get(req, "Accept-Encoding"));
	resp->status = 200;
	resp->content_type = a->content_type;
	buf_reset(&resp->body);
	buf_append(&resp->body, gz ? a->gz : a->data, gz ? a->gz_len : a->len);
	if (gz)
		http_header_add(resp, req, "Content-Encoding", "gzip");
	http_header_add(resp, req, "Vary", "Accept-Encoding");
	/* hashed names never change content; index.html must always be fresh */
	http_header_add(resp, req, "Cache-Control", a->immutable ? "public, max-age=31536000, immutable" : "no-store");
}
