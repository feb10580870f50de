/*
 * HTML from mail: an allow-list sanitizer and a plain-text rendition, both
 * built on gumbo, an HTML5 tree builder, so that we see the tree a browser
 * would build (libxml2's HTML parser does not, and such parse differentials
 * feed mutation XSS; see docs/html-sanitizer.md).
 *
 * How it works. gumbo parses the whole input into a tree, using an allocator
 * of ours that (a) counts live bytes against max_memory, (b) checks the
 * deadline every few hundred allocations, and (c) links every block into a
 * list. Past a cap the allocator longjmp()s out of gumbo back to
 * gp_parse(); gumbo keeps no state outside its own frames and our blocks, so
 * freeing the list is a complete cleanup. The same list frees the finished
 * tree, because gumbo_destroy_output() recurses once per level of nesting
 * and overflows the stack on deep input (400,000 levels crash it with an
 * 8 MiB stack).
 *
 * The tree is then walked from <body> with an explicit stack (no recursion),
 * counting elements against max_nodes. The sanitizer writes a fresh fragment:
 * allow-listed tags with allow-listed, validated attributes; unknown tags
 * unwrapped (children kept); dangerous tags dropped with their content;
 * every text and attribute value escaped. Since nothing raw-text (script,
 * style, xmp...), nothing foreign (svg, math) and no comment is ever written,
 * a browser re-parsing our output can only build allow-listed elements, even
 * where it arranges them differently from gumbo.
 *
 * The text rendition walks the same tree and collapses white space as a
 * browser does (including CSS Text's rule that a line break between two CJK
 * characters vanishes), then a final pass trims lines and squeezes runs of
 * blank lines to one.
 *
 * Rejected: sanitizing with regular expressions or a tag-soup scanner (no
 * tree, so the browser's view differs from ours); keeping the input's bytes
 * for "unchanged" parts (any mistake copies attacker bytes through).
 */
#include "mail/sanitize.h"

#include <ctype.h>
#include <gumbo.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ caps */

struct limits {
	size_t max_input, max_nodes, max_memory, max_depth;
	size_t nodes;
	struct timespec deadline;
};

static void limits_init(struct limits *l, const struct html_sanitize_opts *o)
{
	struct html_sanitize_opts z = { 0 };
	unsigned ms;

	if (!o)
		o = &z;
	l->max_input = o->max_input ? o->max_input : HTML_SANITIZE_MAX_INPUT;
	l->max_nodes = o->max_nodes ? o->max_nodes : HTML_SANITIZE_MAX_NODES;
	l->max_memory = o->max_memory ? o->max_memory : HTML_SANITIZE_MAX_MEMORY;
	l->max_depth = o->max_depth ? o->max_depth : HTML_SANITIZE_MAX_DEPTH;
	ms = o->max_ms ? o->max_ms : HTML_SANITIZE_MAX_MS;
	l->nodes = 0;
	clock_gettime(CLOCK_MONOTONIC, &l->deadline);
	l->deadline.tv_sec += ms / 1000;
	l->deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (l->deadline.tv_nsec >= 1000000000L) {
		l->deadline.tv_sec++;
		l->deadline.tv_nsec -= 1000000000L;
	}
}

static bool past_deadline(const struct timespec *d)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > d->tv_sec ||
	       (now.tv_sec == d->tv_sec && now.tv_nsec > d->tv_nsec);
}

/* ------------------------------------------------- gumbo under our caps */

union blk {
	struct {
		union blk *prev, *next;
		size_t size;
	} h;
	max_align_t align_;
};

struct gparse {
	jmp_buf jb;
	union blk *head;          /* every live block gumbo holds */
	size_t live, max_live;
	unsigned long calls;
	const struct timespec *deadline;
	mado_status why;          /* set before longjmp */
	GumboOutput *out;
};

static _Noreturn void gp_bail(struct gparse *g, mado_status why)
{
	g->why = why;
	longjmp(g->jb, 1);
}

static void *gp_alloc(void *ud, size_t n)
{
	struct gparse *g = ud;
	union blk *b;

	if (n > g->max_live - g->live)
		gp_bail(g, MADO_ELIMIT);
	if ((++g->calls & 255) == 0 && past_deadline(g->deadline))
		gp_bail(g, MADO_ELIMIT);
	b = malloc(sizeof *b + n);
	if (!b)
		gp_bail(g, MADO_ENOMEM);
	b->h.prev = NULL;
	b->h.next = g->head;
	b->h.size = n;
	if (g->head)
		g->head->h.prev = b;
	g->head = b;
	g->live += n;
	return b + 1;
}

static void gp_free(void *ud, void *p)
{
	struct gparse *g = ud;
	union blk *b;

	if (!p)
		return;
	b = (union blk *)p - 1;
	if (b->h.prev)
		b->h.prev->h.next = b->h.next;
	else
		g->head = b->h.next;
	if (b->h.next)
		b->h.next->h.prev = b->h.prev;
	g->live -= b->h.size;
	free(b);
}

/* Free the tree and anything a bailed-out parse left: no recursion. */
static void gp_release(struct gparse *g)
{
	union blk *b = g->head, *next;

	for (; b; b = next) {
		next = b->h.next;
		free(b);
	}
	g->head = NULL;
	g->live = 0;
	g->out = NULL;
}

static mado_status gp_parse(struct gparse *g, const char *html, size_t len)
{
	GumboOptions o = kGumboDefaultOptions;

	o.allocator = gp_alloc;
	o.deallocator = gp_free;
	o.userdata = g;
	o.max_errors = 0;     /* we never read gumbo's error list */
	if (setjmp(g->jb))
		return g->why;
	g->out = gumbo_parse_with_options(&o, html, len);
	return g->out ? MADO_OK : MADO_ENOMEM;
}

static const GumboNode *find_body(const GumboOutput *o)
{
	const GumboVector *v;

	if (!o->root || o->root->type != GUMBO_NODE_ELEMENT)
		return NULL;
	v = &o->root->v.element.children;
	for (unsigned i = 0; i < v->length; i++) {
		const GumboNode *n = v->data[i];
		if (n->type == GUMBO_NODE_ELEMENT && n->v.element.tag == GUMBO_TAG_BODY &&
		    n->v.element.tag_namespace == GUMBO_NAMESPACE_HTML)
			return n;
	}
	return NULL;     /* a frameset document has none: nothing to show */
}

