/*
 * The outbox sender (see outbox.h for the states and the at-most-one-
 * duplicate argument). A row's headers_json holds [name, value] pairs as
 * queued; address headers may hold a plain address list ("a@x, b@y") or
 * an array of {"name", "email"} objects. This file turns them into a
 * struct compose_msg field by field; compose.c writes and checks every
 * byte, so a bad stored value fails that row (permanently) instead of
 * reaching the wire.
 */
#include "jobs/outbox.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/outgoing.h"
#include "jobs/transport.h"
#include "mail/compose.h"
#include "store/blob.h"
#include "store/store_outgoing.h"
#include "util/fsio.h"

#define MAX_ADDRS COMPOSE_MAX_RCPT

time_t outbox_backoff(const struct mado_config *cfg, int64_t attempts)
{
	double d = (double)cfg->retry_base_seconds;
	for (int64_t i = 1; i < attempts && d < (double)cfg->retry_max_seconds; i++)
		d *= 2;
	return (time_t)(d < (double)cfg->retry_max_seconds ? d : (double)cfg->retry_max_seconds);
}

/* ---- from a stored row to a compose_msg ---- */

struct built {
	struct compose_msg m;
	struct compose_addr to[MAX_ADDRS], cc[MAX_ADDRS];
	const char *refs[COMPOSE_MAX_REFERENCES];
	struct compose_header extra[COMPOSE_MAX_EXTRA];
	struct compose_attachment att[16];
	struct buf files[16];
	const char *rcpt[2 * MAX_ADDRS];
	size_t nrcpt;
};

/* "a@x, b@y" or [{"name","email"}...] into v (at most max). */
static size_t read_addrs(struct arena *a, json_t *val, struct compose_addr *v, size_t max)
{
	size_t n = 0;
	if (json_is_array(val)) {
		for (size_t i = 0; i < json_array_size(val) && n < max; i++) {
			json_t *o = json_array_get(val, i);
			v[n].name = json_string_value(json_object_get(o, "name"));
			v[n].email = json_string_value(json_object_get(o, "email"));
			n += v[n].email != NULL;
		}
		return n;
	}
	const char *s = json_string_value(val);
	while (s && *s && n < max) {
		s += strspn(s, ", ");
		size_t l = strcspn(s, ",");
		struct str t = str_trim(str_make(s, l));
		if (t.len)
			v[n++] = (struct compose_addr){ NULL, arena_strndup(a, t.p, t.len) };
		s += l;
	}
	return n;
}

/* "<a@x>" → "a@x" (arena). */
static const char *strip_brackets(struct arena *a, const char *s, size_t len)
{
	struct str t = str_trim(str_make(s, len));
	if (t.len >= 2 && t.p[0] == '<' && t.p[t.len - 1] == '>')
		t = str_make(t.p + 1, t.len - 2);
	return arena_strndup(a, t.p, t.len);
}

static void read_references(struct arena *a, const char *s, struct built *b)
{
	while (s && *s && b->m.nreferences < COMPOSE_MAX_REFERENCES) {
		s += strspn(s, " \t");
		size_t l = strcspn(s, " \t");
		if (l)
			b->refs[b->m.nreferences++] = strip_brackets(a, s, l);
		s += l;
	}
}

