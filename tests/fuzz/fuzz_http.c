/*
 * libFuzzer target for what the HTTP layer parses itself (libmicrohttpd
 * parses the request line, headers and query string): the route match of
 * a method and path against the real route table, request bodies as JSON
 * (the depth pre-check, then jansson), the ticket list's filters and the
 * times they carry (clock_parse). The first byte picks the part; the rest
 * is its input.
 *
 * Checks beyond "no crash": a matched route names that method (or GET for
 * HEAD) and its ":name" parameters are non-empty single segments; a body
 * accepted as JSON is an object; an accepted filter holds only values the
 * store can take (known enums, limit 1..200, valid tags and ids); an
 * accepted time gives the same calendar fields back when printed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/api_util.h"
#include "http/http.h"
#include "store/store_tickets.h"
#include "util/arena.h"
#include "util/clock.h"

static void check_route(struct arena *a, const char *in)
{
	static const char *const methods[] = { "GET", "POST", "PATCH", "PUT", "DELETE", "HEAD" };
	for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
		const char *params[HTTP_MAX_PARAMS] = { 0 };
		bool known;
		const struct route *r = http_route_match(a, methods[m], in, params, &known);
		if (!r)
			continue;
		if (strcmp(r->method, methods[m]) && !(strcmp(methods[m], "HEAD") == 0 && strcmp(r->method, "GET") == 0))
			abort();
		for (size_t i = 0; i < HTTP_MAX_PARAMS && params[i]; i++)
			if (!*params[i] || strchr(params[i], '/'))
				abort();
	}
}

static void check_body(struct arena *a, const char *in, size_t n)
{
	struct http_req req = { .arena = a, .body = in, .body_len = n };
	struct http_resp resp = { 0 };
	json_t *j = http_body_json(&req, &resp);
	if (j && !json_is_object(j))
		abort();
	if (!j && resp.status != 400)
		abort();
	json_decref(j);
	buf_free(&resp.body);
}

/* The filter input is lines "name=value", cut in place into strings. */
struct params {
	const char *text;
	size_t len;
};

static const char *param(void *ctx, const char *name)
{
	const struct params *p = ctx;
	size_t nl = strlen(name);
	for (const char *line = p->text; line < p->text + p->len; line += strlen(line) + 1)
		if (strncmp(line, name, nl) == 0 && line[nl] == '=')
			return line + nl + 1;
	return NULL;
}

static void check_filter(char *in)
{
	struct params p = { in, strlen(in) };
	for (char *s = in; (s = strchr(s, '\n'));)
		*s++ = '\0';
	struct http_req req = { .who = { .role = ROLE_AGENT, .agent_id = 7 } };
	struct store_ticket_filter f;
	const char *sort = NULL, *msg = NULL;
	if (api_ticket_filter_parse(&req, param, &p, &f, &sort, &msg)) {
		if (f.limit < 1 || f.limit > 200 || !sort || f.nstatus > STORE_FILTER_MAX_STATUS)
			abort();
		if (f.tag && (!*f.tag || strlen(f.tag) > 64))
			abort();
		if (f.group_id < 0 || f.assignee_id < 0 || f.customer_id < 0 || f.organization_id < 0)
			abort();
	} else if (!msg) {
		abort();
	}
}

static void check_time(const char *in)
{
	int64_t t;
	if (!clock_parse(in, &t))
		return;
	/* a plain date or a UTC time names its own fields */
	size_t n = strlen(in);
	if (!(n == 10 && in[4] == '-') && !(n == 20 && in[4] == '-' && in[10] == 'T' && in[19] == 'Z'))
		return;
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm))
		abort();
	char back[32];
	if (n == 10)
		strftime(back, sizeof back, "%Y-%m-%d", &tm);
	else
		strftime(back, sizeof back, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (strcmp(back, in) != 0 && !(n == 20 && in[17] == '6' && in[18] == '0'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0 || size > 65536)
		return 0;
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	struct arena *a = arena_new();
	switch (data[0] % 4) {
	case 0: check_route(a, s); break;
	case 1: check_body(a, (const char *)data + 1, size - 1); break;
	case 2: check_filter(s); break;
	default: check_time(s); break;
	}
	arena_free(a);
	free(s);
	return 0;
}
