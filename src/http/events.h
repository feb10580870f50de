/*
 * The live-event bus (src/http/events.c): ticket and presence events,
 * delivered as server-sent events to the streams of GET /api/v1/events
 * whose viewer may see the ticket (checked per event, per subscriber).
 * In-process only; nothing is replayed after a reconnect (clients reload
 * what they show).
 */
#ifndef MADO_HTTP_EVENTS_H
#define MADO_HTTP_EVENTS_H

#include <stdint.h>

#include "http/http.h"

struct events;
struct store;

#define EVENTS_MAX_STREAMS 256        /* open streams in all */
#define EVENTS_MAX_STREAMS_PER_USER 4 /* per agent or customer */
#define EVENTS_KEEPALIVE_SECONDS 15   /* ": keep-alive" comment on idle streams */
#define EVENTS_QUEUE_MAX (256 * 1024) /* bytes waiting for one client; past it the stream ends */
#define PRESENCE_TTL_SECONDS 30       /* presence expires without a refresh (default) */
#define PRESENCE_TTL_MIN 5
#define PRESENCE_TTL_MAX 120
#define PRESENCE_MAX 4096             /* (ticket, agent) entries held */

/*
 * Publish an event about ticket_id to every stream that may see it. Call
 * after the change is committed. type: "ticket.created", "ticket.updated",
 * "ticket.replied" or "ticket.noted"; json: a JSON object whose members are
 * added to the event's data (copied; NULL for none), e.g.
 * "{\"fields\":[\"status\"]}". Customers' streams get only created /
 * updated / replied, and only {type, ticket_id}; agents get everything.
 * Any thread; never waits for a client.
 */
void events_publish(struct server *srv, const char *type, int64_t ticket_id, const char *json);

/* ---- for server.c ---- */

/* The bus, with its thread (keep-alives, presence expiry). NULL on OOM. */
struct events *events_new(struct server *srv);
/* End every stream (waking parked ones) and stop the thread; publishing
 * after this does nothing. Before MHD_stop_daemon(). */
void events_shutdown(struct events *ev);
void events_free(struct events *ev);   /* accepts NULL; shuts down first */
/* The drainer, after each batch: publish what intake wrote (read from the
 * audit trail on the drainer's connection st). */
void events_after_drain(struct server *srv, struct store *st);

/* ---- for api_events.c ---- */

/* Open a stream for req's principal into resp (status, headers, body
 * callback). 429 when over the limits. */
void events_subscribe(struct http_req *req, struct http_resp *resp);

/* Presence of an agent on ticket_id: state "viewing", "replying" or
 * "left", expiring ttl seconds from now unless refreshed. Publishes a
 * "presence" event when it changes (also on expiry, as "left"). */
void events_presence_set(struct server *srv, int64_t ticket_id, int64_t agent_id, const char *email,
                         const char *state, int ttl);
/* The agents present on ticket_id, as a JSON array (new reference). */
json_t *events_presence_get(struct server *srv, int64_t ticket_id);

#endif
