/*
 * Ticket writes: update (PATCH) and bulk update, internal notes with
 * @mentions, replies (stored as outgoing messages and queued in the
 * outbox), merge, links, and splitting messages into a child ticket.
 *
 * Every handler works the same way: check the body's shape (400) before
 * touching the database; then in one BEGIN IMMEDIATE transaction (bounded
 * by the connection's busy timeout: a busy database is 503) check that the
 * caller may see each ticket involved (404, the same as a ticket that does
 * not exist), check the rules that depend on the ticket (400, or 403 for a
 * role refusal), write, and record every change as an event with actor
 * "agent:<id>", field, old and new value. Nothing is written unless all
 * checks of that ticket pass; bulk updates use a savepoint per ticket.
 *
 * Split moves the chosen messages to the child (rather than copying them):
 * a message is stored once (UNIQUE Message-ID + hash), replies to it then
 * thread into the child through its Message-ID, and nothing is shown twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/mailbox.h"
#include "core/triage.h"
#include "core/outgoing.h"
#include "core/view.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/events.h"
#include "http/auth.h"
#include "http/server_internal.h"
#include "mail/compose.h"
#include "mail/thread.h"
#include "store/blob.h"
#include "store/store_tickets.h"
#include "store/workspace.h"
#include "core/sla.h"
#include "util/clock.h"

#define MAX_TAGS_PER_REQUEST 50
#define MAX_BULK 100
#define MAX_CC 20
#define MAX_UPLOADS 10
#define MAX_SPLIT_MESSAGES 100
#define MAX_MENTIONS 50
#define MAX_NOTE_BYTES (64 * 1024)
#define MAX_REPLY_BYTES (200 * 1024)
#define MAX_FIELD_TEXT 4096

static const char *const statuses[] = { "new", "open", "pending", "on-hold", "resolved", "closed" };
static const char *const priorities[] = { "low", "normal", "high", "urgent" };
static const char *const types[] = { "question", "incident", "request", "problem", "alarm" };

static const char *one_of(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		if (strcmp(v, list[i]) == 0)
			return list[i];
	return NULL;
}
#define ONE_OF(v, list) one_of((v), (list), sizeof(list) / sizeof((list)[0]))

static const char *actor_of(struct http_req *req)
{
	char b[40];
	api_actor(req, b, sizeof b);
	return arena_strdup(req->arena, b);
}

static const char *num(struct http_req *req, int64_t v)
{
	char b[24];
	snprintf(b, sizeof b, "%lld", (long long)v);
	return arena_strdup(req->arena, b);
}

/* A result for one ticket: HTTP status and message. */
struct outcome {
	int status;           /* 0 = fine */
	const char *code, *msg;
};

static void refuse(struct outcome *o, int status, const char *code, const char *msg)
{
	o->status = status;
	o->code = code;
	o->msg = msg;
}

static void send_outcome(struct http_resp *resp, const struct outcome *o)
{
	http_error(resp, o->status, o->code, o->msg);
}

/* Inside a transaction: load ticket id if the caller may see it.
 * *found false (and no error) when it is invisible or does not exist. */
static mado_status load_visible(struct http_req *req, int64_t id, struct store_ticket *t,
                                struct store_ticket_work *w, bool *found, struct mado_err *err)
{
	*found = false;
	if (id <= 0)
		return MADO_OK;
	struct store_viewer v = api_viewer_of(req);
	mado_status st = store_ticket_visible(req->store, &v, id, found, err);
	if (st || !*found)
		return st;
	if ((st = store_ticket_get(req->store, req->arena, id, t, err)) ||
	    (st = store_ticket_work_get(req->store, req->arena, id, w, err)))
		*found = false;
	return st == MADO_ENOTFOUND ? MADO_OK : st;
}

/* load_visible() for work a merged ticket does not take (reply, split):
 * o refused with 404, or 400 "merged" saying merged_msg, when it cannot. */
static mado_status load_workable(struct http_req *req, int64_t id, struct store_ticket *t, struct store_ticket_work *w,
                                 struct outcome *o, const char *merged_msg, struct mado_err *err)
{
	bool found;
	mado_status st = load_visible(req, id, t, w, &found, err);
	if (st == MADO_OK && !found)
		refuse(o, 404, "not_found", "no such ticket");
	else if (st == MADO_OK && w->merged_into)
		refuse(o, 400, "merged", merged_msg);
	return st;
}

static mado_status event(struct http_req *req, int64_t ticket, const char *kind, const char *field,
                         const char *old_value, const char *new_value, struct mado_err *err)
{
	return store_event_add(req->store, ticket, actor_of(req), kind, field, old_value, new_value, mado_now(), err);
}

/* Begin, mapping failure to a response. */
static bool begin(struct http_req *req, struct http_resp *resp)
{
	struct mado_err err;
	mado_status st = store_begin(req->store, &err);
	if (st) {
		api_store_error(resp, st, &err);
		return false;
	}
	return true;
}

static bool commit(struct http_req *req, struct http_resp *resp)
{
	struct mado_err err;
	mado_status st = store_commit(req->store, &err);
	if (st) {
		api_store_error(resp, st, &err);
		return false;
	}
	return true;
}

/*
 * The end of a handler's transaction: roll back and answer with the
 * database error (st) or the refusal (o), or commit. true when committed:
 * the caller then sends its answer.
 */
static bool finish(struct http_req *req, struct http_resp *resp, mado_status st, const struct mado_err *err,
                   const struct outcome *o)
{
	if (st || o->status) {
		store_rollback(req->store);
		if (st)
			api_store_error(resp, st, err);
		else
			send_outcome(resp, o);
		return false;
	}
	return commit(req, resp);
}

/* After the body's checks: 400 with msg when one failed, else BEGIN.
 * false (j released) when the handler is done. */
static bool checked_begin(struct http_req *req, struct http_resp *resp, json_t *j, const char *msg)
{
	if (msg) {
		json_decref(j);
		http_error(resp, 400, "bad_request", msg);
		return false;
	}
	if (!begin(req, resp)) {
		json_decref(j);
		return false;
	}
	return true;
}

static bool tag_ok(const char *t)
{
	size_t n = strlen(t);
	return n >= 1 && n <= 64 && strspn(t, "abcdefghijklmnopqrstuvwxyz0123456789._:-") == n;
}