/* ------------------------------------------------------------ tag table */

enum {
	S_KEEP  = 1 << 0,   /* sanitize: emit the tag */
	S_DROP  = 1 << 1,   /* sanitize: drop with content (else unwrap) */
	T_DROP  = 1 << 2,   /* text: drop with content */
	VOID    = 1 << 3,   /* no end tag */
	BLK1    = 1 << 4,   /* text: starts and ends a line */
	BLK2    = 1 << 5,   /* text: surrounded by a blank line */
	LIST    = 1 << 6,
	ITEM    = 1 << 7,
	PRE     = 1 << 8,
	CELL    = 1 << 9,
	BR      = 1 << 10,
};

#define DROP (S_DROP | T_DROP)

/* Unlisted tags, GUMBO_TAG_UNKNOWN included, are unwrapped. */
static const uint16_t tag_table[GUMBO_TAG_LAST + 1] = {
	/* kept */
	[GUMBO_TAG_P] = S_KEEP | BLK2,
	[GUMBO_TAG_BR] = S_KEEP | VOID | BR,
	[GUMBO_TAG_DIV] = S_KEEP | BLK1,
	[GUMBO_TAG_SPAN] = S_KEEP,
	[GUMBO_TAG_A] = S_KEEP,
	[GUMBO_TAG_B] = S_KEEP,
	[GUMBO_TAG_I] = S_KEEP,
	[GUMBO_TAG_U] = S_KEEP,
	[GUMBO_TAG_S] = S_KEEP,
	[GUMBO_TAG_STRIKE] = S_KEEP,
	[GUMBO_TAG_STRONG] = S_KEEP,
	[GUMBO_TAG_EM] = S_KEEP,
	[GUMBO_TAG_SMALL] = S_KEEP,
	[GUMBO_TAG_BIG] = S_KEEP,
	[GUMBO_TAG_SUB] = S_KEEP,
	[GUMBO_TAG_SUP] = S_KEEP,
	[GUMBO_TAG_BLOCKQUOTE] = S_KEEP | BLK2,
	[GUMBO_TAG_PRE] = S_KEEP | BLK2 | PRE,
	[GUMBO_TAG_CODE] = S_KEEP,
	[GUMBO_TAG_TT] = S_KEEP,
	[GUMBO_TAG_KBD] = S_KEEP,
	[GUMBO_TAG_SAMP] = S_KEEP,
	[GUMBO_TAG_VAR] = S_KEEP,
	[GUMBO_TAG_H1] = S_KEEP | BLK2,
	[GUMBO_TAG_H2] = S_KEEP | BLK2,
	[GUMBO_TAG_H3] = S_KEEP | BLK2,
	[GUMBO_TAG_H4] = S_KEEP | BLK2,
	[GUMBO_TAG_H5] = S_KEEP | BLK2,
	[GUMBO_TAG_H6] = S_KEEP | BLK2,
	[GUMBO_TAG_UL] = S_KEEP | BLK2 | LIST,
	[GUMBO_TAG_OL] = S_KEEP | BLK2 | LIST,
	[GUMBO_TAG_LI] = S_KEEP | BLK1 | ITEM,
	[GUMBO_TAG_DL] = S_KEEP | BLK2,
	[GUMBO_TAG_DT] = S_KEEP | BLK1,
	[GUMBO_TAG_DD] = S_KEEP | BLK1,
	[GUMBO_TAG_TABLE] = S_KEEP | BLK1,
	[GUMBO_TAG_CAPTION] = S_KEEP | BLK1,
	[GUMBO_TAG_THEAD] = S_KEEP,
	[GUMBO_TAG_TBODY] = S_KEEP,
	[GUMBO_TAG_TFOOT] = S_KEEP,
	[GUMBO_TAG_TR] = S_KEEP | BLK1,
	[GUMBO_TAG_TD] = S_KEEP | CELL,
	[GUMBO_TAG_TH] = S_KEEP | CELL,
	[GUMBO_TAG_COLGROUP] = S_KEEP,
	[GUMBO_TAG_COL] = S_KEEP | VOID,
	[GUMBO_TAG_HR] = S_KEEP | VOID | BLK2,
	[GUMBO_TAG_IMG] = S_KEEP | VOID,
	[GUMBO_TAG_WBR] = S_KEEP | VOID,
	[GUMBO_TAG_FONT] = S_KEEP,
	[GUMBO_TAG_CENTER] = S_KEEP | BLK1,
	[GUMBO_TAG_ABBR] = S_KEEP,
	[GUMBO_TAG_ACRONYM] = S_KEEP,
	[GUMBO_TAG_DFN] = S_KEEP,
	[GUMBO_TAG_CITE] = S_KEEP,
	[GUMBO_TAG_Q] = S_KEEP,
	[GUMBO_TAG_DEL] = S_KEEP,
	[GUMBO_TAG_INS] = S_KEEP,
	[GUMBO_TAG_MARK] = S_KEEP,
	[GUMBO_TAG_ADDRESS] = S_KEEP | BLK1,
	[GUMBO_TAG_FIGURE] = S_KEEP | BLK2,
	[GUMBO_TAG_FIGCAPTION] = S_KEEP | BLK1,
	[GUMBO_TAG_RUBY] = S_KEEP,          /* furigana in Japanese mail */
	[GUMBO_TAG_RT] = S_KEEP,
	[GUMBO_TAG_RP] = S_KEEP,
	[GUMBO_TAG_RB] = S_KEEP,
	[GUMBO_TAG_RTC] = S_KEEP,
	[GUMBO_TAG_ARTICLE] = S_KEEP | BLK1,
	[GUMBO_TAG_SECTION] = S_KEEP | BLK1,
	[GUMBO_TAG_HEADER] = S_KEEP | BLK1,
	[GUMBO_TAG_FOOTER] = S_KEEP | BLK1,
	[GUMBO_TAG_NAV] = S_KEEP | BLK1,
	[GUMBO_TAG_ASIDE] = S_KEEP | BLK1,
	[GUMBO_TAG_MAIN] = S_KEEP | BLK1,
	[GUMBO_TAG_HGROUP] = S_KEEP | BLK1,

	/* unwrapped, but still blocks for the text rendition */
	[GUMBO_TAG_FIELDSET] = BLK1,
	[GUMBO_TAG_LEGEND] = BLK1,
	[GUMBO_TAG_DETAILS] = BLK1,
	[GUMBO_TAG_SUMMARY] = BLK1,
	[GUMBO_TAG_DIR] = BLK1 | LIST,
	[GUMBO_TAG_MENU] = BLK1 | LIST,
	[GUMBO_TAG_LISTING] = BLK2 | PRE,

	/* dropped by the sanitizer; their text is harmless as text */
	[GUMBO_TAG_FORM] = S_DROP | BLK1,
	[GUMBO_TAG_BUTTON] = S_DROP,

	/* dropped with content everywhere */
	[GUMBO_TAG_SCRIPT] = DROP,
	[GUMBO_TAG_STYLE] = DROP,
	[GUMBO_TAG_IFRAME] = DROP,
	[GUMBO_TAG_FRAME] = DROP,
	[GUMBO_TAG_FRAMESET] = DROP,
	[GUMBO_TAG_OBJECT] = DROP,
	[GUMBO_TAG_EMBED] = DROP,
	[GUMBO_TAG_APPLET] = DROP,
	[GUMBO_TAG_PARAM] = DROP,
	[GUMBO_TAG_INPUT] = DROP,
	[GUMBO_TAG_SELECT] = DROP,
	[GUMBO_TAG_TEXTAREA] = DROP,
	[GUMBO_TAG_OPTION] = DROP,
	[GUMBO_TAG_OPTGROUP] = DROP,
	[GUMBO_TAG_DATALIST] = DROP,
	[GUMBO_TAG_KEYGEN] = DROP,
	[GUMBO_TAG_ISINDEX] = DROP,
	[GUMBO_TAG_META] = DROP,
	[GUMBO_TAG_BASE] = DROP,
	[GUMBO_TAG_LINK] = DROP,
	[GUMBO_TAG_TEMPLATE] = DROP,
	[GUMBO_TAG_SVG] = DROP,
	[GUMBO_TAG_MATH] = DROP,
	[GUMBO_TAG_NOSCRIPT] = DROP,
	[GUMBO_TAG_NOEMBED] = DROP,
	[GUMBO_TAG_NOFRAMES] = DROP,
	[GUMBO_TAG_XMP] = DROP,
	[GUMBO_TAG_PLAINTEXT] = DROP,
	[GUMBO_TAG_TITLE] = DROP,
	[GUMBO_TAG_HEAD] = DROP,
	[GUMBO_TAG_VIDEO] = DROP,
	[GUMBO_TAG_AUDIO] = DROP,
	[GUMBO_TAG_SOURCE] = DROP,
	[GUMBO_TAG_TRACK] = DROP,
	[GUMBO_TAG_CANVAS] = DROP,
	[GUMBO_TAG_AREA] = DROP,
	[GUMBO_TAG_IMAGE] = DROP,
	[GUMBO_TAG_BGSOUND] = DROP,
	[GUMBO_TAG_MENUITEM] = DROP,
};

