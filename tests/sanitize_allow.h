/*
 * What the HTML sanitizer may let through: the elements and attributes
 * that tests/unit/mail_sanitize.c (scanning the output) and
 * tests/fuzz/fuzz_sanitize.c (re-parsing it as a browser would) accept.
 * Written independently of the sanitizer's own tables in
 * src/mail/sanitize.c, on purpose: a tag added there by mistake fails
 * both. Header-only; each NULL-terminated.
 */
#ifndef MADO_TESTS_SANITIZE_ALLOW_H
#define MADO_TESTS_SANITIZE_ALLOW_H

#include <stddef.h>

static const char *const sanitize_ok_tags[] = {
	"p", "br", "div", "span", "a", "b", "i", "u", "s", "strike", "strong",
	"em", "small", "big", "sub", "sup", "blockquote", "pre", "code", "tt",
	"kbd", "samp", "var", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
	"li", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tfoot",
	"tr", "td", "th", "colgroup", "col", "hr", "img", "wbr", "font",
	"center", "abbr", "acronym", "dfn", "cite", "q", "del", "ins", "mark",
	"address", "figure", "figcaption", "ruby", "rt", "rp", "rb", "rtc",
	"article", "section", "header", "footer", "nav", "aside", "main",
	"hgroup", NULL,
};

static const char *const sanitize_ok_attrs[] = {
	"dir", "lang", "title", "align", "style", "href", "src", "alt", "width",
	"height", "border", "hspace", "vspace", "cellpadding", "cellspacing",
	"bgcolor", "colspan", "rowspan", "valign", "nowrap", "span", "color",
	"face", "size", "start", "type", "value", "noshade", "target", "rel",
	"data-mado-remote-src", NULL,
};

#endif