/* ---- the changes of PATCH and bulk ---- */

struct changes {
	const char *status, *priority, *type;
	bool has_group, has_assignee;
	int64_t group_id, assignee_id;    /* 0 = none */
	const char *tags_add[MAX_TAGS_PER_REQUEST], *tags_remove[MAX_TAGS_PER_REQUEST];
	size_t ntags_add, ntags_remove;
	json_t *custom_fields;            /* borrowed object or NULL */
};

/* An optional reference: a positive integer or null (0). */
static bool ref_value(json_t *v, int64_t *out)
{
	if (json_is_null(v)) {
		*out = 0;
		return true;
	}
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return false;
	*out = json_integer_value(v);
	return true;
}

static bool tag_list(struct http_req *req, json_t *arr, const char **out, size_t *n, const char **msg)
{
	if (!json_is_array(arr) || json_array_size(arr) > MAX_TAGS_PER_REQUEST) {
		*msg = "tags.add and tags.remove are arrays of at most 50 tags";
		return false;
	}
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		if (!s || strlen(s) > 64) {
			*msg = "bad tag (lowercase a-z, 0-9, '.', '_', ':', '-'; at most 64)";
			return false;
		}
		char *low = arena_strdup(req->arena, s);
		for (char *p = low; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p + 32);
		if (!tag_ok(low)) {
			*msg = "bad tag (lowercase a-z, 0-9, '.', '_', ':', '-'; at most 64)";
			return false;
		}
		out[(*n)++] = low;
	}
	return true;
}

/* The shape of a changes object; false with *msg for a 400. */
static bool parse_changes(struct http_req *req, json_t *j, struct changes *c, const char **msg)
{
	memset(c, 0, sizeof *c);
	const char *k;
	json_t *v;
	if (!json_is_object(j) || json_object_size(j) == 0) {
		*msg = "nothing to change: give status, priority, type, group_id, assignee_id, tags or custom_fields";
		return false;
	}
	json_object_foreach(j, k, v) {
		if (!strcmp(k, "status")) {
			if (!(c->status = ONE_OF(json_string_value(v), statuses))) {
				*msg = "unknown status (new, open, pending, on-hold, resolved, closed)";
				return false;
			}
		} else if (!strcmp(k, "priority")) {
			if (!(c->priority = ONE_OF(json_string_value(v), priorities))) {
				*msg = "unknown priority (low, normal, high, urgent)";
				return false;
			}
		} else if (!strcmp(k, "type")) {
			if (!(c->type = ONE_OF(json_string_value(v), types))) {
				*msg = "unknown type (question, incident, request, problem, alarm)";
				return false;
			}
		} else if (!strcmp(k, "group_id")) {
			c->has_group = true;
			if (!ref_value(v, &c->group_id)) {
				*msg = "group_id must be a group id or null";
				return false;
			}
		} else if (!strcmp(k, "assignee_id")) {
			c->has_assignee = true;
			if (!ref_value(v, &c->assignee_id)) {
				*msg = "assignee_id must be an agent id or null";
				return false;
			}
		} else if (!strcmp(k, "tags")) {
			const char *tk;
			json_t *tv;
			if (!json_is_object(v)) {
				*msg = "tags must be {\"add\": [...], \"remove\": [...]}";
				return false;
			}
			json_object_foreach(v, tk, tv) {
				if (!strcmp(tk, "add")) {
					if (!tag_list(req, tv, c->tags_add, &c->ntags_add, msg))
						return false;
				} else if (!strcmp(tk, "remove")) {
					if (!tag_list(req, tv, c->tags_remove, &c->ntags_remove, msg))
						return false;
				} else {
					*msg = "tags must be {\"add\": [...], \"remove\": [...]}";
					return false;
				}
			}
		} else if (!strcmp(k, "custom_fields")) {
			if (!json_is_object(v) || json_object_size(v) > 100) {
				*msg = "custom_fields must be an object {key: value or null}";
				return false;
			}
			c->custom_fields = v;
		} else {
			*msg = "unknown field (status, priority, type, group_id, assignee_id, tags, custom_fields)";
			return false;
		}
	}
	return true;
}

/* Status changes agents may make. A ticket never goes back to "new";
 * resolved and closed tickets can only be reopened (closed → open only). */
static bool transition_ok(const char *from, const char *to)
{
	if (!strcmp(from, to))
		return true;
	if (!strcmp(to, "new"))
		return false;
	if (!strcmp(from, "resolved"))
		return !strcmp(to, "open") || !strcmp(to, "closed");
	if (!strcmp(from, "closed"))
		return !strcmp(to, "open");
	return true;
}

static bool date_ok(const char *s)
{
	int y, m, d;
	char extra;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789-") != 10 ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
		return false;
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12 };
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	return back.tm_mday == d && back.tm_mon == m - 1;
}

/* The canonical stored text of a custom field value, or NULL with *msg. */
static const char *field_value(struct http_req *req, const struct store_field_def *d, json_t *v,
                               const char **msg)
{
	char b[64];
	if (!strcmp(d->type, "text")) {
		const char *s = json_string_value(v);
		if (!s || strlen(s) > MAX_FIELD_TEXT) {
			*msg = "a text field takes a string of at most 4096 bytes";
			return NULL;
		}
		return s;
	}
	if (!strcmp(d->type, "number")) {
		if (json_is_integer(v)) {
			snprintf(b, sizeof b, "%lld", (long long)json_integer_value(v));
		} else if (json_is_real(v)) {
			snprintf(b, sizeof b, "%.17g", json_real_value(v));
		} else {
			*msg = "a number field takes a JSON number";
			return NULL;
		}
		return arena_strdup(req->arena, b);
	}
	if (!strcmp(d->type, "date")) {
		const char *s = json_string_value(v);
		if (!s || !date_ok(s)) {
			*msg = "a date field takes \"YYYY-MM-DD\"";
			return NULL;
		}
		return s;
	}
	/* select */
	const char *s = json_string_value(v);
	json_t *opts = json_loads(d->options_json, 0, NULL);
	size_t i;
	json_t *o;
	bool ok = false;
	json_array_foreach(opts, i, o) ok |= s && json_is_string(o) && !strcmp(json_string_value(o), s);
	json_decref(opts);
	if (!ok) {
		*msg = "a select field takes one of its options";
		return NULL;
	}
	return s;
}