static unsigned tag_info(const GumboElement *e)
{
	if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
		return DROP;          /* only reachable under svg/math, dropped anyway */
	if ((unsigned)e->tag > GUMBO_TAG_LAST)
		return 0;
	return tag_table[e->tag];
}

/* ---------------------------------------------------------- tree walker */

enum { F_OPEN = 1, F_LINK = 2, F_HADCELL = 4 };

struct frame {
	const GumboNode *node;
	unsigned idx;         /* next child to visit */
	unsigned flags;
	size_t mark;          /* text: where a link's text starts */
};

struct walker {
	struct limits *lim;
	struct frame *st;
	size_t n, cap;
	void *ctx;
	/* enter may set *descend; leave runs only for nodes descended into */
	mado_status (*enter)(struct walker *w, struct frame *f, bool *descend);
	mado_status (*leave)(struct walker *w, struct frame *f);
};

static const GumboVector *kids_of(const GumboNode *n)
{
	switch (n->type) {
	case GUMBO_NODE_DOCUMENT:
		return &n->v.document.children;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		return &n->v.element.children;
	default:
		return NULL;
	}
}

static mado_status walk_push(struct walker *w, struct frame f)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct frame *st = realloc(w->st, cap * sizeof *st);
		if (!st)
			return MADO_ENOMEM;
		w->st = st;
		w->cap = cap;
	}
	w->st[w->n++] = f;
	return MADO_OK;
}

/* Visit the children of root (root itself is neither entered nor left). */
static mado_status walk(struct walker *w, const GumboNode *root)
{
	mado_status st = walk_push(w, (struct frame){ .node = root });

	while (!st && w->n) {
		struct frame *top = &w->st[w->n - 1];
		const GumboVector *kids = kids_of(top->node);
		const GumboNode *c;
		bool descend = false;

		if (!kids || top->idx >= kids->length) {
			if (w->n > 1)
				st = w->leave(w, top);
			w->n--;
			continue;
		}
		c = kids->data[top->idx++];
		if (c->type == GUMBO_NODE_ELEMENT || c->type == GUMBO_NODE_TEMPLATE) {
			if (++w->lim->nodes > w->lim->max_nodes)
				return MADO_ELIMIT;
			if ((w->lim->nodes & 1023) == 0 && past_deadline(&w->lim->deadline))
				return MADO_ELIMIT;
		}
		struct frame nf = { .node = c };
		st = w->enter(w, &nf, &descend);
		if (!st && descend)
			st = walk_push(w, nf);
	}
	return st;
}

/* ------------------------------------------------------------ escaping */

static mado_status put_esc(struct buf *b, const char *s, size_t n, bool attr)
{
	size_t run = 0;
	mado_status st;

	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = attr ? "&quot;" : NULL; break;
		case '\'': rep = attr ? "&#39;" : NULL; break;
		case '\0': rep = ""; break;
		default: rep = NULL; break;
		}
		if (!rep)
			continue;
		if ((st = buf_append(b, s + run, i - run)) || (st = buf_append_str(b, rep)))
			return st;
		run = i + 1;
	}
	return buf_append(b, s + run, n - run);
}

