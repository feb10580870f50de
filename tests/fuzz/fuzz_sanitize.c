/*
 * libFuzzer target for src/mail/sanitize.c.
 *
 * Each input goes through html_sanitize() and html_to_text(). Beyond "no
 * crash, no leak, no UB", the sanitized output is parsed again with gumbo,
 * standing in for the browser that will render it, and the resulting tree
 * must hold only allow-listed HTML elements with allow-listed attributes,
 * safe URLs and filtered styles; no comments, no foreign content, no
 * template. That is the mutation-XSS property: whatever the input, the
 * browser's view of our output is harmless. Both outputs must also be
 * strict UTF-8 without NULs, since they end up in JSON. The allow-lists
 * (tests/sanitize_allow.h, shared with the unit test) are written
 * independently of the sanitizer's own tables, on purpose. A violation
 * aborts with the offending output on stderr.
 */
#include <gumbo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/sanitize.h"
#include "../sanitize_allow.h"

/* Elements the re-parse adds around any fragment. */
static const char *const implied_tags[] = { "html", "head", "body", NULL };

static const char *const bad_in_style[] = {
	"url(", "expression", "\\", "@import", "javascript", "behavior",
	"binding", "/*", NULL,
};

static const char *out_text;

static void fail(const char *why, const char *detail)
{
	fprintf(stderr, "fuzz_sanitize: %s (%s)\noutput: %s\n", why,
	        detail ? detail : "", out_text ? out_text : "");
	abort();
}

static int listed(const char *const *l, const char *s)
{
	for (; *l; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

static void check_attr(const GumboAttribute *a)
{
	const char *v = a->value;

	if (a->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE || !listed(sanitize_ok_attrs, a->name))
		fail("attribute not allow-listed", a->name);
	if (strcmp(a->name, "href") == 0 && strncasecmp(v, "http://", 7) != 0 &&
	    strncasecmp(v, "https://", 8) != 0 && strncasecmp(v, "mailto:", 7) != 0)
		fail("href scheme", v);
	if (strcmp(a->name, "src") == 0 && strncasecmp(v, "cid:", 4) != 0 &&
	    strncasecmp(v, "data:image/png", 14) != 0 && strncasecmp(v, "data:image/gif", 14) != 0 &&
	    strncasecmp(v, "data:image/jpeg", 15) != 0 && strncasecmp(v, "data:image/webp", 15) != 0)
		fail("src scheme", v);
	if (strcmp(a->name, "data-mado-remote-src") == 0 && strncasecmp(v, "http://", 7) != 0 &&
	    strncasecmp(v, "https://", 8) != 0)
		fail("remote src scheme", v);
	if (strcmp(a->name, "style") == 0)
		for (const char *const *b = bad_in_style; *b; b++)
			if (strcasestr(v, *b))
				fail("style", v);
	if (strcmp(a->name, "style") == 0 &&
	    (strncasecmp(v, "position:", 9) == 0 || strcasestr(v, "; position:")))
		fail("style position", v);
}

/* Strict UTF-8: no overlongs, surrogates or code points past U+10FFFF. */
static int utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], len, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, cp = c & 0x07;
		else
			return 0;
		if (n - i < len)
			return 0;
		for (unsigned k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return 0;
		i += len;
	}
	return 1;
}

/* Walk the re-parsed tree with an explicit stack. */
static void check_tree(const GumboNode *root)
{
	size_t cap = 256, n = 0;
	const GumboNode **st = malloc(cap * sizeof *st);

	if (!st)
		abort();
	st[n++] = root;
	while (n) {
		const GumboNode *node = st[--n];
		const GumboVector *kids = NULL;

		switch (node->type) {
		case GUMBO_NODE_DOCUMENT:
			kids = &node->v.document.children;
			break;
		case GUMBO_NODE_ELEMENT: {
			const GumboElement *e = &node->v.element;
			if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
				fail("foreign element", gumbo_normalized_tagname(e->tag));
			if (e->tag == GUMBO_TAG_UNKNOWN ||
			    (!listed(sanitize_ok_tags, gumbo_normalized_tagname(e->tag)) &&
			     !listed(implied_tags, gumbo_normalized_tagname(e->tag))))
				fail("element not allow-listed", gumbo_normalized_tagname(e->tag));
			for (unsigned i = 0; i < e->attributes.length; i++)
				check_attr(e->attributes.data[i]);
			kids = &e->children;
			break;
		}
		case GUMBO_NODE_TEXT:
		case GUMBO_NODE_WHITESPACE:
			break;
		case GUMBO_NODE_COMMENT:
			fail("comment", node->v.text.text);
			break;
		default:
			fail("CDATA or template", NULL);
		}
		for (unsigned i = 0; kids && i < kids->length; i++) {
			if (n == cap) {
				cap *= 2;
				const GumboNode **nst = realloc(st, cap * sizeof *nst);
				if (!nst)
					abort();
				st = nst;
			}
			st[n++] = kids->data[i];
		}
	}
	free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct html_sanitize_opts o = { .max_input = 1 << 20, .max_ms = 2000 };
	struct buf b;

	buf_init(&b, 0);
	mado_status st = html_sanitize((const char *)data, size, &o, &b);
	if (st != MADO_OK && st != MADO_ELIMIT)
		fail("unexpected status", mado_status_name(st));
	if (st == MADO_OK && b.len) {
		if (memchr(b.p, '\0', b.len))
			fail("NUL in output", NULL);
		if (!utf8_valid((const unsigned char *)b.p, b.len))
			fail("invalid UTF-8 in output", NULL);
		out_text = b.p;
		GumboOutput *g = gumbo_parse_with_options(&kGumboDefaultOptions, b.p, b.len);
		check_tree(g->document);
		gumbo_destroy_output(&kGumboDefaultOptions, g);
		out_text = NULL;
	}
	buf_reset(&b);
	st = html_to_text((const char *)data, size, &o, &b);
	if (st != MADO_OK && st != MADO_ELIMIT)
		fail("unexpected status (text)", mado_status_name(st));
	if (st == MADO_OK && b.len && memchr(b.p, '\0', b.len))
		fail("NUL in text", NULL);
	if (st == MADO_OK && !utf8_valid((const unsigned char *)b.p, b.len)) {
		out_text = b.p;
		fail("invalid UTF-8 in text", NULL);
	}
	buf_free(&b);
	return 0;
}
