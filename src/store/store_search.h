/*
 * Full-text search over ticket subjects and message text, through the
 * viewer's visibility (src/store/sqlite/search.c), and the audit-trail
 * tail that the live-event bus uses to learn what intake wrote.
 *
 * The caller hands over the user's words as plain strings; the backend
 * decides how to match them (SQLite: FTS5 trigram for words of 3+
 * characters; when every word is shorter, a bigram index for words of 2
 * non-ASCII characters, else a bounded scan of the newest messages). Words are data, never query syntax. Strings are borrowed for
 * the call; strings in results belong to the given arena.
 */
#ifndef MADO_STORE_STORE_SEARCH_H
#define MADO_STORE_STORE_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_SEARCH_MAX_TERMS 8   /* words in one query */
#define STORE_SEARCH_MAX_SHORT 4   /* of which shorter than 3 characters */
#define STORE_SEARCH_SHORT_CHARS 3 /* words with fewer characters take the short path */

struct store_search_opts {
	const char *const *terms;  /* every one must occur (AND), case-insensitively */
	size_t nterms;             /* 1..STORE_SEARCH_MAX_TERMS */
	const char *status;        /* NULL = any */
	int64_t limit;             /* 1..200 */
	int64_t offset;
	int64_t scan_window;       /* short path: newest messages looked at */
	int64_t candidates;        /* full text: newest matching messages (and ticket
	                              subjects) ranked; 0 = 200 */
};

struct store_search_hit {
	int64_t ticket_id;
	int64_t message_row;       /* best matching message; 0 = the ticket subject matched */
	double score;              /* bm25: lower is better; 0 on the short path */
};

struct store_search_result {
	bool full_text;            /* false: short words only (bigram or scan) */
	bool bigram;               /* short words from the bigram index (2 non-ASCII characters each);
	                              false with !full_text: newest scan_window messages only */
	int64_t total;             /* visible matching tickets among the candidates / in the window */
	bool exact;                /* total counts every match: no window cut anything off */
	struct store_search_hit *hits;  /* arena */
	size_t nhits;
};

/* MADO_EINVAL for a bad term list (empty, too many, too many short ones). */
mado_status store_search(struct store *s, struct arena *a, const struct store_viewer *v,
                         const struct store_search_opts *o, struct store_search_result *out,
                         struct mado_err *err);

/* Index the messages the bigram index does not hold yet (migration 012),
 * oldest first: max_rows of them, plus every message of the intake batch
 * that is open (store_fts_defer_begin); *more when some are left. Inside
 * the writer's transaction (an intake batch before store_fts_defer_end,
 * or its own). */
mado_status store_bigram_catch_up(struct store *s, int64_t max_rows, bool *more, struct mado_err *err);

/* A message's subject and text (arena strings): *message_row's, or when
 * that is 0 the first message of ticket_id (its row stored back).
 * MADO_ENOTFOUND if none. */
mado_status store_search_message_text(struct store *s, struct arena *a, int64_t *message_row,
                                      int64_t ticket_id, const char **subject, const char **body,
                                      struct mado_err *err);

/* Audit events after after_id written by intake (actor not an agent), at
 * most max of them, oldest first; *last is the newest id seen (also when
 * nothing is returned). kind is "created" or "message". */
struct store_feed_item {
	int64_t event_id, ticket_id;
	const char *kind;
};
typedef void (*store_feed_cb)(void *ctx, const struct store_feed_item *it);
mado_status store_feed_since(struct store *s, struct arena *a, int64_t after_id, int max,
                             store_feed_cb cb, void *ctx, int64_t *last, struct mado_err *err);
/* Newest audit event id (0 when none): where a fresh feed starts. */
mado_status store_feed_head(struct store *s, int64_t *last, struct mado_err *err);

#endif