/* ` name="value"` with value escaped */
static mado_status put_attr(struct buf *b, const char *name, const char *v, size_t n)
{
	mado_status st;

	if ((st = buf_append_char(b, ' ')) || (st = buf_append_str(b, name)) ||
	    (st = buf_append(b, "=\"", 2)) || (st = put_esc(b, v, n, true)))
		return st;
	return buf_append_char(b, '"');
}

/* ----------------------------------------------------------------- URLs */

enum url_kind { URL_BAD, URL_WEB, URL_MAILTO, URL_CID, URL_DATA_IMG };

/*
 * Clean a URL the way a browser's URL parser would read it (leading and
 * trailing C0/space stripped, tab/CR/LF removed anywhere; gumbo has already
 * decoded entities) into b, and say what it is. Other control characters
 * make it bad, as does any scheme but ours. Relative URLs are bad too: mail
 * has no base, and "#frag" links lead nowhere in a sandboxed frame.
 */
static mado_status url_clean(const char *v, struct buf *b, enum url_kind *kind)
{
	size_t i = 0, j = strlen(v), k;
	mado_status st;
	struct str rest;

	*kind = URL_BAD;
	buf_reset(b);
	while (i < j && (unsigned char)v[i] <= 0x20)
		i++;
	while (j > i && (unsigned char)v[j - 1] <= 0x20)
		j--;
	for (; i < j; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c < 0x20 || c == 0x7f)
			return MADO_OK;
		if ((st = buf_append_char(b, (char)c)))
			return st;
	}
	if (!b->len || !isalpha((unsigned char)b->p[0]))
		return MADO_OK;
	for (k = 0; k < b->len; k++) {
		unsigned char c = (unsigned char)b->p[k];
		if (!isalnum(c) && c != '+' && c != '-' && c != '.')
			break;
	}
	if (k == b->len || b->p[k] != ':')
		return MADO_OK;
	struct str scheme = str_make(b->p, k);
	rest = str_make(b->p + k + 1, b->len - k - 1);
	if (str_ieq_cstr(scheme, "http") || str_ieq_cstr(scheme, "https")) {
		if (rest.len > 2 && rest.p[0] == '/' && rest.p[1] == '/')
			*kind = URL_WEB;
	} else if (str_ieq_cstr(scheme, "mailto")) {
		if (rest.len)
			*kind = URL_MAILTO;
	} else if (str_ieq_cstr(scheme, "cid")) {
		if (rest.len)
			*kind = URL_CID;
	} else if (str_ieq_cstr(scheme, "data")) {
		static const char *const types[] = {
			"image/png", "image/gif", "image/jpeg", "image/webp",
		};
		for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
			size_t tl = strlen(types[t]);
			if (str_istarts(rest, types[t]) && rest.len > tl &&
			    (rest.p[tl] == ';' || rest.p[tl] == ','))
				*kind = URL_DATA_IMG;
		}
	}
	return MADO_OK;
}

/* ------------------------------------------------------------------ CSS */

static const char *const css_props[] = {
	"color", "background-color", "background", "font", "font-size",
	"font-weight", "font-style", "font-family", "font-variant",
	"text-align", "text-decoration", "text-indent", "text-transform",
	"letter-spacing", "word-spacing", "line-height", "vertical-align",
	"white-space", "word-break", "word-wrap", "overflow-wrap",
	"width", "height", "min-width", "max-width", "min-height", "max-height",
	"margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
	"padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
	"border", "border-top", "border-right", "border-bottom", "border-left",
	"border-color", "border-style", "border-width",
	"border-top-color", "border-top-style", "border-top-width",
	"border-right-color", "border-right-style", "border-right-width",
	"border-bottom-color", "border-bottom-style", "border-bottom-width",
	"border-left-color", "border-left-style", "border-left-width",
	"border-radius", "border-top-left-radius", "border-top-right-radius",
	"border-bottom-left-radius", "border-bottom-right-radius",
	"border-collapse", "border-spacing",
	"list-style", "list-style-type", "list-style-position",
	"table-layout", "caption-side", "empty-cells", "float", "clear",
	"direction",
};

static bool css_prop_ok(struct str p)
{
	for (size_t i = 0; i < sizeof css_props / sizeof *css_props; i++)
		if (str_ieq_cstr(p, css_props[i]))
			return true;
	return false;
}

static bool css_func_ok(const char *p, size_t end)
{
	static const char *const fns[] = { "rgb", "rgba", "hsl", "hsla" };
	size_t s = end;

	while (s > 0 && (isalpha((unsigned char)p[s - 1]) || p[s - 1] == '-'))
		s--;
	for (size_t i = 0; i < sizeof fns / sizeof *fns; i++)
		if (str_ieq_cstr(str_make(p + s, end - s), fns[i]))
			return true;
	return false;
}

/*
 * A value is accepted only if every byte is in a small alphabet (no
 * backslash, so no CSS escapes; no colon, so no scheme; no @, braces,
 * semicolons, angle brackets or comments), quotes and parentheses balance,
 * and the only functions are colour functions. The word list is a second
 * line behind the alphabet.
 */
static bool css_value_ok(struct str v)
{
	static const char *const bad[] = {
		"expression", "url(", "javascript", "vbscript", "behavior",
		"binding", "@import",
	};
	char q = 0;
	int depth = 0;

	if (!v.len || v.len > 512)
		return false;
	for (size_t i = 0; i < v.len; i++) {
		unsigned char c = (unsigned char)v.p[i];
		if (c >= 0x80 || isalnum(c))
			continue;
		if (q) {
			if (c == (unsigned char)q)
				q = 0;
			else if (!memchr(" #%.,-+/!_", c, 10))
				return false;
			continue;
		}
		if (memchr(" #%.,-+/!_", c, 10))
			continue;
		if (c == '"' || c == '\'')
			q = (char)c;
		else if (c == '(') {
			if (depth || !css_func_ok(v.p, i))
				return false;
			depth++;
		} else if (c == ')') {
			if (!depth)
				return false;
			depth--;
		} else
			return false;
	}
	if (q || depth)
		return false;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (str_ifind(v, bad[i]) != (size_t)-1)
			return false;
	return true;
}