static void read_header(struct arena *a, const char *name, json_t *val, struct built *b, const char *from_name)
{
	const char *v = json_string_value(val);
	struct compose_msg *m = &b->m;
	if (!strcasecmp(name, "From")) {
		struct compose_addr f[1] = { { NULL, NULL } };
		if (read_addrs(a, val, f, 1))
			m->from = f[0];
		if (!m->from.name || !*m->from.name)
			m->from.name = from_name;
	} else if (!strcasecmp(name, "To")) {
		m->nto = read_addrs(a, val, b->to, MAX_ADDRS);
	} else if (!strcasecmp(name, "Cc")) {
		m->ncc = read_addrs(a, val, b->cc, MAX_ADDRS);
	} else if (!strcasecmp(name, "Reply-To")) {
		struct compose_addr r[1] = { { NULL, NULL } };
		if (read_addrs(a, val, r, 1))
			m->reply_to = r[0];
	} else if (!strcasecmp(name, "Subject")) {
		m->subject = v;
	} else if (!strcasecmp(name, "Message-ID") && v) {
		m->message_id = strip_brackets(a, v, strlen(v));
	} else if (!strcasecmp(name, "In-Reply-To") && v) {
		m->in_reply_to = strip_brackets(a, v, strlen(v));
	} else if (!strcasecmp(name, "References")) {
		read_references(a, v, b);
	} else if (!strcasecmp(name, "Auto-Submitted")) {
		m->auto_submitted = v;
	} else if (!strcasecmp(name, "Date") || !strcasecmp(name, "MIME-Version") ||
	           !strcasecmp(name, "Content-Type") || !strcasecmp(name, "Content-Transfer-Encoding")) {
		/* compose writes these itself (Date: when the mail was queued) */
	} else if (v && m->nextra < COMPOSE_MAX_EXTRA) {
		b->extra[m->nextra++] = (struct compose_header){ name, v };
	}
}

static mado_status read_attachments(const struct outbox_sender *o, struct arena *a, const char *json,
                                    struct built *b, struct mado_err *err)
{
	json_t *arr = json_loads(json, 0, NULL);
	mado_status st = MADO_OK;
	for (size_t i = 0; json_is_array(arr) && i < json_array_size(arr) && !st; i++) {
		if (i >= sizeof b->att / sizeof b->att[0]) {
			st = mado_fail(err, MADO_ELIMIT, "more than 16 attachments");
			break;
		}
		json_t *f = json_array_get(arr, i);
		const char *sha = json_string_value(json_object_get(f, "sha256"));
		char path[4200];
		blob_path(o->blob_dir, sha ? sha : "", path, sizeof path);
		if ((st = fsio_read_file(path, o->cfg->max_attachment_bytes + 1, &b->files[i], err)))
			break;
		b->att[i] = (struct compose_attachment){
			arena_strdup(a, json_string_value(json_object_get(f, "filename"))),
			arena_strdup(a, json_string_value(json_object_get(f, "content_type"))),
			(const unsigned char *)b->files[i].p, b->files[i].len,
		};
		b->m.nattachments = i + 1;
	}
	json_decref(arr);
	return st;
}