struct field_change {
	int64_t id;
	const char *key, *value;   /* value NULL = clear */
};

/* An agent resolved the ticket or set it pending: the customer hears of
 * it (the 'resolved' or 'status' template) unless the setting is off. */
static mado_status notify_customer_of_status(struct http_req *req, int64_t id, const char *status, time_t now,
                                             struct mado_err *err)
{
	const struct mado_config *cfg = &req->srv->ws->cfg;
	const char *tpl = !strcmp(status, "resolved") && cfg->notify_customer_on_resolved ? "resolved"
	                  : !strcmp(status, "pending") && cfg->notify_customer_on_pending ? "status"
	                                                                                  : NULL;
	return tpl ? outgoing_customer_notice(req->store, cfg, req->srv->ws->key, id, tpl, NULL, "notice",
	                                      "auto-generated", now, err)
	           : MADO_OK;
}

/*
 * Check and apply changes to one ticket inside the caller's transaction.
 * o->status set (and nothing written) when a rule refuses; a returned
 * status is a database failure.
 */
static mado_status apply_changes(struct http_req *req, int64_t id, const struct changes *c, struct outcome *o,
                                 int *nevents, struct mado_err *err)
{
	struct store *s = req->store;
	struct store_ticket t;
	struct store_ticket_work w;
	bool found;
	mado_status st;
	*nevents = 0;
	memset(o, 0, sizeof *o);
	if ((st = load_visible(req, id, &t, &w, &found, err)))
		return st;
	if (!found) {
		refuse(o, 404, "not_found", "no such ticket");
		return MADO_OK;
	}
	/* -- checks -- */
	if (c->status && strcmp(c->status, t.status)) {
		if (w.merged_into) {
			refuse(o, 400, "merged", "the ticket was merged into another; work on that one");
			return MADO_OK;
		}
		if (!transition_ok(t.status, c->status)) {
			char *m = arena_alloc(req->arena, 160);
			snprintf(m, 160, "status cannot change from %s to %s%s", t.status, c->status,
			         !strcmp(c->status, "new") ? " (no ticket goes back to new)"
			         : !strcmp(t.status, "closed") ? " (a closed ticket can only be reopened: open)"
			                                         : "");
			refuse(o, 400, "bad_transition", m);
			return MADO_OK;
		}
	}
	bool exists;
	if (c->has_group && c->group_id) {
		if ((st = store_group_exists(s, c->group_id, &exists, err)))
			return st;
		if (!exists) {
			refuse(o, 400, "bad_group", "no such group");
			return MADO_OK;
		}
	}
	int64_t group = c->has_group ? c->group_id : w.group_id;
	bool all = req->who.role >= ROLE_SUPERVISOR;
	if (c->has_assignee && c->assignee_id && c->assignee_id != w.assignee_id) {
		struct store_agent ag;
		st = store_agent_get(s, req->arena, c->assignee_id, &ag, err);
		if (st && st != MADO_ENOTFOUND)
			return st;
		if (st || ag.disabled || !strcmp(ag.role, "light_agent")) {
			refuse(o, 400, "bad_assignee", "assignee_id must be an active agent (light agents cannot be assigned)");
			return MADO_OK;
		}
		bool member = false;
		if (group && (st = store_agent_in_group(s, c->assignee_id, group, &member, err)))
			return st;
		if (!member && !all) {
			refuse(o, 403, "forbidden",
			       group ? "the assignee is not in the ticket's group; only supervisors and admins may assign outside it"
			             : "the ticket has no group; only supervisors and admins may assign it");
			return MADO_OK;
		}
	}
	struct field_change fc[100];
	size_t nfc = 0;
	if (c->custom_fields) {
		const char *k;
		json_t *v;
		json_object_foreach(c->custom_fields, k, v) {
			struct store_field_def d;
			st = store_field_def_get(s, req->arena, k, &d, err);
			if (st && st != MADO_ENOTFOUND)
				return st;
			if (st) {
				char *m = arena_alloc(req->arena, 160);
				snprintf(m, 160, "no custom field \"%.64s\" (see GET /api/v1/fields)", k);
				refuse(o, 400, "bad_field", m);
				return MADO_OK;
			}
			const char *msg = NULL, *val = NULL;
			if (!json_is_null(v) && !(val = field_value(req, &d, v, &msg))) {
				char *m = arena_alloc(req->arena, 200);
				snprintf(m, 200, "custom field \"%.64s\": %s", k, msg);
				refuse(o, 400, "bad_field", m);
				return MADO_OK;
			}
			fc[nfc++] = (struct field_change){ d.id, d.key, val };
		}
	}

	/* -- writes -- */
	time_t now = mado_now();
	const char *const text[][3] = {
		{ "status", c->status, t.status },
		{ "priority", c->priority, t.priority },
		{ "type", c->type, t.type },
	};
	for (size_t i = 0; i < 3; i++) {
		if (!text[i][1] || !strcmp(text[i][1], text[i][2]))
			continue;
		if ((st = store_ticket_set_text(s, id, text[i][0], text[i][1], now, err)) ||
		    (st = event(req, id, "field", text[i][0], text[i][2], text[i][1], err)))
			return st;
		(*nevents)++;
	}
	if (c->status && strcmp(c->status, t.status) && (st = notify_customer_of_status(req, id, c->status, now, err)))
		return st;
	if (c->has_group && c->group_id != w.group_id) {
		if ((st = store_ticket_set_ref(s, id, "group_id", c->group_id, now, err)) ||
		    (st = event(req, id, "field", "group_id", w.group_id ? num(req, w.group_id) : NULL,
		                c->group_id ? num(req, c->group_id) : NULL, err)) ||
		    (st = outgoing_notify_group(s, &req->srv->ws->cfg, c->group_id, req->who.agent_id, id, "new_in_group",
		                                now, err)))
			return st;
		(*nevents)++;
		/* the assignee leaves with the old group unless also in the new one */
		if (!c->has_assignee && w.assignee_id && c->group_id) {
			bool member = false;
			if ((st = store_agent_in_group(s, w.assignee_id, c->group_id, &member, err)))
				return st;
			if (!member) {
				if ((st = store_ticket_set_ref(s, id, "assignee_id", 0, now, err)) ||
				    (st = event(req, id, "field", "assignee_id", num(req, w.assignee_id), NULL, err)))
					return st;
				(*nevents)++;
			}
		}
	}
	if (c->has_assignee && c->assignee_id != w.assignee_id) {
		if ((st = store_ticket_set_ref(s, id, "assignee_id", c->assignee_id, now, err)) ||
		    (st = event(req, id, "field", "assignee_id", w.assignee_id ? num(req, w.assignee_id) : NULL,
		                c->assignee_id ? num(req, c->assignee_id) : NULL, err)) ||
		    (st = outgoing_notify_agent(s, &req->srv->ws->cfg, c->assignee_id, req->who.agent_id, id, "assigned",
		                                NULL, now, err)))
			return st;
		(*nevents)++;
	}
	bool touched = false;
	for (size_t i = 0; i < c->ntags_add; i++) {
		bool changed;
		if ((st = store_ticket_tag_add(s, id, c->tags_add[i], &changed, err)))
			return st;
		if (changed) {
			if ((st = event(req, id, "field", "tags", NULL, c->tags_add[i], err)))
				return st;
			(*nevents)++;
			touched = true;
		}
	}
	for (size_t i = 0; i < c->ntags_remove; i++) {
		bool changed;
		if ((st = store_ticket_tag_remove(s, id, c->tags_remove[i], &changed, err)))
			return st;
		if (changed) {
			if ((st = event(req, id, "field", "tags", c->tags_remove[i], NULL, err)))
				return st;
			(*nevents)++;
			touched = true;
		}
	}
	for (size_t i = 0; i < nfc; i++) {
		const char *old;
		if ((st = store_field_value_set(s, req->arena, id, fc[i].id, fc[i].value, &old, err)))
			return st;
		if ((old == NULL) != (fc[i].value == NULL) || (old && strcmp(old, fc[i].value))) {
			char f[80];
			snprintf(f, sizeof f, "custom.%s", fc[i].key);
			if ((st = event(req, id, "field", f, old, fc[i].value, err)))
				return st;
			(*nevents)++;
			touched = true;
		}
	}
	if (touched && (st = store_ticket_touch(s, id, now, err)))
		return st;
	/* the "updated" triggers, in the same transaction as the change; then
	 * status, priority, type and group (theirs or the triggers') move the
	 * SLA (pause, resume, policy) */
	if (*nevents) {
		struct triage_opts to;
		triage_opts_from_config(&to, &req->srv->ws->cfg);
		to.key = req->srv->ws->key;
		if ((st = triage_ticket_updated(s, id, &to, now, err)))
			return st;
		return sla_ticket_event(s, id, SLA_EV_CHANGED, now, err);
	}
	return MADO_OK;
}