static bool css_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* One "prop: value" declaration; appended to out if allowed. */
static mado_status css_decl(struct str d, struct buf *val, struct buf *out)
{
	size_t colon;
	struct str prop;
	mado_status st;

	for (colon = 0; colon < d.len && d.p[colon] != ':'; colon++)
		;
	if (colon == d.len)
		return MADO_OK;
	prop = str_trim(str_make(d.p, colon));
	if (!prop.len || prop.len > 40)
		return MADO_OK;
	for (size_t i = 0; i < prop.len; i++)
		if (!isalpha((unsigned char)prop.p[i]) && prop.p[i] != '-')
			return MADO_OK;
	if (!css_prop_ok(prop))
		return MADO_OK;

	/* collapse white space in the value */
	buf_reset(val);
	bool sp = false;
	for (size_t i = colon + 1; i < d.len; i++) {
		if (css_space(d.p[i])) {
			sp = val->len > 0;
			continue;
		}
		if ((sp && (st = buf_append_char(val, ' '))) ||
		    (st = buf_append_char(val, d.p[i])))
			return st;
		sp = false;
	}
	if (!css_value_ok(str_make(val->p, val->len)))
		return MADO_OK;

	if (out->len && (st = buf_append(out, "; ", 2)))
		return st;
	for (size_t i = 0; i < prop.len; i++)
		if ((st = buf_append_char(out, (char)tolower((unsigned char)prop.p[i]))))
			return st;
	if ((st = buf_append(out, ": ", 2)))
		return st;
	return buf_append(out, val->p, val->len);
}

/* Rebuild a style attribute from its allowed declarations into out. */
static mado_status css_filter(const char *style, struct buf *val, struct buf *out)
{
	size_t n = strlen(style), i = 0;
	mado_status st;

	buf_reset(out);
	while (i < n) {
		size_t start = i;
		char q = 0;
		int depth = 0;
		for (; i < n; i++) {
			char c = style[i];
			if (q) {
				if (c == q)
					q = 0;
			} else if (c == '"' || c == '\'') {
				q = c;
			} else if (c == '(') {
				depth++;
			} else if (c == ')') {
				if (depth)
					depth--;
			} else if (c == ';' && !depth) {
				break;
			}
		}
		if ((st = css_decl(str_make(style + start, i - start), val, out)))
			return st;
		i++;
	}
	return MADO_OK;
}

/* ----------------------------------------------------------- attributes */

enum vkind {
	V_NO = 0, V_TEXT, V_LEN, V_INT, V_COLOR, V_WORD, V_DIR, V_LANG,
	V_FSIZE, V_BOOL, V_STYLE, V_HREF, V_SRC,
};

struct attr_rule {
	GumboTag tag;         /* GUMBO_TAG_LAST: any allowed tag */
	const char *name;
	enum vkind kind;
};

static const struct attr_rule attr_rules[] = {
	{ GUMBO_TAG_LAST, "dir", V_DIR },
	{ GUMBO_TAG_LAST, "lang", V_LANG },
	{ GUMBO_TAG_LAST, "title", V_TEXT },
	{ GUMBO_TAG_LAST, "align", V_WORD },
	{ GUMBO_TAG_LAST, "style", V_STYLE },
	{ GUMBO_TAG_A, "href", V_HREF },
	{ GUMBO_TAG_IMG, "src", V_SRC },
	{ GUMBO_TAG_IMG, "alt", V_TEXT },
	{ GUMBO_TAG_IMG, "width", V_LEN },
	{ GUMBO_TAG_IMG, "height", V_LEN },
	{ GUMBO_TAG_IMG, "border", V_LEN },
	{ GUMBO_TAG_IMG, "hspace", V_LEN },
	{ GUMBO_TAG_IMG, "vspace", V_LEN },
	{ GUMBO_TAG_TABLE, "width", V_LEN },
	{ GUMBO_TAG_TABLE, "height", V_LEN },
	{ GUMBO_TAG_TABLE, "border", V_LEN },
	{ GUMBO_TAG_TABLE, "cellpadding", V_LEN },
	{ GUMBO_TAG_TABLE, "cellspacing", V_LEN },
	{ GUMBO_TAG_TABLE, "bgcolor", V_COLOR },
	{ GUMBO_TAG_TD, "colspan", V_INT },
	{ GUMBO_TAG_TD, "rowspan", V_INT },
	{ GUMBO_TAG_TD, "valign", V_WORD },
	{ GUMBO_TAG_TD, "width", V_LEN },
	{ GUMBO_TAG_TD, "height", V_LEN },
	{ GUMBO_TAG_TD, "bgcolor", V_COLOR },
	{ GUMBO_TAG_TD, "nowrap", V_BOOL },
	{ GUMBO_TAG_TH, "colspan", V_INT },
	{ GUMBO_TAG_TH, "rowspan", V_INT },
	{ GUMBO_TAG_TH, "valign", V_WORD },
	{ GUMBO_TAG_TH, "width", V_LEN },
	{ GUMBO_TAG_TH, "height", V_LEN },
	{ GUMBO_TAG_TH, "bgcolor", V_COLOR },
	{ GUMBO_TAG_TH, "nowrap", V_BOOL },
	{ GUMBO_TAG_TR, "valign", V_WORD },
	{ GUMBO_TAG_TR, "bgcolor", V_COLOR },
	{ GUMBO_TAG_TR, "height", V_LEN },
	{ GUMBO_TAG_THEAD, "valign", V_WORD },
	{ GUMBO_TAG_TBODY, "valign", V_WORD },
	{ GUMBO_TAG_TFOOT, "valign", V_WORD },
	{ GUMBO_TAG_COL, "span", V_INT },
	{ GUMBO_TAG_COL, "width", V_LEN },
	{ GUMBO_TAG_COL, "valign", V_WORD },
	{ GUMBO_TAG_COLGROUP, "span", V_INT },
	{ GUMBO_TAG_COLGROUP, "width", V_LEN },
	{ GUMBO_TAG_COLGROUP, "valign", V_WORD },
	{ GUMBO_TAG_FONT, "color", V_COLOR },
	{ GUMBO_TAG_FONT, "face", V_TEXT },
	{ GUMBO_TAG_FONT, "size", V_FSIZE },
	{ GUMBO_TAG_OL, "start", V_INT },
	{ GUMBO_TAG_OL, "type", V_WORD },
	{ GUMBO_TAG_UL, "type", V_WORD },
	{ GUMBO_TAG_LI, "value", V_INT },
	{ GUMBO_TAG_LI, "type", V_WORD },
	{ GUMBO_TAG_HR, "width", V_LEN },
	{ GUMBO_TAG_HR, "size", V_INT },
	{ GUMBO_TAG_HR, "color", V_COLOR },
	{ GUMBO_TAG_HR, "noshade", V_BOOL },
	{ GUMBO_TAG_BLOCKQUOTE, "type", V_WORD },   /* type="cite": quoted mail */
};

