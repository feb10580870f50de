/*
 * Header field decoding: RFC 2047 encoded words (leniently, as real mail
 * needs: words split mid-character, adjacent words, words inside quoted
 * strings), raw 8-bit values in any charset charset.h can detect, RFC 2231
 * parameters (continuations, charsets), address lists and msg-id lists.
 * Pure functions over bytes: no GMime, no I/O.
 */
#ifndef MADO_MAIL_HEADER_H
#define MADO_MAIL_HEADER_H

#include <stddef.h>

#include "mail/mail.h"
#include "util/arena.h"
#include "util/buf.h"

/* Remove CRLF/LF folding (RFC 5322 unfolding) into out: a line break
 * followed by white space is removed (the white space kept); a line break
 * not followed by white space ends the field, and the rest is ignored.
 * Every function below unfolds its input itself, so raw and unfolded
 * values both work. See docs/japanese-mail.md for all the rules. */
mado_status header_unfold(const char *raw, size_t len, struct buf *out);

/* Decode an unstructured value (Subject, Comments…) to UTF-8, appended to
 * out. Encoded words with the same charset are joined before conversion
 * (words split mid-character decode right); 8-bit text outside encoded
 * words is charset-detected. Control characters (including NUL) are
 * removed, a fold becomes one space, the result is one trimmed line.
 * Pass the value's full length: a NUL inside is data, not the end.
 * Fails only on OOM or out's maximum (MADO_ELIMIT). */
mado_status header_decode_text(const char *raw, size_t len, struct buf *out);

/* Parse an address-list (From, To, Cc, Reply-To…). Display names are
 * decoded (also encoded words inside quotes, raw 8-bit names); a comment
 * is the name when there is no phrase; groups are flattened; obsolete
 * routes dropped; white space and comments removed from the addr-spec.
 * An entry may have only a name (email "") or only an email (name "").
 * Garbage is skipped, never fatal; at most 1000 entries. out->v is NULL
 * when out->n is 0. The list and its strings are owned by arena. */
mado_status header_parse_addresses(struct arena *arena, const char *raw, size_t len,
                                   struct mail_addr_list *out);

/* Parse msg-ids (Message-ID, In-Reply-To, References) without <>, white
 * space inside removed. Lenient: with no <> at all, bare tokens with '@'
 * (or the only token there is) are ids. At most 1000: the first and the
 * newest 999. *ids is a NULL-terminated array of *n, never NULL on
 * success. Owned by arena. */
mado_status header_parse_msgids(struct arena *arena, const char *raw, size_t len,
                                const char ***ids, size_t *n);

/* Get parameter `name` (case-insensitive) of a structured value such as
 * Content-Type or Content-Disposition ("text/plain; charset=..."), decoded
 * to UTF-8: RFC 2231 (name*=, name*0*=…, preferred over name=) and, as
 * real clients do, RFC 2047 inside quotes; raw 8-bit values detected.
 * Trimmed, control characters removed. "boundary" is returned as written.
 * Returns an arena string, or NULL if absent (or empty and unquoted, or
 * OOM). */
const char *header_param_get(struct arena *arena, const char *raw, size_t len,
                             const char *name);

/* The value before the first ';' (e.g. "text/plain"), lower-cased, with
 * white space and comments removed; arena string ("" if empty, NULL only
 * on OOM). Not validated: "/invalid" comes back as written. */
const char *header_value_token(struct arena *arena, const char *raw, size_t len);

#endif
