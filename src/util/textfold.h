/*
 * Text folding for keyword matching: one canonical form for text an admin
 * types and text a customer sends, so that "URGENT", "ｕｒｇｅｎｔ" and
 * "Urgent" match, and so do "ｼｽﾃﾑ停止", "システム停止" and "しすてむ停止".
 *
 * The fold is: ASCII lower case; full-width ASCII (U+FF01..U+FF5E) to
 * ASCII; the ideographic space to a space; half-width katakana (with a
 * following voiced or semi-voiced mark composed) to full-width; hiragana
 * to katakana. Everything else is copied unchanged, including bytes that
 * are not valid UTF-8 (the fold never fails on bad input). A subset of
 * NFKC chosen for Japanese support mail, without a Unicode table.
 */
#ifndef MADO_UTIL_TEXTFOLD_H
#define MADO_UTIL_TEXTFOLD_H

#include <stddef.h>

#include "util/buf.h"

/* Append the folded form of p[0..len) to out (MADO_ELIMIT if out's
 * maximum is reached, MADO_ENOMEM). */
mado_status textfold_append(struct buf *out, const char *p, size_t len);

/* Folded copy (malloc, caller frees); NULL on OOM. */
char *textfold_dup(const char *s);

/* Does text contain any hiragana, katakana or CJK ideograph? */
int textfold_has_japanese(const char *s, size_t len);

#endif