/* Build the message and the envelope of row r. */
static mado_status build(const struct outbox_sender *o, struct arena *a, const struct store_outbox_row *r,
                         struct built *b, struct mado_err *err)
{
	json_t *h = json_loads(r->headers_json, 0, NULL), *rc = json_loads(r->rcpt_json, 0, NULL);
	b->m.date = r->created_at;
	b->m.subject = "";
	for (size_t i = 0; json_is_array(h) && i < json_array_size(h); i++) {
		json_t *pair = json_array_get(h, i);
		const char *name = json_string_value(json_array_get(pair, 0));
		if (name)
			read_header(a, arena_strdup(a, name), json_array_get(pair, 1), b, o->cfg->from_name);
	}
	/* the strings point into h: keep them in the arena */
	b->m.subject = arena_strdup(a, b->m.subject);
	b->m.auto_submitted = arena_strdup(a, b->m.auto_submitted);
	for (size_t i = 0; i < b->m.nextra; i++)
		b->extra[i].value = arena_strdup(a, b->extra[i].value);
	b->m.from.name = arena_strdup(a, b->m.from.name);
	b->m.from.email = arena_strdup(a, b->m.from.email);
	b->m.reply_to.name = arena_strdup(a, b->m.reply_to.name);
	b->m.reply_to.email = arena_strdup(a, b->m.reply_to.email);
	for (size_t i = 0; i < b->m.nto; i++)
		b->to[i] = (struct compose_addr){ arena_strdup(a, b->to[i].name), arena_strdup(a, b->to[i].email) };
	for (size_t i = 0; i < b->m.ncc; i++)
		b->cc[i] = (struct compose_addr){ arena_strdup(a, b->cc[i].name), arena_strdup(a, b->cc[i].email) };
	for (size_t i = 0; json_is_array(rc) && i < json_array_size(rc) && b->nrcpt < 2 * MAX_ADDRS; i++) {
		const char *e = json_string_value(json_array_get(rc, i));
		if (e)
			b->rcpt[b->nrcpt++] = arena_strdup(a, e);
	}
	json_decref(h);
	json_decref(rc);
	b->m.to = b->to;
	b->m.cc = b->cc;
	b->m.references = b->refs;
	b->m.extra = b->extra;
	b->m.attachments = b->att;
	b->m.text = r->body_text;
	b->m.html = r->body_html;
	b->m.charset = !strcasecmp(r->charset, "iso-2022-jp") ? COMPOSE_ISO2022JP : COMPOSE_UTF8;
	if (!b->nrcpt)
		return mado_fail(err, MADO_EINVAL, "no envelope recipient");
	for (size_t i = 0; i < b->nrcpt; i++)
		if (!compose_address_ok(b->rcpt[i]))
			return mado_fail(err, MADO_EINVAL, "envelope recipient '%.80s' is not a plain address", b->rcpt[i]);
	if (*r->mail_from && !compose_address_ok(r->mail_from))
		return mado_fail(err, MADO_EINVAL, "envelope sender '%.80s' is not a plain address", r->mail_from);
	return read_attachments(o, a, r->attachments_json, b, err);
}

/* ---- one row ---- */

/* The recipients a relay refused while it took the mail for others: those
 * refused for good are named in perm (for the ticket), those refused for
 * now go into retry (the envelope of the next attempt). */
struct refusals {
	char perm[400], later[400], took[400];
	json_t *retry;
};

static void note_refusal(char *dst, size_t cap, const char *rcpt, const struct transport_rcpt *r)
{
	size_t l = strlen(dst);
	if (l < cap)
		snprintf(dst + l, cap - l, "%s%s: %s", l ? "; " : "", rcpt, r->text);
}

static void split_refusals(const struct transport_outcome *t, const char *const *rcpt, size_t n,
                           struct refusals *f)
{
	f->perm[0] = f->later[0] = f->took[0] = '\0';
	f->retry = json_array();
	for (size_t i = 0; i < n && i < t->nrcpt; i++) {
		const struct transport_rcpt *r = &t->rcpt[i];
		size_t l = strlen(f->took);
		if (r->code < 400 && l < sizeof f->took)
			snprintf(f->took + l, sizeof f->took - l, "%s%s", l ? ", " : "", rcpt[i]);
		else if (r->code >= 500)
			note_refusal(f->perm, sizeof f->perm, rcpt[i], r);
		else if (r->code >= 400) {
			note_refusal(f->later, sizeof f->later, rcpt[i], r);
			json_array_append_new(f->retry, json_string(rcpt[i]));
		}
	}
}

static mado_status delivery_event(struct store *s, const struct store_outbox_row *r, const char *text, time_t now,
                                  struct mado_err *err)
{
	char field[40];
	snprintf(field, sizeof field, "%s:%lld", r->kind, (long long)r->id);
	return store_event_add(s, r->ticket_id, "system", "delivery", field, NULL, text, now, err);
}

/* The mail went to some recipients: those refused for good are told on
 * the ticket (and to the reply's author); those refused for now stay
 * queued, alone in the envelope, so the others never get it twice. */
