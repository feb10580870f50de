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

/* Remove CRLF/LF folding (RFC 5322 unfolding) into out. */
mado_status header_unfold(const char *raw, size_t len, struct buf *out);

/* Decode an unstructured value (Subject, Comments…) to UTF-8 into out.
 * Control characters (including NUL) are removed; the result is one line. */
mado_status header_decode_text(const char *raw, size_t len, struct buf *out);

/* Parse an address-list (From, To, Cc, Reply-To…). Display names are
 * decoded; groups are flattened; garbage is skipped, never fatal.
 * The list and its strings are owned by arena. */
mado_status header_parse_addresses(struct arena *arena, const char *raw, size_t len,
                                   struct mail_addr_list *out);

/* Parse msg-ids (Message-ID, In-Reply-To, References) without <>.
 * Lenient: bare ids without brackets are accepted when nothing else is
 * there. Owned by arena. */
mado_status header_parse_msgids(struct arena *arena, const char *raw, size_t len,
                                const char ***ids, size_t *n);

/* Get parameter `name` of a structured value such as Content-Type or
 * Content-Disposition ("text/plain; charset=..."), decoded to UTF-8:
 * RFC 2231 (name*=, name*0*=…) and, as real clients do, RFC 2047 inside
 * quotes. Returns an arena string, or NULL if absent. */
const char *header_param_get(struct arena *arena, const char *raw, size_t len,
                             const char *name);

/* The value before the first ';' (e.g. "text/plain"), lower-cased,
 * trimmed; arena string ("" if empty). */
const char *header_value_token(struct arena *arena, const char *raw, size_t len);

#endif
