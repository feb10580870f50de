/*
 * Growable byte buffers with an optional maximum, and length-carrying
 * string slices for parsing untrusted data without relying on NUL.
 *
 * A struct buf owns its bytes; buf_free() releases them. The bytes are
 * always NUL-terminated (the NUL is not counted in len) so that a finished
 * buffer can be handed to APIs that want C strings.
 */
#ifndef MADO_UTIL_BUF_H
#define MADO_UTIL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

struct str {
	const char *p;
	size_t len;
};

#define STR_LIT(s) ((struct str){ (s), sizeof(s) - 1 })
static inline struct str str_make(const char *p, size_t len) { return (struct str){ p, len }; }
struct str str_from_cstr(const char *s);
bool str_eq(struct str a, struct str b);
bool str_ieq(struct str a, struct str b);
bool str_ieq_cstr(struct str a, const char *b);
bool str_istarts(struct str s, const char *prefix);
/* Case-insensitive substring search; returns offset or (size_t)-1. */
size_t str_ifind(struct str hay, const char *needle);
struct str str_trim(struct str s);

struct buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max;   /* 0 = unlimited; appends past it fail with MADO_ELIMIT */
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
mado_status buf_reserve(struct buf *b, size_t extra);
mado_status buf_append(struct buf *b, const void *p, size_t len);
mado_status buf_append_str(struct buf *b, const char *s);
mado_status buf_append_char(struct buf *b, char c);
/* Append code point cp (<= 0x10FFFF) as UTF-8. */
mado_status buf_append_utf8(struct buf *b, unsigned long cp);
mado_status buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
mado_status buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Hand the bytes to the caller (who frees them with free()); b is reset. */
char *buf_steal(struct buf *b);

/* Make room for one more element in a growable array *v of *cap elements
 * of size elem holding n: doubles (from 16) when full. MADO_ENOMEM leaves
 * *v as it was. */
mado_status array_reserve_one(void **v, size_t *cap, size_t n, size_t elem);

/* strdup/strndup that never return NULL for a non-NULL input unless OOM. */
char *xstrndup(const char *p, size_t len);

#endif