static enum vkind attr_kind(GumboTag tag, const char *name)
{
	for (size_t i = 0; i < sizeof attr_rules / sizeof *attr_rules; i++)
		if ((attr_rules[i].tag == GUMBO_TAG_LAST || attr_rules[i].tag == tag) &&
		    strcmp(attr_rules[i].name, name) == 0)
			return attr_rules[i].kind;
	return V_NO;
}

static bool all_in(struct str v, size_t min, size_t max, const char *extra)
{
	if (v.len < min || v.len > max)
		return false;
	for (size_t i = 0; i < v.len; i++) {
		unsigned char c = (unsigned char)v.p[i];
		if (!isalnum(c) && !(extra && c && strchr(extra, c)))
			return false;
	}
	return true;
}

static bool all_digits(struct str v, size_t min, size_t max)
{
	if (v.len < min || v.len > max)
		return false;
	for (size_t i = 0; i < v.len; i++)
		if (!isdigit((unsigned char)v.p[i]))
			return false;
	return true;
}

/* Validate a plain (non-URL, non-style) value; *v is trimmed in place. */
static bool value_ok(enum vkind k, struct str *v)
{
	struct str t = str_trim(*v);
	size_t i = 0;

	*v = t;
	switch (k) {
	case V_TEXT:
	case V_BOOL:
		return true;
	case V_INT:
		return all_digits(t, 1, 6);
	case V_LEN:
		while (i < t.len && isdigit((unsigned char)t.p[i]))
			i++;
		if (i == 0 || i > 6)
			return false;
		if (i < t.len && t.p[i] == '.') {
			size_t f = ++i;
			while (i < t.len && isdigit((unsigned char)t.p[i]))
				i++;
			if (i == f || i - f > 4)
				return false;
		}
		t = str_make(t.p + i, t.len - i);
		return t.len == 0 || str_ieq_cstr(t, "%") || str_ieq_cstr(t, "px");
	case V_COLOR:
		if (t.len && t.p[0] == '#')
			t = str_make(t.p + 1, t.len - 1);
		return all_in(t, 1, 20, NULL);
	case V_WORD:
		return all_in(t, 1, 20, "-") && isalpha((unsigned char)t.p[0]);
	case V_DIR:
		return str_ieq_cstr(t, "ltr") || str_ieq_cstr(t, "rtl") ||
		       str_ieq_cstr(t, "auto");
	case V_LANG:
		return all_in(t, 1, 35, "-");
	case V_FSIZE:
		if (t.len && (t.p[0] == '+' || t.p[0] == '-'))
			t = str_make(t.p + 1, t.len - 1);
		return all_digits(t, 1, 2);
	default:
		return false;
	}
}

/* --------------------------------------------------------- sanitizer */

struct san {
	struct buf *out;
	struct buf url;       /* cleaned href/src of the current element */
	struct buf css;       /* rebuilt style attribute */
	struct buf val;       /* scratch for one CSS value */
	size_t depth, max_depth;
};

static const GumboAttribute *attr_find(const GumboElement *e, const char *name)
{
	for (unsigned i = 0; i < e->attributes.length; i++) {
		const GumboAttribute *a = e->attributes.data[i];
		if (strcmp(a->name, name) == 0)
			return a;
	}
	return NULL;
}

/*
 * Write the start tag of an allowed element. *opened stays false when the
 * element is better unwrapped: <a> without a usable href, <img> without a
 * usable source (those have nothing to show).
 */
static mado_status san_open(struct san *s, const GumboNode *n, bool *opened)
{
	const GumboElement *e = &n->v.element;
	struct buf *out = s->out;
	enum url_kind uk = URL_BAD;
	mado_status st;

	*opened = false;
	if (e->tag == GUMBO_TAG_A || e->tag == GUMBO_TAG_IMG) {
		const GumboAttribute *u = attr_find(e, e->tag == GUMBO_TAG_A ? "href" : "src");
		if (!u)
			return MADO_OK;
		if ((st = url_clean(u->value, &s->url, &uk)))
			return st;
		if (e->tag == GUMBO_TAG_A && uk != URL_WEB && uk != URL_MAILTO)
			return MADO_OK;
		if (e->tag == GUMBO_TAG_IMG && uk != URL_WEB && uk != URL_CID && uk != URL_DATA_IMG)
			return MADO_OK;
	}

	if ((st = buf_append_char(out, '<')) ||
	    (st = buf_append_str(out, gumbo_normalized_tagname(e->tag))))
		return st;
	for (unsigned i = 0; i < e->attributes.length; i++) {
		const GumboAttribute *a = e->attributes.data[i];
		enum vkind k = attr_kind(e->tag, a->name);
		struct str v = str_from_cstr(a->value);

		switch (k) {
		case V_NO:
			continue;
		case V_HREF:
			st = put_attr(out, "href", s->url.p, s->url.len);
			break;
		case V_SRC:
			st = put_attr(out, uk == URL_WEB ? "data-mado-remote-src" : "src",
			              s->url.p, s->url.len);
			break;
		case V_STYLE:
			if ((st = css_filter(a->value, &s->val, &s->css)) || !s->css.len)
				break;
			st = put_attr(out, "style", s->css.p, s->css.len);
			break;
		case V_BOOL:
			st = put_attr(out, a->name, "", 0);
			break;
		default:
			if (value_ok(k, &v))
				st = put_attr(out, a->name, v.p, v.len);
			break;
		}
		if (st)
			return st;
	}
	if (e->tag == GUMBO_TAG_A &&
	    (st = buf_append_str(out, " target=\"_blank\" rel=\"noopener noreferrer\"")))
		return st;
	if ((st = buf_append_char(out, '>')))
		return st;
	/* The parser eats one newline after <pre>; keep a leading one alive. */
	if (e->tag == GUMBO_TAG_PRE && e->children.length) {
		const GumboNode *c = e->children.data[0];
		if ((c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_WHITESPACE) &&
		    c->v.text.text[0] == '\n' && (st = buf_append_char(out, '\n')))
			return st;
	}
	*opened = true;
	return MADO_OK;
}