static mado_status record_refusals(const struct outbox_sender *o, const struct store_outbox_row *r,
                                   const struct refusals *f, time_t now, const char **status, time_t *next,
                                   struct mado_err *err)
{
	struct store *s = o->store;
	mado_status st = MADO_OK;
	char ev[480];
	if (*f->perm) {
		snprintf(ev, sizeof ev, "refused by the relay: %s", f->perm);
		st = delivery_event(s, r, ev, now, err);
		if (!st && !strcmp(r->kind, "reply") && r->agent_id)
			st = outgoing_notify_agent(s, o->cfg, r->agent_id, 0, r->ticket_id, "delivery_failed", ev, now, err);
	}
	if (!st && json_array_size(f->retry)) {
		char *env = json_dumps(f->retry, JSON_COMPACT);
		st = env ? store_outbox_set_rcpt(s, r->id, env, err) : mado_fail(err, MADO_ENOMEM, "out of memory");
		free(env);
		*status = "queued";
		*next = now + outbox_backoff(o->cfg, r->attempts);
	}
	return st;
}

/* Every recipient refused, some for good and some for now: like a mail
 * sent to nobody yet, the latter wait alone and the former are told on
 * the ticket, rather than all failing or all retrying as the last reply
 * code alone would say. */
static bool refused_mixed(const struct transport_outcome *t, size_t n)
{
	bool perm = false, later = false;
	if (!n || t->nrcpt < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (t->rcpt[i].code < 400)
			return false;
		perm |= t->rcpt[i].code >= 500;
		later |= t->rcpt[i].code < 500;
	}
	return perm && later;
}

/* Commit the outcome of one attempt, with an event on the ticket when the
 * mail was sent or failed for good. */
static mado_status record(const struct outbox_sender *o, const struct store_outbox_row *r, const struct built *b,
                          const struct transport_outcome *t, time_t now, const char **what, struct mado_err *err)
{
	struct store *s = o->store;
	const char *status = "sent";
	time_t next = now;
	char ev[480] = "", error[400];
	struct refusals f = { .retry = NULL };
	snprintf(error, sizeof error, "%s", t->text);
	bool mixed = t->result != TRANSPORT_SENT && refused_mixed(t, b->nrcpt);
	if (t->result == TRANSPORT_TEMP && !mixed) {
		bool give_up = now - r->created_at >= (time_t)o->cfg->retry_give_up_hours * 3600;
		status = give_up ? "failed" : "queued";
		next = now + outbox_backoff(o->cfg, r->attempts);
		if (give_up)
			snprintf(ev, sizeof ev, "failed to %s after %lld attempts: %s", r->recipient, (long long)r->attempts,
			         t->text);
	} else if (t->result == TRANSPORT_PERM && !mixed) {
		status = "failed";
		snprintf(ev, sizeof ev, "failed to %s: %s", r->recipient, t->text);
	} else {
		split_refusals(t, b->rcpt, b->nrcpt, &f);
		if (!mixed)
			snprintf(ev, sizeof ev, "sent to %s", *f.took ? f.took : r->recipient);
		if (*f.perm || *f.later)
			snprintf(error, sizeof error, "%s%s%s%s", *f.perm ? "refused: " : "", f.perm,
			         *f.perm && *f.later ? "; " : "", *f.later ? f.later : "");
	}
	mado_status st = store_begin(s, err);
	if (!st && f.retry)
		st = record_refusals(o, r, &f, now, &status, &next, err);
	*what = !strcmp(status, "queued") ? "retry" : *f.perm ? "refused" : status;
	if (!st && !(st = store_outbox_finish(s, r->id, status, next, error, now, err)) && *ev && r->ticket_id)
		st = delivery_event(s, r, ev, now, err);
	/* the agent whose reply failed hears of it by mail too */
	if (!st && !strcmp(status, "failed") && !strcmp(r->kind, "reply") && r->agent_id)
		st = outgoing_notify_agent(s, o->cfg, r->agent_id, 0, r->ticket_id, "delivery_failed", ev, now, err);
	if (!st)
		st = store_commit(s, err);
	if (st)
		store_rollback(s);
	json_decref(f.retry);
	return st;
}

