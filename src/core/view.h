/*
 * JSON views of tickets (src/core/view.c). Returned json_t values are new
 * references owned by the caller (json_decref).
 */
#ifndef MADO_CORE_VIEW_H
#define MADO_CORE_VIEW_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "store/store.h"

/* "2026-11-23T10:00:00Z" into buf; returns buf. */
const char *view_time(time_t t, char *buf, size_t n);
/* The ticket's fields (no thread). */
json_t *view_ticket(const struct store_ticket *t);
/* The ticket with participants, messages, attachments and events. */
mado_status view_ticket_full(struct store *s, struct arena *a, const struct store_ticket *t, json_t **out,
                             struct mado_err *err);

#endif
