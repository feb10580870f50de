/*
 * Route matching, role names, JSON in and out, and metrics: the parts of
 * the HTTP layer that do not depend on libmicrohttpd.
 */
#include "http/http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/server_internal.h"

static const char *const role_names[] = { "anonymous", "customer", "light_agent", "agent", "supervisor",
	                                      "admin" };

const char *role_name(enum role r)
{
	return (unsigned)r < sizeof role_names / sizeof role_names[0] ? role_names[r] : "anonymous";
}

enum role role_parse(const char *s)
{
	for (size_t i = 1; s && i < sizeof role_names / sizeof role_names[0]; i++)
		if (strcmp(s, role_names[i]) == 0)
			return (enum role)i;
	return ROLE_NONE;
}

/* Does one path segment pattern match? ":x" matches any non-empty segment;
 * a final "*" matches the rest of the path, whatever it is. */
static bool match(struct arena *a, const char *pat, const char *path, const char **params)
{
	size_t np = 0;
	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return false;
		pat++;
		path++;
		const char *pe = strchr(pat, '/'), *se = strchr(path, '/');
		size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
		size_t sl = se ? (size_t)(se - path) : strlen(path);
		if (pat[0] == '*' && pat[1] == '\0')
			return true;
		if (pat[0] == ':') {
			if (sl == 0 || np >= HTTP_MAX_PARAMS)
				return false;
			if (params)
				params[np] = arena_strndup(a, path, sl);
			np++;
		} else if (pl != sl || strncmp(pat, path, pl) != 0) {
			return false;
		}
		pat += pl;
		path += sl;
	}
	return *pat == '\0' && *path == '\0';
}

const struct route *http_route_match(struct arena *a, const char *method, const char *path,
                                     const char **params, bool *path_known)
{
	*path_known = false;
	for (size_t i = 0; i < http_nroutes; i++) {
		if (!match(a, http_routes[i].pattern, path, NULL))
			continue;
		/* the catch-all (web UI) does not make every path "known": a POST
		 * to an unknown endpoint stays 404, not 405 */
		if (!strchr(http_routes[i].pattern, '*'))
			*path_known = true;
		if (strcmp(http_routes[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(http_routes[i].method, "GET") == 0)) {
			match(a, http_routes[i].pattern, path, params);
			return &http_routes[i];
		}
	}
	return NULL;
}

int64_t http_param_id(struct http_req *req, int i)
{
	const char *p = req->params[i];
	if (!p || !*p || strlen(p) > 18)
		return 0;
	int64_t v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (*p - '0');
	}
	return v;
}

/* JSON nested deeper than this is refused before parsing. */
#define JSON_MAX_DEPTH 32

static bool json_depth_ok(const char *p, size_t n)
{
	int depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_MAX_DEPTH)
				return false;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return true;
}

json_t *http_body_json(struct http_req *req, struct http_resp *resp)
{
	if (!json_depth_ok(req->body, req->body_len)) {
		http_error(resp, 400, "bad_json", "JSON nested too deeply");
		return NULL;
	}
	json_error_t e;
	json_t *j = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &e);
	if (!j || !json_is_object(j)) {
		char msg[256];
		snprintf(msg, sizeof msg, "body must be a JSON object%s%s", j ? "" : ": ", j ? "" : e.text);
		json_decref(j);
		http_error(resp, 400, "bad_json", msg);
		return NULL;
	}
	return j;
}

void http_header_add(struct http_resp *resp, struct http_req *req, const char *name, const char *value)
{
	if (resp->nheaders >= HTTP_MAX_HEADERS)
		return;
	resp->headers[resp->nheaders].name = arena_strdup(req->arena, name);
	resp->headers[resp->nheaders].value = arena_strdup(req->arena, value);
	resp->nheaders++;
}

/*
 * JSON out, written straight into the reply buffer. json_dumps() checks
 * the UTF-8 of every string again, character by character, builds the
 * text in a buffer of its own and hands over a copy: a fifth of the CPU
 * of a ticket show or a list page. jansson checked each string when it
 * was made, so here a string is copied in runs between the bytes that
 * need escaping. The text is the same as json_dumps(JSON_COMPACT): keys
 * in insertion order, "\u00XX" for other control characters, UTF-8 as is.
 */
static mado_status json_put_string(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	mado_status st = buf_reserve(b, n + 2) | buf_append_char(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		st |= buf_append(b, s + run, i - run);
		run = i + 1;
		char esc[6] = { '\\', 0 };
		size_t el = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			el = 6;
		}
		st |= buf_append(b, esc, el);
	}
	return st | buf_append(b, s + run, n - run) | buf_append_char(b, '"');
}

static mado_status json_put(struct buf *b, const json_t *j)
{
	char num[32];
	mado_status st = MADO_OK;
	switch (json_typeof(j)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *v;
		bool first = true;
		st |= buf_append_char(b, '{');
		json_object_foreach((json_t *)j, k, v) {
			if (!first)
				st |= buf_append_char(b, ',');
			first = false;
			st |= json_put_string(b, k, strlen(k)) | buf_append_char(b, ':') | json_put(b, v);
		}
		return st | buf_append_char(b, '}');
	}
	case JSON_ARRAY:
		st |= buf_append_char(b, '[');
		for (size_t i = 0; i < json_array_size(j); i++)
			st |= (i ? buf_append_char(b, ',') : MADO_OK) | json_put(b, json_array_get(j, i));
		return st | buf_append_char(b, ']');
	case JSON_STRING:
		return json_put_string(b, json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		return buf_append_str(b, num);
	case JSON_REAL: {  /* rare (scores, number fields): jansson's own format */
		char *r = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
		st = r ? buf_append_str(b, r) : MADO_ENOMEM;
		free(r);
		return st;
	}
	case JSON_TRUE:
		return buf_append_str(b, "true");
	case JSON_FALSE:
		return buf_append_str(b, "false");
	default:
		return buf_append_str(b, "null");
	}
}

void http_json(struct http_resp *resp, int status, json_t *value)
{
	resp->status = status;
	resp->content_type = "application/json; charset=utf-8";
	buf_reset(&resp->body);
	if (value && json_put(&resp->body, value)) {
		resp->status = 500;
		buf_reset(&resp->body);
		buf_append_str(&resp->body, "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
	}
	json_decref(value);
}

void http_error(struct http_resp *resp, int status, const char *code, const char *msg)
{
	http_json(resp, status, json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", msg));
}

const double metric_bounds[METRIC_BUCKETS] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 1.0 };

void metrics_observe(struct metrics *m, int status, double seconds)
{
	int cls = status / 100;
	atomic_fetch_add(&m->requests[cls >= 1 && cls <= 5 ? cls : 0], 1);
	size_t b = 0;
	while (b < METRIC_BUCKETS && seconds > metric_bounds[b])
		b++;
	atomic_fetch_add(&m->buckets[b], 1);
	atomic_fetch_add(&m->latency_us_sum, (uint64_t)(seconds * 1e6));
}