static mado_status san_enter(struct walker *w, struct frame *f, bool *descend)
{
	struct san *s = w->ctx;
	const GumboNode *n = f->node;
	unsigned info;
	bool opened;
	mado_status st;

	switch (n->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
		return put_esc(s->out, n->v.text.text, strlen(n->v.text.text), false);
	case GUMBO_NODE_ELEMENT:
		break;
	default:
		return MADO_OK;   /* comments, CDATA, <template> contents */
	}
	info = tag_info(&n->v.element);
	if (info & S_DROP)
		return MADO_OK;
	*descend = true;
	if (!(info & S_KEEP) || s->depth >= s->max_depth)
		return MADO_OK;   /* unwrapped, or flattened past max_depth */
	if ((st = san_open(s, n, &opened)))
		return st;
	if (opened && !(info & VOID)) {
		f->flags |= F_OPEN;
		s->depth++;
	}
	if (info & VOID)
		*descend = false;
	return MADO_OK;
}

static mado_status san_leave(struct walker *w, struct frame *f)
{
	struct san *s = w->ctx;
	mado_status st;

	if (!(f->flags & F_OPEN))
		return MADO_OK;
	s->depth--;
	if ((st = buf_append(s->out, "</", 2)) ||
	    (st = buf_append_str(s->out, gumbo_normalized_tagname(f->node->v.element.tag))))
		return st;
	return buf_append_char(s->out, '>');
}

/* -------------------------------------------------------- text rendition */

struct txt {
	struct buf raw;       /* before the final line pass */
	struct buf url;
	unsigned nl;          /* line breaks owed before the next content (0..2) */
	bool sp, sp_nl;       /* collapsed white space owed; it held a line break */
	bool tab;             /* a cell separator owed */
	bool bullet;          /* a list bullet owed */
	unsigned bullet_indent;
	unsigned pre, lists;
	uint32_t last;        /* last code point written */
};

/* East Asian Wide/Fullwidth/Halfwidth, not Hangul (CSS Text 3, 4.1.2). */
static bool cjk(uint32_t c)
{
	return (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF) ||
	       (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
	       (c >= 0xFF00 && c <= 0xFF9F) || (c >= 0xFFE0 && c <= 0xFFE6) ||
	       (c >= 0x20000 && c <= 0x3FFFD);
}

/* Decode one code point; invalid bytes come back one at a time as themselves. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned len;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	if (len == 1 || len > n) {
		*cp = c;
		return 1;
	}
	c &= 0x3F >> (len - 1);
	for (unsigned i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = s[0];
			return 1;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return len;
}

static bool at_line_start(const struct txt *t)
{
	return !t->raw.len || t->raw.p[t->raw.len - 1] == '\n';
}

static mado_status txt_newlines(struct txt *t)
{
	unsigned have = 0;
	mado_status st;

	while (have < t->nl && have < t->raw.len && t->raw.p[t->raw.len - 1 - have] == '\n')
		have++;
	for (; t->raw.len && have < t->nl; have++)
		if ((st = buf_append_char(&t->raw, '\n')))
			return st;
	t->nl = 0;
	t->sp = t->tab = false;
	return MADO_OK;
}

/* Pay the line breaks, cell separator and bullet owed; they do not depend
 * on what comes next, so a link can settle them before marking its text. */
static mado_status txt_settle_lines(struct txt *t)
{
	mado_status st;

	if (t->nl && (st = txt_newlines(t)))
		return st;
	if (t->tab) {
		if (!at_line_start(t) && (st = buf_append_char(&t->raw, '\t')))
			return st;
		t->tab = t->sp = false;
	}
	if (t->bullet) {
		for (unsigned i = 0; i < t->bullet_indent; i++)
			if ((st = buf_append(&t->raw, "  ", 2)))
				return st;
		if ((st = buf_append(&t->raw, "- ", 2)))
			return st;
		t->bullet = t->sp = false;
	}
	return MADO_OK;
}

/* Pay everything owed before content cp, collapsed white space included. */
static mado_status txt_settle(struct txt *t, uint32_t cp)
{
	mado_status st;

	if ((st = txt_settle_lines(t)))
		return st;
	if (t->sp) {
		if (!at_line_start(t) && !(t->sp_nl && cjk(t->last) && cjk(cp)) &&
		    (st = buf_append_char(&t->raw, ' ')))
			return st;
		t->sp = t->sp_nl = false;
	}
	return MADO_OK;
}

static mado_status txt_break(struct txt *t)
{
	mado_status st;

	if (t->nl && (st = txt_newlines(t)))
		return st;
	t->sp = t->sp_nl = t->tab = false;
	return buf_append_char(&t->raw, '\n');
}

static void txt_block(struct txt *t, unsigned n)
{
	if (t->nl < n)
		t->nl = n;
	t->sp = t->sp_nl = false;
}

static mado_status txt_text(struct txt *t, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	mado_status st;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_next(p + i, n - i, &cp);

		if (t->pre && cp == '\n') {
			st = txt_break(t);
		} else if (!t->pre && (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f')) {
			t->sp = true;
			if (cp == '\n' || cp == '\r')
				t->sp_nl = true;
			st = MADO_OK;
		} else if (cp == 0) {
			st = MADO_OK;
		} else if ((st = txt_settle(t, cp)) == MADO_OK) {
			if (cp == 0xA0)      /* &nbsp;: a space that does not collapse */
				st = buf_append_char(&t->raw, ' ');
			else
				st = buf_append(&t->raw, p + i, len);
			t->last = cp;
		}
		if (st)
			return st;
		i += len;
	}
	return MADO_OK;
}

static bool is_link_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* "text" and "url" name the same place: no need to print the URL. */
static bool same_link(struct str text, struct str url)
{
	while (text.len && is_link_space(text.p[0])) {
		text.p++;
		text.len--;
	}
	while (text.len && is_link_space(text.p[text.len - 1]))
		text.len--;
	if (str_istarts(url, "mailto:") && !str_istarts(text, "mailto:"))
		url = str_make(url.p + 7, url.len - 7);
	if (text.len && text.p[text.len - 1] == '/')
		text.len--;
	if (url.len && url.p[url.len - 1] == '/')
		url.len--;
	return str_ieq(text, url);
}

static mado_status txt_link_end(struct txt *t, const struct frame *f)
{
	const GumboAttribute *href = attr_find(&f->node->v.element, "href");
	enum url_kind k;
	mado_status st;

	if (!href)
		return MADO_OK;
	if ((st = url_clean(href->value, &t->url, &k)))
		return st;
	struct str text = t->raw.p ? str_make(t->raw.p + f->mark, t->raw.len - f->mark)
	                           : STR_LIT("");
	if (same_link(text, str_make(t->url.p, t->url.len)))
		return MADO_OK;
	if (text.len)
		t->sp = true;
	t->sp_nl = false;
	if ((st = txt_settle(t, '<')) || (st = buf_append_char(&t->raw, '<')) ||
	    (st = buf_append(&t->raw, t->url.p, t->url.len)))
		return st;
	t->last = '>';
	return buf_append_char(&t->raw, '>');
}

static mado_status txt_enter(struct walker *w, struct frame *f, bool *descend)
{
	struct txt *t = w->ctx;
	const GumboNode *n = f->node;
	unsigned info;
	mado_status st;

	switch (n->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
		return txt_text(t, n->v.text.text, strlen(n->v.text.text));
	case GUMBO_NODE_ELEMENT:
		break;
	default:
		return MADO_OK;
	}
	info = tag_info(&n->v.element);
	if (info & T_DROP)
		return MADO_OK;
	*descend = true;
	if (info & BR)
		return txt_break(t);
	if (info & (BLK1 | BLK2))
		txt_block(t, (info & BLK2) && !((info & LIST) && t->lists) ? 2 : 1);
	if (info & LIST)
		t->lists++;
	if (info & PRE)
		t->pre++;
	if (info & ITEM) {
		t->bullet = true;
		t->bullet_indent = t->lists ? t->lists - 1 : 0;
	}
	if (info & CELL) {
		struct frame *row = &w->st[w->n - 1];
		if (row->flags & F_HADCELL)
			t->tab = true;
		row->flags |= F_HADCELL;
	}
	if (n->v.element.tag == GUMBO_TAG_A) {
		const GumboAttribute *href = attr_find(&n->v.element, "href");
		enum url_kind k = URL_BAD;
		if (href && (st = url_clean(href->value, &t->url, &k)))
			return st;
		if (k == URL_WEB || k == URL_MAILTO) {
			if ((st = txt_settle_lines(t)))
				return st;
			f->flags |= F_LINK;
			f->mark = t->raw.len;
		}
	}
	return MADO_OK;
}

static mado_status txt_leave(struct walker *w, struct frame *f)
{
	struct txt *t = w->ctx;
	unsigned info = tag_info(&f->node->v.element);
	mado_status st;

	if ((f->flags & F_LINK) && (st = txt_link_end(t, f)))
		return st;
	if ((info & LIST) && t->lists)
		t->lists--;
	if ((info & PRE) && t->pre)
		t->pre--;
	if (info & ITEM)
		t->bullet = false;
	if (info & (BLK1 | BLK2))
		txt_block(t, (info & BLK2) && !((info & LIST) && t->lists) ? 2 : 1);
	return MADO_OK;
}

/* Trim each line's end, squeeze blank lines to one, trim the whole. */
static mado_status txt_finish(const struct txt *t, struct buf *out)
{
	const char *p = t->raw.p;
	size_t n = t->raw.len, i = 0;
	unsigned blanks = 0;
	bool any = false;
	mado_status st;

	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - p) : n, s = i;
		i = e + 1;
		while (e > s && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		if (!any)
			while (s < e && (p[s] == ' ' || p[s] == '\t'))
				s++;
		if (e == s) {
			blanks++;
			continue;
		}
		if (any && ((st = buf_append_char(out, '\n')) ||
		            (blanks && (st = buf_append_char(out, '\n')))))
			return st;
		if ((st = buf_append(out, p + s, e - s)))
			return st;
		any = true;
		blanks = 0;
	}
	return MADO_OK;
}

