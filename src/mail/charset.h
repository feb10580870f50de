/*
 * Charset conversion to UTF-8 as a Japanese reader expects it.
 *
 * iconv alone reads Japanese mail wrong: ISO-2022-JP mail routinely carries
 * CP932 extensions (① ㈱ ～ and NEC/IBM rows) that iconv's ISO-2022-JP
 * rejects; "Shift_JIS" labels mean CP932 in practice; headers arrive as raw
 * 8-bit Shift_JIS/EUC-JP with no label at all; labels are sometimes wrong.
 * This module owns those rules. It does no I/O and keeps no state.
 */
#ifndef MADO_MAIL_CHARSET_H
#define MADO_MAIL_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/*
 * Append the UTF-8 reading of p[0..len) to out. label is the declared
 * charset (may be NULL or "" when unknown; case-insensitive, quotes and an
 * RFC 2231 "*lang" suffix ignored). Shift_JIS aliases read as CP932,
 * EUC-JP as EUC-JP-MS, ISO-2022-JP by our own decoder with CP932
 * extensions. When the label is missing, unknown, or a weak default
 * (us-ascii, iso-8859-1…), the charset is detected; when the bytes are not
 * valid in the declared charset, a strong detection that decodes cleanly
 * wins. Undecodable bytes become U+FFFD; *lossy (may be NULL) is set when
 * that happened. NUL characters are dropped. Fails only on OOM or when
 * out's maximum is reached (MADO_ELIMIT; out may then hold a prefix).
 */
mado_status charset_to_utf8(const char *label, const char *p, size_t len,
                            struct buf *out, bool *lossy);

/* Best guess of the charset of unlabelled bytes: a static string such as
 * "US-ASCII", "UTF-8", "ISO-2022-JP", "CP932", "EUC-JP", "WINDOWS-1252". */
const char *charset_detect(const char *p, size_t len);

/* True if p[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool charset_is_utf8(const char *p, size_t len);

#endif
