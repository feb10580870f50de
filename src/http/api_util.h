/*
 * Small pieces the api_*.c handlers share: who acts, and the usual answer
 * to a store call. Nothing here keeps state.
 */
#ifndef MADO_HTTP_API_UTIL_H
#define MADO_HTTP_API_UTIL_H

#include "http/http.h"

/* "agent:<id>", the actor of audit rows and ticket events, into out. */
void api_actor(const struct http_req *req, char *out, size_t n);

/* The answer to a store call: value (stolen: sent or released) with
 * status when st is MADO_OK, 404 "not_found" with the message not_found
 * when it is MADO_ENOTFOUND, else 503 "unavailable" with err's message. */
void api_send_result(struct http_resp *resp, int status, mado_status st, json_t *value,
                     const struct mado_err *err, const char *not_found);

/* Defined in api_tickets.c, shared by every handler that shows tickets. */
/* The viewer the caller is: all tickets for supervisors and admins, else
 * an agent's or a customer's own. */
struct store_viewer api_viewer_of(const struct http_req *req);
/* A store failure as a response: 503 when busy, 404 "no such ticket"
 * for MADO_ENOTFOUND, else 500. */
void api_store_error(struct http_resp *resp, mado_status st, const struct mado_err *err);

/* The ticket list's filters, shared by GET /tickets (query string) and
 * saved views (JSON): get(ctx, name) gives a parameter or NULL. On false,
 * *msg says what is wrong (a static string). Strings in f point into
 * what get returned; *sort_spec is a static string such as "-created". */
struct store_ticket_filter;
typedef const char *(*api_param_fn)(void *ctx, const char *name);
bool api_ticket_filter_parse(struct http_req *req, api_param_fn get, void *ctx, struct store_ticket_filter *f,
                             const char **sort_spec, const char **msg);
/* Is name one of the filter parameters (a saved view may hold only these)? */
bool api_ticket_filter_known(const char *name);

#endif
