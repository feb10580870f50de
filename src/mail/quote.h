/*
 * Quote folding for display: which lines of a received mail's text are
 * quoted history ("On … wrote:", 「…さんは書きました:」, Outlook's
 * "-----Original Message-----" and "From: … Sent: …" headers, Gmail's
 * Japanese "2026年11月23日(月) 10:00 山田 <…>:"), `>` quote blocks, and the
 * signature ("-- "). The text itself is never changed: the caller keeps
 * the full text and shows these ranges folded.
 *
 * Pure: no I/O; quote_fold allocates one scratch table and frees it before
 * returning (out of memory, nothing is folded).
 */
#ifndef MADO_MAIL_QUOTE_H
#define MADO_MAIL_QUOTE_H

#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

enum quote_kind { QUOTE_HISTORY, QUOTE_BLOCK, QUOTE_SIGNATURE };

/* Lines [from, to) (0-based, split at '\n') of one folded range. */
struct quote_range {
	enum quote_kind kind;
	size_t from, to;
};

#define QUOTE_MAX_RANGES 32

struct quote_result {
	struct quote_range ranges[QUOTE_MAX_RANGES];
	size_t n;          /* ranges found (further ones are merged into the last) */
	size_t lines;      /* lines in the text */
};

/* Find the folded ranges of text[0..len). */
void quote_fold(const char *text, size_t len, struct quote_result *r);

/* Append the lines outside every range (the new text), blank lines at
 * either end trimmed; the whole text when that would leave nothing. */
mado_status quote_new_text(const char *text, size_t len, const struct quote_result *r, struct buf *out);

const char *quote_kind_name(enum quote_kind k);

#endif
