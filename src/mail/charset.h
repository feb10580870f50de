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
 * charset (may be NULL or "" when unknown). When the label is missing,
 * unknown, or the bytes are not valid in it, the charset is detected
 * (UTF-8, ISO-2022-JP, CP932, EUC-JP, then Latin-1/Windows-1252).
 * Undecodable bytes become U+FFFD; *lossy (may be NULL) is set when that
 * happened. Fails only on OOM or when out's maximum is reached.
 */
mado_status charset_to_utf8(const char *label, const char *p, size_t len,
                            struct buf *out, bool *lossy);

/* Best guess of the charset of unlabelled bytes: a static string such as
 * "US-ASCII", "UTF-8", "ISO-2022-JP", "CP932", "EUC-JP", "WINDOWS-1252". */
const char *charset_detect(const char *p, size_t len);

/* True if p[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool charset_is_utf8(const char *p, size_t len);

#endif
