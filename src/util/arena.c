/*
 * A chunked bump allocator. Large requests get a chunk of their own so that
 * one big attachment does not waste a whole standard chunk.
 */
#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 16384

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
};

struct arena {
	struct chunk *head;
	size_t total;
};

struct arena *arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	struct chunk *c = a->head;
	while (c) {
		struct chunk *n = c->next;
		free(c);
		c = n;
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = sizeof(max_align_t);
	if (n > SIZE_MAX - align)
		return NULL;
	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	struct chunk *c = a->head;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK / 2 ? n : CHUNK;
		c = malloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		if (cap == n && a->head) {
			/* big allocation: keep the current chunk in front for small ones */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
		a->total += cap;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

void *arena_memdup(struct arena *a, const void *p, size_t len)
{
	void *q = arena_alloc(a, len + 1);
	if (q && len)
		memcpy(q, p, len);
	return q;
}

char *arena_strndup(struct arena *a, const char *p, size_t len)
{
	return arena_memdup(a, p, len);
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

size_t arena_size(const struct arena *a)
{
	return a->total;
}
