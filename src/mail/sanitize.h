/*
 * HTML from mail: an allow-list sanitizer built on an HTML5 tree builder
 * (gumbo), and a plain-text rendition for HTML-only mail.
 *
 * The output is rebuilt from the parse tree; nothing of the input is
 * copied through unparsed. See docs/html-sanitizer.md for the allow-list.
 */
#ifndef MADO_MAIL_SANITIZE_H
#define MADO_MAIL_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/*
 * Caps. A zero field takes the default below, and a NULL opts takes all
 * defaults, so that no caller can turn a cap off by forgetting it.
 */
struct html_sanitize_opts {
	size_t max_input;      /* bytes of HTML accepted; over = MADO_ELIMIT */
	size_t max_nodes;      /* elements visited; over = MADO_ELIMIT */
	size_t max_memory;     /* bytes the parse tree may hold; over = MADO_ELIMIT */
	unsigned max_ms;       /* wall-clock ms for parse + rebuild; over = MADO_ELIMIT */
	unsigned max_depth;    /* element nesting kept in the output; deeper
	                          elements are flattened (content kept, tags not) */
};

#define HTML_SANITIZE_MAX_INPUT  ((size_t)2 << 20)    /* 2 MiB */
#define HTML_SANITIZE_MAX_NODES  ((size_t)100000)
#define HTML_SANITIZE_MAX_MEMORY ((size_t)128 << 20)  /* 128 MiB */
#define HTML_SANITIZE_MAX_MS     3000u
#define HTML_SANITIZE_MAX_DEPTH  256u

/*
 * Sanitize UTF-8 html into out (a complete fragment, not a document).
 * Remote images (http/https) are not loaded: their URL moves to
 * data-mado-remote-src and src is removed, so the UI can offer "load images".
 * cid: images are kept. MADO_ELIMIT when a cap is exceeded: the caller must
 * then show text, never the input. html is borrowed; the result is appended
 * to out, which on any error is left as it was on entry.
 */
mado_status html_sanitize(const char *html, size_t len,
                          const struct html_sanitize_opts *opts, struct buf *out);

/* A readable plain-text rendition of UTF-8 html (block structure kept as
 * line breaks, links as "text <url>", script/style dropped), trimmed, with
 * no trailing newline. Same caps and error contract as html_sanitize(). */
mado_status html_to_text(const char *html, size_t len,
                         const struct html_sanitize_opts *opts, struct buf *out);

#endif