void api_ticket_update(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	struct changes c;
	const char *msg = "bad request";
	if (!checked_begin(req, resp, j, parse_changes(req, j, &c, &msg) ? NULL : msg))
		return;
	struct outcome o;
	struct mado_err err;
	int n;
	mado_status st = apply_changes(req, id, &c, &o, &n, &err);
	json_decref(j);
	if (!finish(req, resp, st, &err, &o))
		return;
	events_publish(req->srv, "ticket.updated", id, NULL);
	/* the ticket as it is now, unless the change (another group) took it
	 * out of the caller's sight */
	struct store_viewer v = api_viewer_of(req);
	bool visible = false;
	if (!store_ticket_visible(req->store, &v, id, &visible, &err) && !visible)
		http_json(resp, 200, json_pack("{s:I, s:i, s:b}", "number", (json_int_t)id, "changes", n, "visible", 0));
	else
		api_ticket_show(req, resp);
}

void api_tickets_bulk(struct http_req *req, struct http_resp *resp)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	json_t *ids = json_object_get(j, "ids");
	const char *msg = "bad request";
	struct changes c;
	bool ok = json_is_array(ids) && json_array_size(ids) >= 1 && json_array_size(ids) <= MAX_BULK;
	if (!ok)
		msg = "ids must be an array of 1 to 100 ticket numbers";
	for (size_t i = 0; ok && i < json_array_size(ids); i++)
		if (!json_is_integer(json_array_get(ids, i))) {
			ok = false;
			msg = "ids must be an array of 1 to 100 ticket numbers";
		}
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v) if (ok && strcmp(k, "ids") && strcmp(k, "changes"))
	{
		ok = false;
		msg = "the body is {\"ids\": [...], \"changes\": {...}}";
	}
	if (ok && !parse_changes(req, json_object_get(j, "changes"), &c, &msg))
		ok = false;
	if (!checked_begin(req, resp, j, ok ? NULL : msg))
		return;
	json_t *results = json_array();
	struct mado_err err;
	mado_status st = MADO_OK;
	int updated = 0;
	for (size_t i = 0; i < json_array_size(ids); i++) {
		int64_t id = json_integer_value(json_array_get(ids, i));
		struct outcome o;
		int n = 0;
		if ((st = store_savepoint(req->store, &err)))
			break;
		st = apply_changes(req, id, &c, &o, &n, &err);
		if (st) {
			store_rollback_to(req->store);
			break;
		}
		if (o.status) {
			store_rollback_to(req->store);
			json_array_append_new(results, json_pack("{s:I, s:i, s:{s:s, s:s}}", "id", (json_int_t)id, "status",
			                                         o.status, "error", "code", o.code, "message", o.msg));
			continue;
		}
		if ((st = store_release(req->store, &err)))
			break;
		updated++;
		json_array_append_new(results, json_pack("{s:I, s:i, s:i}", "id", (json_int_t)id, "status", 200, "changes", n));
	}
	json_decref(j);
	if (st) {
		store_rollback(req->store);
		json_decref(results);
		api_store_error(resp, st, &err);
		return;
	}
	if (!commit(req, resp)) {
		json_decref(results);
		return;
	}
	size_t ri;
	json_t *rv;
	json_array_foreach(results, ri, rv)
		if (json_integer_value(json_object_get(rv, "status")) == 200)
			events_publish(req->srv, "ticket.updated", json_integer_value(json_object_get(rv, "id")), NULL);
	http_json(resp, 200, json_pack("{s:i, s:o}", "updated", updated, "results", results));
}

/* ---- notes ---- */

struct mention_ctx {
	struct store_agent *v;
	size_t n, cap;
	struct arena *a;
};

