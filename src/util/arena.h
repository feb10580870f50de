/*
 * Arena allocator: many small allocations freed at once. Used where
 * lifetimes nest (one parsed message, one HTTP request). Everything
 * returned by arena_* is owned by the arena and valid until arena_free().
 */
#ifndef MADO_UTIL_ARENA_H
#define MADO_UTIL_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);           /* accepts NULL */
void *arena_alloc(struct arena *a, size_t n); /* zeroed; NULL on OOM */
char *arena_strndup(struct arena *a, const char *p, size_t len);
char *arena_strdup(struct arena *a, const char *s); /* NULL in, NULL out */
void *arena_memdup(struct arena *a, const void *p, size_t len);
/* Bytes currently held (for limits and benchmarks). */
size_t arena_size(const struct arena *a);

#endif