static mado_status deliver_one(const struct outbox_sender *o, int64_t id, struct outbox_stats *stats,
                               struct mado_err *err)
{
	struct store *s = o->store;
	time_t now = time(NULL);
	bool claimed = false;
	mado_status st = store_begin(s, err);
	if (st)
		return st;
	if ((st = store_outbox_claim(s, id, now, now + (time_t)o->cfg->sending_lease_seconds, &claimed, err)) ||
	    (st = store_commit(s, err))) {
		store_rollback(s);
		return st;
	}
	if (!claimed)
		return MADO_OK;
	struct arena *a = arena_new();
	struct built *b = a ? arena_alloc(a, sizeof *b) : NULL;
	struct store_outbox_row r;
	struct buf raw;
	buf_init(&raw, 0);
	if (!b) {
		arena_free(a);
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	}
	if ((st = store_outbox_get(s, a, id, &r, err)))
		goto out;
	struct transport_outcome t = { 0 };
	struct mado_err cerr;
	if (build(o, a, &r, b, &cerr) || compose_message(&b->m, &raw, &cerr)) {
		/* a row we cannot turn into mail never will be: fail it visibly */
		t.result = TRANSPORT_PERM;
		snprintf(t.text, sizeof t.text, "cannot compose: %s", cerr.msg);
	} else {
		transport_send(o->cfg, r.mail_from, b->rcpt, b->nrcpt, raw.p, raw.len, &t);
		fsio_crash_point("outbox-after-send");
	}
	const char *what = "";
	if ((st = record(o, &r, b, &t, time(NULL), &what, err)))
		goto out;
	if (!strcmp(what, "sent") || !strcmp(what, "refused"))
		stats->sent++;
	else if (!strcmp(what, "retry"))
		stats->retried++;
	else
		stats->failed++;
	if (o->changed)
		o->changed(o->changed_ctx, r.ticket_id, what);
out:
	for (size_t i = 0; i < sizeof b->files / sizeof b->files[0]; i++)
		buf_free(&b->files[i]);
	buf_free(&raw);
	arena_free(a);
	return st;
}

/* The ids of one batch, skipping those this call put back in the queue:
 * a mail that fails for now is due again a backoff later, which can pass
 * while the call still runs (attempts slower than retry_base_seconds); it
 * waits for the next call, so one call tries each mail at most once. Mail
 * queued during the call (an author's notification) is still sent by it. */
struct due {
	int64_t ids[64];
	size_t n;
	const int64_t *skip;
	size_t nskip;
};

static mado_status collect(void *ctx, int64_t id)
{
	struct due *d = ctx;
	for (size_t i = 0; i < d->nskip; i++)
		if (d->skip[i] == id)
			return MADO_OK;
	if (d->n < sizeof d->ids / sizeof d->ids[0])
		d->ids[d->n++] = id;
	return MADO_OK;
}

mado_status outbox_deliver_due(const struct outbox_sender *o, size_t max, struct outbox_stats *stats,
                               struct mado_err *err)
{
	int64_t *requeued = NULL;
	size_t done = 0, nrequeued = 0;
	mado_status st = MADO_OK;
	while (!st && done < max) {
		struct due d = { .skip = requeued, .nskip = nrequeued };
		size_t want = max - done < 64 ? max - done : 64;
		if ((st = store_outbox_due(o->store, time(NULL), (int64_t)(want + nrequeued), collect, &d, err)) ||
		    !d.n)
			break;
		if (d.n > want)
			d.n = want;
		int64_t *grown = realloc(requeued, (nrequeued + d.n) * sizeof *requeued);
		if (!grown) {
			st = mado_fail(err, MADO_ENOMEM, "out of memory");
			break;
		}
		requeued = grown;
		for (size_t i = 0; i < d.n && !st; i++, done++) {
			size_t before = stats->retried;
			st = deliver_one(o, d.ids[i], stats, err);
			if (stats->retried != before)
				requeued[nrequeued++] = d.ids[i];
		}
	}
	free(requeued);
	return st;
}