static mado_status collect_agent(void *vctx, const struct store_agent *ag)
{
	struct mention_ctx *m = vctx;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct store_agent *nv = arena_alloc(m->a, cap * sizeof *nv);
		if (!nv)
			return MADO_ENOMEM;
		if (m->n)
			memcpy(nv, m->v, m->n * sizeof *nv);
		m->v = nv;
		m->cap = cap;
	}
	m->v[m->n++] = *ag;
	return MADO_OK;
}

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Does body at p start with word (case-insensitive ASCII) and end there? */
static size_t match_at(const char *p, const char *word, bool email)
{
	size_t n = strlen(word);
	if (!n || strncasecmp(p, word, n) != 0)
		return 0;
	unsigned char next = (unsigned char)p[n];
	if (email) {
		/* "@a@b.test." ends a sentence; "@a@b.test.org" is another address */
		if (next == '.' && is_alnum((unsigned char)p[n + 1]))
			return 0;
		if (is_alnum(next) || next == '@' || next == '_' || next == '%' || next == '+' || next == '-')
			return 0;
	} else if (is_alnum(next)) {
		return 0;
	}
	return n;
}

/*
 * @mentions: "@" at the start of a word followed by an agent's email
 * address or name (case-insensitive; the longest match wins, so
 * "@Ann Lee" beats "@Ann"). "x@y" inside an address is not a mention.
 */
static size_t find_mentions(const char *body, const struct mention_ctx *m, size_t *hits, size_t max)
{
	size_t nh = 0;
	for (const char *p = body; (p = strchr(p, '@')) && nh < max; p++) {
		unsigned char prev = p > body ? (unsigned char)p[-1] : ' ';
		if (is_alnum(prev) || prev == '.' || prev == '_' || prev == '%' || prev == '+' || prev == '-' || prev == '@')
			continue;
		size_t best = 0, who = 0;
		for (size_t i = 0; i < m->n; i++) {
			size_t le = match_at(p + 1, m->v[i].email, true), ln = match_at(p + 1, m->v[i].name, false);
			size_t l = le > ln ? le : ln;
			if (l > best) {
				best = l;
				who = i;
			}
		}
		if (!best)
			continue;
		bool dup = false;
		for (size_t k = 0; k < nh; k++)
			dup |= hits[k] == who;
		if (!dup)
			hits[nh++] = who;
	}
	return nh;
}

void api_ticket_note(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	const char *body = json_string_value(json_object_get(j, "body"));
	size_t bl = body ? strlen(body) : 0;
	if (!body || strspn(body, " \t\r\n") == bl || bl > MAX_NOTE_BYTES || json_object_size(j) != 1) {
		json_decref(j);
		http_error(resp, 400, "bad_request", "the body is {\"body\": \"…\"}: a non-empty note of at most 64 KB");
		return;
	}
	body = arena_strdup(req->arena, body);
	json_decref(j);
	if (!begin(req, resp))
		return;
	struct mado_err err;
	struct store_ticket t;
	struct store_ticket_work w;
	bool found;
	mado_status st = load_visible(req, id, &t, &w, &found, &err);
	if (!st && !found) {
		store_rollback(req->store);
		http_error(resp, 404, "not_found", "no such ticket");
		return;
	}
	struct mention_ctx mc = { .a = req->arena };
	size_t hits[MAX_MENTIONS], nh = 0;
	int64_t note = 0;
	time_t now = mado_now();
	json_t *mentions = json_array();
	struct buf who;
	buf_init(&who, 0);
	if (!st)
		st = store_mention_candidates(req->store, req->arena, collect_agent, &mc, &err);
	if (!st) {
		nh = find_mentions(body, &mc, hits, MAX_MENTIONS);
		st = store_note_add(req->store, id, req->who.agent_id, body, now, &note, &err);
	}
	for (size_t i = 0; !st && i < nh; i++) {
		const struct store_agent *ag = &mc.v[hits[i]];
		st = store_note_mention_add(req->store, note, ag->id, &err);
		if (!st)
			st = outgoing_notify_agent(req->store, &req->srv->ws->cfg, ag->id, req->who.agent_id, id, "mention", body,
			                           now, &err);
		json_array_append_new(mentions, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)ag->id, "email", ag->email,
		                                          "name", ag->name));
		buf_printf(&who, "%s%s", i ? ", " : "", ag->email);
	}
	if (!st)
		st = event(req, id, "note", "note", NULL, num(req, note), &err);
	if (!st && nh)
		st = event(req, id, "mention", "mentions", NULL, who.p, &err);
	if (!st)
		st = store_ticket_touch(req->store, id, now, &err);
	buf_free(&who);
	if (st) {
		store_rollback(req->store);
		json_decref(mentions);
		api_store_error(resp, st, &err);
		return;
	}
	if (!commit(req, resp)) {
		json_decref(mentions);
		return;
	}
	events_publish(req->srv, "ticket.noted", id, NULL);
	char c[32];
	http_json(resp, 201, json_pack("{s:{s:I, s:I, s:I, s:s, s:s}, s:o}", "note", "id", (json_int_t)note, "ticket",
	                               (json_int_t)id, "agent_id", (json_int_t)req->who.agent_id, "body", body,
	                               "created_at", view_time(now, c, sizeof c), "mentions", mentions));
}

/* ---- replies ---- */

static void add_header(json_t *h, const char *name, const char *value)
{
	json_array_append_new(h, json_pack("[s, s]", name, value));
}