/* ---------------------------------------------------------------- API */

enum mode { MODE_HTML, MODE_TEXT };

static mado_status run(enum mode mode, const char *html, size_t len,
                       const struct html_sanitize_opts *opts, struct buf *out)
{
	struct limits lim;
	struct gparse g = { 0 };
	struct san s = { 0 };
	struct txt t = { 0 };
	struct walker w = { 0 };
	const GumboNode *body;
	size_t start;
	mado_status st;

	if (!out || (!html && len))
		return MADO_EINVAL;
	limits_init(&lim, opts);
	if (len > lim.max_input || len > UINT32_MAX)
		return MADO_ELIMIT;
	start = out->len;
	g.max_live = lim.max_memory;
	g.deadline = &lim.deadline;
	buf_init(&s.url, 0);
	buf_init(&s.css, 0);
	buf_init(&s.val, 0);
	buf_init(&t.raw, 0);
	buf_init(&t.url, 0);

	if ((st = gp_parse(&g, html ? html : "", len)))
		goto out;
	body = find_body(g.out);
	if (!body)
		goto out;
	w.lim = &lim;
	if (mode == MODE_HTML) {
		s.out = out;
		s.max_depth = lim.max_depth;
		w.ctx = &s;
		w.enter = san_enter;
		w.leave = san_leave;
	} else {
		w.ctx = &t;
		w.enter = txt_enter;
		w.leave = txt_leave;
	}
	if ((st = walk(&w, body)))
		goto out;
	if (mode == MODE_TEXT)
		st = txt_finish(&t, out);
out:
	free(w.st);
	gp_release(&g);
	buf_free(&s.url);
	buf_free(&s.css);
	buf_free(&s.val);
	buf_free(&t.raw);
	buf_free(&t.url);
	if (st) {
		out->len = start;
		if (out->p)
			out->p[start] = '\0';
	}
	return st;
}

mado_status html_sanitize(const char *html, size_t len,
                          const struct html_sanitize_opts *opts, struct buf *out)
{
	return run(MODE_HTML, html, len, opts, out);
}

mado_status html_to_text(const char *html, size_t len,
                         const struct html_sanitize_opts *opts, struct buf *out)
{
	return run(MODE_TEXT, html, len, opts, out);
}
