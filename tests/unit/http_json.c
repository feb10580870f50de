/*
 * Unit tests for http_json() (src/http/http.c): the reply text it writes
 * itself must be byte for byte what json_dumps(JSON_COMPACT) gives for the
 * same tree — escapes, control characters, UTF-8, embedded NULs, key
 * order, numbers — so clients see no difference.
 */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "tap.h"

/* http_json's body for v next to json_dumps' text for it. */
static void same_as_jansson(json_t *v, const char *what)
{
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	struct http_resp r = { 0 };
	buf_init(&r.body, 0);
	http_json(&r, 200, v);   /* takes the reference */
	ok(want && r.body.p && r.body.len == strlen(want) && memcmp(r.body.p, want, r.body.len) == 0,
	   "%s: same text as json_dumps", what);
	if (!want || !r.body.p || strcmp(r.body.p, want))
		diag("got  %s\n# want %s", r.body.p ? r.body.p : "(null)", want ? want : "(null)");
	ok(r.status == 200 && r.content_type && strstr(r.content_type, "application/json"), "%s: status and type", what);
	free(want);
	buf_free(&r.body);
}

int main(void)
{
	char ctl[40];
	for (int i = 0; i < 32; i++)
		ctl[i] = (char)(i + 1);   /* 0x01..0x20: every control character */
	ctl[32] = 0x7f;
	ctl[33] = '\0';
	same_as_jansson(json_string(ctl), "every control character, DEL");
	same_as_jansson(json_string("quote \" backslash \\ slash / tab\tend"), "quote, backslash, slash, tab");
	same_as_jansson(json_string("請求書の件 — 日本語 and English 🙂"), "UTF-8 (3- and 4-byte) unescaped");
	same_as_jansson(json_stringn("a\0b", 3), "a NUL inside a string");
	same_as_jansson(json_string(""), "the empty string");
	same_as_jansson(json_pack("{s:I, s:I, s:I}", "zero", (json_int_t)0, "min", (json_int_t)INT64_MIN, "max",
	                          (json_int_t)INT64_MAX),
	                "integers 0, min, max");
	same_as_jansson(json_pack("[f, f, f, f, f]", 0.5, 3.0, 1e300, -2.25e-7, 0.1), "reals");
	same_as_jansson(json_pack("[b, b, n, {}, []]", 1, 0), "true, false, null, empty object and array");

	/* key order is insertion order, also past the first hashtable size */
	json_t *o = json_object();
	for (int i = 40; i > 0; i--) {
		char k[16];
		snprintf(k, sizeof k, "key%d", i * 7 % 41);
		json_object_set_new(o, k, json_integer(i));
	}
	json_object_set_new(o, "needs \"escape\"\n", json_string("v"));
	json_object_set_new(o, "nested", json_pack("{s:[i, {s:s}], s:o}", "a", 1, "b", "c", "d", json_object()));
	same_as_jansson(o, "40 keys in insertion order, an escaped key, nesting");

	/* a ticket-shaped reply */
	same_as_jansson(json_pack("{s:I, s:s, s:o, s:[{s:s, s:s?}]}", "number", (json_int_t)12345, "subject",
	                          "Re: [#12345] 請求書\r\n", "linked_ticket", json_null(), "messages", "text",
	                          "line 1\nline 2\n\n> quoted\n", "date", NULL),
	                "a ticket-shaped reply");

	struct http_resp r = { 0 };
	buf_init(&r.body, 0);
	http_json(&r, 500, NULL);
	ok(r.status == 500 && r.body.len == 0, "no value (a failed json_pack): empty body, as before");
	buf_free(&r.body);
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