void api_ticket_reply(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	const char *msg = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v) if (!msg && strcmp(k, "body") && strcmp(k, "cc") && strcmp(k, "upload_ids"))
		msg = "unknown field (body, cc, upload_ids)";
	const char *body = json_string_value(json_object_get(j, "body"));
	json_t *cc = json_object_get(j, "cc"), *ups = json_object_get(j, "upload_ids");
	if (!msg && (!body || strspn(body, " \t\r\n") == strlen(body) || strlen(body) > MAX_REPLY_BYTES))
		msg = "body must be a non-empty string of at most 200 KB";
	if (!msg && cc && (!json_is_array(cc) || json_array_size(cc) > MAX_CC))
		msg = "cc must be an array of at most 20 addresses";
	for (size_t i = 0; !msg && cc && i < json_array_size(cc); i++) {
		const char *a = json_string_value(json_array_get(cc, i));
		if (!a || !compose_address_ok(a))
			msg = "cc: each entry must be a plain address like name@example.org";
	}
	if (!msg && ups && (!json_is_array(ups) || json_array_size(ups) > MAX_UPLOADS))
		msg = "upload_ids must be an array of at most 10 upload ids";
	for (size_t i = 0; !msg && ups && i < json_array_size(ups); i++) {
		const char *u = json_string_value(json_array_get(ups, i));
		if (!u || strlen(u) > 64)
			msg = "upload_ids: each entry is an id from POST /api/v1/uploads";
	}
	if (!checked_begin(req, resp, j, msg))
		return;
	const struct mado_config *cfg = &req->srv->ws->cfg;
	struct store *s = req->store;
	struct mado_err err;
	struct store_ticket t;
	struct store_ticket_work w;
	struct outcome o = { 0 };
	json_t *headers = json_array(), *rcpt = json_array(), *to_json = json_array(), *cc_json = json_array(),
	       *atts = json_array(), *refs = NULL;
	struct buf subj, raw, reply_to, ccs, verp;
	buf_init(&verp, 0);
	buf_init(&subj, 0);
	buf_init(&raw, 0);
	buf_init(&reply_to, 0);
	buf_init(&ccs, 0);
	char *headers_s = NULL, *rcpt_s = NULL, *to_s = NULL, *cc_s = NULL, *atts_s = NULL, *refs_s = NULL;
	int64_t row = 0, outbox = 0;
	char msgid[300] = "";
	time_t now = mado_now();
	mado_status st = load_workable(req, id, &t, &w, &o, "the ticket was merged into another; reply there", &err);
	if (st || o.status)
		goto out;
	if (!t.customer_email || !*t.customer_email) {
		refuse(&o, 400, "no_recipient", "the ticket has no customer to reply to");
		goto out;
	}
	if (!compose_address_ok(t.customer_email)) {
		refuse(&o, 400, "bad_recipient", "the customer's address is not a plain address we can write to");
		goto out;
	}
	/* the customer gets the body inside the reply template (signature), in
	 * their language; the conversation keeps what they got */
	if ((st = outgoing_reply_text(s, req->arena, cfg, req->srv->ws->key, id, req->who.agent_id, body, &body, &err)))
		goto out;
	/* compose */
	char rnd[65];
	auth_new_token(rnd);
	snprintf(msgid, sizeof msgid, "%.32s.%lld@%s", rnd, (long long)id,
	         *cfg->msgid_domain ? cfg->msgid_domain : "mado.localhost");
	/* From the mailbox the customer wrote to (core/mailbox.h) */
	struct mailbox_sender sender;
	if ((st = mailbox_sender_of(s, req->arena, cfg, id, &sender, &err)))
		goto out;
	const char *from = sender.email;
	int64_t tok = 0;
	buf_append_str(&subj, strncasecmp(t.subject, "re:", 3) ? "Re: " : "");
	buf_append_str(&subj, t.subject);
	if (!(thread_token_find(cfg->subject_token, t.subject, strlen(t.subject), &tok) && tok == id)) {
		buf_append_char(&subj, ' ');
		thread_token_format(cfg->subject_token, id, &subj);
	}
	thread_sign_address(req->srv->ws->key, from, id, &reply_to);
	thread_verp_address(req->srv->ws->key, from, id, &verp);  /* bounces come back to the ticket */
	const char *in_reply_to, *refs_json;
	if ((st = store_ticket_last_inbound(s, req->arena, id, &in_reply_to, &refs_json, &err)))
		goto out;
	struct buf refs_h;
	buf_init(&refs_h, 0);
	refs = thread_reply_references(refs_json, in_reply_to, &refs_h);
	char date[64], mid_h[320], irt_h[320];
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(mid_h, sizeof mid_h, "<%s>", msgid);
	snprintf(irt_h, sizeof irt_h, "<%s>", in_reply_to);
	json_array_append_new(rcpt, json_string(t.customer_email));
	json_array_append_new(to_json, json_pack("{s:s, s:s}", "name", t.customer_name ? t.customer_name : "", "email",
	                                         t.customer_email));
	for (size_t i = 0; cc && i < json_array_size(cc); i++) {
		const char *a = json_string_value(json_array_get(cc, i));
		json_array_append_new(rcpt, json_string(a));
		json_array_append_new(cc_json, json_pack("{s:s, s:s}", "name", "", "email", a));
		buf_printf(&ccs, "%s%s", i ? ", " : "", a);
	}
	json_array_append_new(headers, json_pack("[s, [{s:s, s:s}]]", "From", "name", sender.name, "email", from));
	json_array_append_new(headers, json_pack("[s, [{s:s, s:s}]]", "To", "name", t.customer_name ? t.customer_name : "",
	                                         "email", t.customer_email));
	if (ccs.len)
		add_header(headers, "Cc", ccs.p);
	add_header(headers, "Reply-To", reply_to.p ? reply_to.p : from);
	add_header(headers, "Subject", subj.p);
	add_header(headers, "Date", date);
	add_header(headers, "Message-ID", mid_h);
	if (*in_reply_to) {
		add_header(headers, "In-Reply-To", irt_h);
		add_header(headers, "References", refs_h.p ? refs_h.p : irt_h);
	}
	add_header(headers, "MIME-Version", "1.0");
	add_header(headers, "Content-Type", "text/plain; charset=utf-8");
	if (*cfg->loop_header)
		add_header(headers, cfg->loop_header, "1");
	buf_free(&refs_h);
	/* the hash identifies this reply's text: headers as stored, blank line, body */
	headers_s = json_dumps(headers, JSON_COMPACT);
	buf_append_str(&raw, headers_s ? headers_s : "");
	buf_append_str(&raw, "\r\n\r\n");
	buf_append_str(&raw, body);
	char sha[65];
	blob_sha256_hex(raw.p, raw.len, sha);
	to_s = json_dumps(to_json, JSON_COMPACT);
	cc_s = json_dumps(cc_json, JSON_COMPACT);
	refs_s = json_dumps(refs, JSON_COMPACT);
	struct store_message_new m = {
		.ticket_id = id,
		.direction = "out",
		.message_id = msgid,
		.raw_sha256 = sha,
		.raw_size = raw.len,
		.source = actor_of(req),
		.from_email = from,
		.from_name = sender.name,
		.to_json = to_s,
		.cc_json = cc_s,
		.references_json = refs_s,
		.subject = subj.p,
		.date = now,
		.in_reply_to = in_reply_to,
		.body_text = body,
		.body_html = "",
		.kind = "normal",
		.may_auto_answer = false,
		.thread_reason = "agent reply",
		.now = now,
	};
	if ((st = store_message_insert(s, &m, &row, &err)) || (st = store_thread_add(s, msgid, id, &err)))
		goto out;
	for (size_t i = 0; cc && i < json_array_size(cc); i++)
		if ((st = store_participant_add(s, id, json_string_value(json_array_get(cc, i)), "", "cc", &err)))
			goto out;
	for (size_t i = 0; ups && i < json_array_size(ups); i++) {
		struct store_upload u;
		const char *uid = json_string_value(json_array_get(ups, i));
		st = store_upload_take(s, req->arena, uid, req->who.agent_id, now, &u, &err);
		if (st == MADO_ENOTFOUND) {
			st = MADO_OK;
			refuse(&o, 400, "bad_upload", "upload_ids: no unused upload with that id belongs to you");
			goto out;
		}
		if (st)
			goto out;
		struct store_attachment_new an = {
			.message_row = row,
			.sha256 = u.sha256,
			.filename = u.filename,
			.content_type = u.content_type,
			.size = (size_t)u.size,
			.content_id = "",
			.stored = true,
		};
		if ((st = store_attachment_insert(s, &an, &err)))
			goto out;
		json_array_append_new(atts, json_pack("{s:s, s:s, s:s, s:I}", "sha256", u.sha256, "filename", u.filename,
		                                      "content_type", u.content_type, "size", (json_int_t)u.size));
	}
	rcpt_s = json_dumps(rcpt, JSON_COMPACT);
	atts_s = json_dumps(atts, JSON_COMPACT);
	struct store_outbox_new ob = {
		.message_row = row,
		.ticket_id = id,
		.agent_id = req->who.agent_id,
		.mail_from = verp.p ? verp.p : from,
		.rcpt_json = rcpt_s,
		.headers_json = headers_s,
		.body_text = body,
		.attachments_json = atts_s,
		.now = now,
		.kind = "reply",
		.charset = cfg->mail_charset,
	};
	if ((st = store_outbox_add(s, &ob, &outbox, &err)) ||
	    (st = event(req, id, "reply", "message", NULL, num(req, row), &err)) ||
	    (st = store_ticket_touch(s, id, now, &err)))
		goto out;
	/* answering a new ticket opens it */
	if (!strcmp(t.status, "new") &&
	    ((st = store_ticket_set_text(s, id, "status", "open", now, &err)) ||
	     (st = event(req, id, "field", "status", "new", "open", &err))))
		goto out;
	if ((st = sla_ticket_event(s, id, SLA_EV_AGENT_REPLY, now, &err)))
		goto out;
