/*
 * JSON views of tickets and their threads: the one place that decides how
 * a ticket looks to the outside, used by `mado ticket --json` and the API.
 */
#include "core/view.h"
#include "core/priority.h"
#include "mail/quote.h"
#include "store/store_outgoing.h"
#include "core/sla.h"
#include "util/clock.h"
#include "store/store_people.h"

#include <string.h>

#include <stdio.h>
#include <time.h>

const char *view_time(time_t t, char *buf, size_t n)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* Category, language and why the priority is what it is, e.g.
 * "urgent: VIP customer + 'システム停止' in subject" and its Japanese twin. */
static void view_add_triage(json_t *j, const struct store_ticket *t)
{
	json_object_set_new(j, "category", *t->category ? json_string(t->category) : json_null());
	json_object_set_new(j, "language", *t->language ? json_string(t->language) : json_null());
	json_t *why = json_null();
	if (*t->priority_reason) {
		struct buf en, ja;
		buf_init(&en, 0);
		buf_init(&ja, 0);
		buf_printf(&en, "%s: %s", t->priority, t->priority_reason);
		buf_printf(&ja, "%s: %s", priority_name_ja(t->priority), t->priority_reason_ja);
		why = json_pack("{s:s, s:s}", "en", en.p, "ja", ja.p);
		buf_free(&en);
		buf_free(&ja);
	}
	json_object_set_new(j, "priority_reason", why);
}

json_t *view_ticket(const struct store_ticket *t)
{
	char c[32], u[32];
	json_t *j = json_object();
	json_object_set_new(j, "number", json_integer(t->id));
	json_object_set_new(j, "subject", json_string(t->subject));
	json_object_set_new(j, "status", json_string(t->status));
	json_object_set_new(j, "priority", json_string(t->priority));
	json_object_set_new(j, "type", json_string(t->type));
	json_object_set_new(j, "channel", json_string(t->channel));
	json_object_set_new(j, "customer", json_pack("{s:s, s:s}", "email", t->customer_email, "name",
	                                             t->customer_name));
	json_object_set_new(j, "organization", *t->organization ? json_string(t->organization) : json_null());
	json_object_set_new(j, "linked_ticket", t->linked_ticket_id ? json_integer(t->linked_ticket_id)
	                                                            : json_null());
	json_object_set_new(j, "spam", json_boolean(t->spam));
	json_object_set_new(j, "created_at", json_string(view_time(t->created_at, c, sizeof c)));
	json_object_set_new(j, "updated_at", json_string(view_time(t->updated_at, u, sizeof u)));
	json_object_set_new(j, "message_count", json_integer(t->message_count));
	view_add_triage(j, t);
	return j;
}

/* Quoted history, quote blocks and the signature of the text, folded for
 * display (mail/quote.c): "text_new" is what the sender wrote this time,
 * "folded" the line ranges [from_line, to_line) that a reader expands. */
static void add_folding(json_t *msg, const char *text)
{
	struct quote_result r;
	size_t len = strlen(text);
	quote_fold(text, len, &r);
	json_t *ranges = json_array();
	for (size_t i = 0; i < r.n; i++)
		json_array_append_new(ranges, json_pack("{s:s, s:I, s:I}", "kind", quote_kind_name(r.ranges[i].kind),
		                                        "from_line", (json_int_t)r.ranges[i].from, "to_line",
		                                        (json_int_t)r.ranges[i].to));
	struct buf nt;
	buf_init(&nt, 0);
	quote_new_text(text, len, &r, &nt);
	json_object_set_new(msg, "text_new", json_string(nt.p ? nt.p : ""));
	json_object_set_new(msg, "folded", ranges);
	buf_free(&nt);
}

static mado_status add_message(void *v, const struct store_message *m)
{
	json_t *to = json_loads(m->to_json, 0, NULL), *cc = json_loads(m->cc_json, 0, NULL);
	char d[32], c[32];
	json_array_append_new(
		v, json_pack("{s:I, s:s, s:s, s:{s:s, s:s}, s:o, s:o, s:s, s:s?, s:s, s:s, s:s, s:b, s:b, s:s, "
		             "s:s, s:s, s:b, s:s, s:s}",
		             "id", (json_int_t)m->id, "direction", m->direction, "message_id", m->message_id,
		             "from", "email", m->from_email, "name", m->from_name, "to", to ? to : json_array(),
		             "cc", cc ? cc : json_array(), "subject", m->subject, "date",
		             m->date ? view_time(m->date, d, sizeof d) : NULL, "received_at",
		             view_time(m->created_at, c, sizeof c), "text", m->body_text, "html", m->body_html,
		             "text_from_html", m->text_from_html, "may_auto_answer", m->may_auto_answer,
		             "kind", m->kind, "hygiene", m->hygiene_reasons, "thread_reason",
		             m->thread_reason, "truncated", m->truncated, "notes", m->parse_notes, "raw_sha256",
		             m->raw_sha256));
	add_folding(json_array_get(v, json_array_size(v) - 1), m->body_text);
	return MADO_OK;
}