out:
	if (finish(req, resp, st, &err, &o)) {
		events_publish(req->srv, "ticket.replied", id, NULL);
		http_json(resp, 201, json_pack("{s:{s:I, s:s, s:s}, s:{s:I, s:s}}", "message", "id", (json_int_t)row,
		                               "message_id", msgid, "subject", subj.p, "outbox", "id", (json_int_t)outbox,
		                               "status", "queued"));
	}
	json_decref(j);
	json_decref(headers);
	json_decref(rcpt);
	json_decref(to_json);
	json_decref(cc_json);
	json_decref(atts);
	json_decref(refs);
	free(headers_s);
	free(rcpt_s);
	free(to_s);
	free(cc_s);
	free(atts_s);
	free(refs_s);
	buf_free(&subj);
	buf_free(&raw);
	buf_free(&reply_to);
	buf_free(&ccs);
	buf_free(&verp);
}

/* ---- merge, links, children ---- */

/* {"<name>": N} with N a positive integer, and nothing else. */
static int64_t body_ticket_ref(struct http_req *req, struct http_resp *resp, const char *name)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return 0;
	json_t *v = json_object_get(j, name);
	int64_t n = json_is_integer(v) && json_object_size(j) == 1 ? json_integer_value(v) : 0;
	json_decref(j);
	if (n <= 0) {
		char m[80];
		snprintf(m, sizeof m, "the body is {\"%s\": <ticket number>}", name);
		http_error(resp, 400, "bad_request", m);
	}
	return n;
}

/* Two tickets a request joins (merge, link). */
struct ticket_pair {
	struct store_ticket t, u;
	struct store_ticket_work w, x;
};

/* Inside the transaction: load id and other into p; o refused with 404
 * (other_missing for the second) when one is not visible, 400 (same) when
 * they are one ticket. */
static mado_status load_pair(struct http_req *req, int64_t id, int64_t other, struct ticket_pair *p,
                             struct outcome *o, const char *other_missing, const char *same, struct mado_err *err)
{
	bool found = false, found2 = false;
	mado_status st = load_visible(req, id, &p->t, &p->w, &found, err);
	if (!st && found)
		st = load_visible(req, other, &p->u, &p->x, &found2, err);
	if (st)
		return st;
	if (!found)
		refuse(o, 404, "not_found", "no such ticket");
	else if (!found2)
		refuse(o, 404, "not_found", other_missing);
	else if (other == id)
		refuse(o, 400, "bad_request", same);
	return MADO_OK;
}

void api_ticket_merge(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0), into = body_ticket_ref(req, resp, "into");
	if (!into)
		return;
	if (!begin(req, resp))
		return;
	struct mado_err err;
	struct ticket_pair p;
	struct outcome o = { 0 };
	time_t now = mado_now();
	mado_status st = load_pair(req, id, into, &p, &o, "no such target ticket", "a ticket cannot be merged into itself",
	                           &err);
	if (st || o.status)
		goto out;
	if (p.w.merged_into)
		refuse(&o, 400, "merged", "the ticket was merged already");
	else if (p.x.merged_into)
		refuse(&o, 400, "merged", "the target was itself merged into another ticket; merge into that one");
	if (o.status)
		goto out;
	if ((st = store_ticket_merge_move(req->store, id, into, &err)) ||
	    (st = store_ticket_set_ref(req->store, id, "merged_into", into, now, &err)) ||
	    (st = event(req, id, "merge", "merged_into", NULL, num(req, into), &err)) ||
	    (st = event(req, into, "merge", "merged_from", NULL, num(req, id), &err)) ||
	    (st = store_ticket_touch(req->store, into, now, &err)))
		goto out;
	if (strcmp(p.t.status, "closed") &&
	    ((st = store_ticket_set_text(req->store, id, "status", "closed", now, &err)) ||
	     (st = event(req, id, "field", "status", p.t.status, "closed", &err)) ||
	     (st = sla_ticket_event(req->store, id, SLA_EV_CHANGED, now, &err))))
		goto out;
out:
	if (finish(req, resp, st, &err, &o)) {
		events_publish(req->srv, "ticket.updated", id, NULL);
		events_publish(req->srv, "ticket.updated", into, NULL);
		http_json(resp, 200, json_pack("{s:I, s:I, s:s}", "ticket", (json_int_t)id, "merged_into", (json_int_t)into,
		                               "status", "closed"));
	}
}

void api_ticket_link(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0), other = body_ticket_ref(req, resp, "ticket");
	if (!other)
		return;
	if (!begin(req, resp))
		return;
	struct mado_err err;
	struct ticket_pair p;
	bool created = false;
	struct outcome o = { 0 };
	mado_status st = load_pair(req, id, other, &p, &o, "no such ticket to link", "a ticket cannot be linked to itself",
	                           &err);
	if (st || o.status)
		goto out;
	if ((st = store_ticket_link_add(req->store, id, other, req->who.agent_id, mado_now(), &created, &err)))
		goto out;
	if (created && ((st = event(req, id, "link", "linked_ticket", NULL, num(req, other), &err)) ||
	                (st = event(req, other, "link", "linked_ticket", NULL, num(req, id), &err))))
		goto out;
out:
	if (finish(req, resp, st, &err, &o)) {
		events_publish(req->srv, "ticket.updated", id, NULL);
		http_json(resp, created ? 201 : 200, json_pack("{s:I, s:I, s:b}", "ticket", (json_int_t)id, "linked",
		                                               (json_int_t)other, "created", created));
	}
}

void api_ticket_split(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	const char *subject = json_string_value(json_object_get(j, "subject"));
	json_t *ids = json_object_get(j, "message_ids");
	const char *msg = NULL;
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v) if (!msg && strcmp(k, "subject") && strcmp(k, "message_ids"))
		msg = "the body is {\"subject\": \"…\", \"message_ids\": [...]}";
	if (!msg && (!subject || !*subject || strlen(subject) > 998 || strpbrk(subject, "\r\n")))
		msg = "subject must be one line of 1 to 998 bytes";
	if (!msg && (!json_is_array(ids) || json_array_size(ids) < 1 || json_array_size(ids) > MAX_SPLIT_MESSAGES))
		msg = "message_ids must be an array of 1 to 100 message ids of this ticket";
	for (size_t i = 0; !msg && i < json_array_size(ids); i++)
		if (!json_is_integer(json_array_get(ids, i)) || json_integer_value(json_array_get(ids, i)) <= 0)
			msg = "message_ids must be an array of 1 to 100 message ids of this ticket";
	if (!msg)
		subject = arena_strdup(req->arena, subject);
	if (!checked_begin(req, resp, j, msg))
		return;
	struct mado_err err;
	struct store_ticket t;
	struct store_ticket_work w;
	struct outcome o = { 0 };
	int64_t child = 0;
	time_t now = mado_now();
	struct buf moved;
	buf_init(&moved, 0);
	json_t *moved_json = json_array();
	mado_status st = load_workable(req, id, &t, &w, &o, "the ticket was merged into another; split that one", &err);
	if (st || o.status)
		goto out;
	for (size_t i = 0; i < json_array_size(ids); i++) {
		bool in = false;
		if ((st = store_message_in_ticket(req->store, json_integer_value(json_array_get(ids, i)), id, &in, &err)))
			goto out;
		if (!in) {
			refuse(&o, 400, "bad_message", "message_ids: every message must belong to this ticket");
			goto out;
		}
	}
	struct store_ticket_new nt = {
		.subject = subject,
		.channel = t.channel,
		.customer_id = t.customer_id,
		.organization_id = t.organization_id,
		.now = now,
	};
	if ((st = store_ticket_insert(req->store, &nt, &child, &err)) ||
	    (st = store_ticket_set_ref(req->store, child, "parent_id", id, now, &err)) ||
	    (w.group_id && (st = store_ticket_set_ref(req->store, child, "group_id", w.group_id, now, &err))) ||
	    (w.assignee_id && (st = store_ticket_set_ref(req->store, child, "assignee_id", w.assignee_id, now, &err))) ||
	    (st = store_participants_copy(req->store, id, child, &err)))
		goto out;
	for (size_t i = 0; i < json_array_size(ids); i++) {
		int64_t mid = json_integer_value(json_array_get(ids, i));
		bool in = false;
		if ((st = store_message_in_ticket(req->store, mid, id, &in, &err)))
			goto out;
		if (!in) /* listed twice */
			continue;
		if ((st = store_message_move(req->store, mid, id, child, &err)))
			goto out;
		buf_printf(&moved, "%s%lld", moved.len ? "," : "", (long long)mid);
		json_array_append_new(moved_json, json_integer(mid));
	}
	if ((st = event(req, child, "created", "parent_id", NULL, num(req, id), &err)) ||
	    (st = event(req, child, "split", "messages", NULL, moved.p, &err)) ||
	    (st = event(req, id, "split", "children", NULL, num(req, child), &err)) ||
	    (st = store_ticket_touch(req->store, id, now, &err)) ||
	    (st = sla_ticket_event(req->store, child, SLA_EV_CREATED, now, &err)))
		goto out;
out:
	json_decref(j);
	if (finish(req, resp, st, &err, &o)) {
		events_publish(req->srv, "ticket.updated", id, NULL);
		events_publish(req->srv, "ticket.created", child, NULL);
		http_json(resp, 201, json_pack("{s:I, s:I, s:o}", "ticket", (json_int_t)child, "parent", (json_int_t)id,
		                               "moved_messages", moved_json));
	} else {
		json_decref(moved_json);
	}
	buf_free(&moved);
}