struct att_ctx {
	struct store *s;
	struct arena *a;
	json_t *arr;
};

static mado_status add_attachment(void *v, const struct store_attachment *a)
{
	struct att_ctx *c = v;
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:b, s:b, s:s}", "id", (json_int_t)a->id, "message",
	                      (json_int_t)a->message_row, "filename", a->filename, "content_type",
	                      a->content_type, "size", (json_int_t)a->size, "content_id", a->content_id,
	                      "inline", a->inline_part, "stored", a->stored, "sha256", a->sha256);
	/* the unguessable download URL (access is still checked per request) */
	const char *url = NULL;
	struct mado_err err;
	if (a->stored && people_attachment_url(c->s, c->a, a->id, &url, &err) == MADO_OK)
		json_object_set_new(j, "url", json_string(url));
	json_array_append_new(c->arr, j);
	return MADO_OK;
}

static mado_status add_participant(void *v, const struct store_participant *p)
{
	json_array_append_new(v, json_pack("{s:s, s:s, s:s}", "email", p->email, "name", p->name, "role",
	                                   p->role));
	return MADO_OK;
}

static mado_status add_event(void *v, const struct store_event *e)
{
	char c[32];
	json_array_append_new(v, json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s}", "id", (json_int_t)e->id,
	                                   "actor", e->actor, "kind", e->kind, "field", e->field, "old",
	                                   e->old_value, "new", e->new_value, "at",
	                                   view_time(e->created_at, c, sizeof c)));
	return MADO_OK;
}

/* A ticket's outgoing mail and how its delivery went. */
static mado_status add_outbox(void *v, const struct store_outbox_row *r)
{
	char c[32], n[32], sent[32];
	json_array_append_new(
		v, json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s?}", "id", (json_int_t)r->id, "message",
		             (json_int_t)r->message_row, "kind", r->kind, "status", r->status, "recipient", r->recipient,
		             "attempts", (json_int_t)r->attempts, "last_error", r->last_error, "queued_at",
		             view_time(r->created_at, c, sizeof c), "next_attempt_at",
		             view_time(r->next_attempt_at, n, sizeof n), "sent_at",
		             r->sent_at ? view_time(r->sent_at, sent, sizeof sent) : NULL));
	if (!r->message_row)  /* automatic mail is not a message of the thread */
		json_object_set_new(json_array_get(v, json_array_size(v) - 1), "message", json_null());
	return MADO_OK;
}

/* True when some mail of the ticket failed for good. */
static bool delivery_failed(json_t *outbox)
{
	size_t i;
	json_t *o;
	json_array_foreach(outbox, i, o) if (!strcmp(json_string_value(json_object_get(o, "status")), "failed"))
		return true;
	return false;
}

mado_status view_ticket_full(struct store *s, struct arena *a, const struct store_ticket *t, json_t **out,
                             struct mado_err *err)
{
	json_t *j = view_ticket(t), *msgs = json_array(), *atts = json_array(), *parts = json_array(),
	       *evs = json_array(), *outbox = json_array(), *sla = NULL;
	mado_status st;
	if ((st = sla_view(s, a, t->id, mado_now(), &sla, err)) ||
	    (st = store_message_list(s, a, t->id, add_message, msgs, err)) ||
	    (st = store_attachment_list(s, a, t->id, add_attachment, &(struct att_ctx){ s, a, atts }, err)) ||
	    (st = store_participant_list(s, a, t->id, add_participant, parts, err)) ||
	    (st = store_event_list(s, a, t->id, add_event, evs, err)) ||
	    (st = store_outbox_list(s, a, t->id, add_outbox, outbox, err))) {
		json_decref(outbox);
		json_decref(j);
		json_decref(msgs);
		json_decref(atts);
		json_decref(parts);
		json_decref(evs);
		json_decref(sla);
		*out = NULL;
		return st;
	}
	json_object_set_new(j, "sla", sla);
	json_object_set_new(j, "participants", parts);
	json_object_set_new(j, "messages", msgs);
	json_object_set_new(j, "attachments", atts);
	json_object_set_new(j, "events", evs);
	json_object_set_new(j, "delivery_failed", json_boolean(delivery_failed(outbox)));
	json_object_set_new(j, "outbox", outbox);
	*out = j;
	return MADO_OK;
}
