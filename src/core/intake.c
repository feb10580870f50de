/*
 * Intake. For each message:
 *   1. SHA-256 of the raw bytes; (Message-ID, SHA-256) already stored →
 *      duplicate, nothing written (redelivery never duplicates).
 *   2. parse (mail/parse.c) and classify (mail/hygiene.c).
 *   3. thread: a bounce joins the ticket of the mail that bounced; then
 *      In-Reply-To/References against every Message-ID we have seen or
 *      sent; then a signed reply address in the recipients; then the
 *      subject token, but only for a sender who already takes part in that
 *      ticket — a stranger gets a new ticket linked to the old one.
 *   4. machine mail (auto-reply, bounce, feedback, our own mail coming
 *      back) that matched no ticket is stored without a ticket: an
 *      auto-reply storm never opens tickets.
 *   5. write blobs, message, attachments, participants, events.
 * Every database write happens inside the caller's transaction, so a
 * message is either fully there or not at all.
 */
#include "core/intake.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/outgoing.h"
#include "mail/header.h"
#include "mail/spool.h"
#include "mail/thread.h"
#include "store/blob.h"
#include "store/store_batch.h"
#include "store/store_mailbox.h"
#include "store/store_search.h"
#include "util/fsio.h"
#include "core/sla.h"
#include "util/clock.h"

double intake_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

mado_status intake_ctx_init(struct intake_ctx *ctx, struct store *store, const char *blob_dir,
                            const struct mado_config *cfg, const unsigned char *key,
                            struct mado_err *err)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->store = store;
	ctx->blob_dir = blob_dir;
	ctx->cfg = cfg;
	ctx->key = key;
	mail_limits_default(&ctx->limits);
	ctx->limits.max_message_bytes = cfg->max_message_bytes;
	ctx->limits.max_header_bytes = cfg->max_header_bytes;
	ctx->limits.max_headers = cfg->max_headers;
	ctx->limits.max_mime_depth = (unsigned)cfg->max_mime_depth;
	ctx->limits.max_parts = (unsigned)cfg->max_parts;
	ctx->limits.max_part_bytes = cfg->max_part_bytes;
	ctx->limits.max_text_bytes = cfg->max_text_bytes;
	ctx->limits.max_html_bytes = cfg->max_html_bytes;
	ctx->limits.max_attachment_bytes = cfg->max_attachment_bytes;
	hygiene_config_default(&ctx->hygiene);
	triage_opts_from_config(&ctx->triage, cfg);
	ctx->triage.key = key;   /* trigger mail */
	mado_status st = mailbox_seed(store, cfg, err);
	if (st || (st = intake_reload_mailboxes(ctx, err)))
		return st;
	ctx->hygiene.own_msgid_domain = cfg->msgid_domain;
	ctx->hygiene.loop_header = cfg->loop_header;
	ctx->hygiene.max_received = (unsigned)cfg->max_received;
	ctx->hygiene.trust_spam_headers = cfg->trust_spam_headers;
	ctx->hygiene.spam_threshold = cfg->spam_threshold;
	return MADO_OK;
}

mado_status intake_reload_mailboxes(struct intake_ctx *ctx, struct mado_err *err)
{
	struct mailbox_set fresh;
	mado_status st = mailbox_set_load(ctx->store, ctx->cfg, &fresh, err);
	if (st) {
		mailbox_set_free(&fresh);
		return st;
	}
	mailbox_set_free(&ctx->mailboxes);
	ctx->mailboxes = fresh;
	ctx->hygiene.own_addresses = fresh.own;
	ctx->hygiene.n_own_addresses = fresh.n_own;
	return MADO_OK;
}

mado_status intake_batch_begin(struct intake_ctx *ctx, struct mado_err *err)
{
	mado_status st = store_begin(ctx->store, err);
	if (!st && (st = store_fts_defer_begin(ctx->store, err)))
		store_rollback(ctx->store);
	return st;
}

/* Messages the bigram index takes per batch beyond the batch's own (all
 * of those): a backlog (messages written by other means) shrinks without
 * making one batch long. */
#define BIGRAM_BACKLOG 1000

mado_status intake_batch_commit(struct intake_ctx *ctx, struct mado_err *err)
{
	bool more;
	/* the bigram index first: it reads the batch's extent from fts_deferred */
	mado_status st = store_bigram_catch_up(ctx->store, BIGRAM_BACKLOG, &more, err);
	if (!st)
		st = store_fts_defer_end(ctx->store, err);
	if (!st)
		st = blob_batch_sync(&ctx->blobs, err);
	if (!st)
		return store_commit(ctx->store, err); /* rolls back when it fails */
	store_rollback(ctx->store);
	return st;
}

mado_status intake_index_backlog(struct intake_ctx *ctx, bool *more, struct mado_err *err)
{
	mado_status st = store_begin(ctx->store, err);
	if (!st && (st = store_bigram_catch_up(ctx->store, BIGRAM_BACKLOG, more, err)))
		store_rollback(ctx->store);
	return st ? st : store_commit(ctx->store, err);
}

void intake_ctx_free(struct intake_ctx *ctx)
{
	blob_batch_free(&ctx->blobs);
	mailbox_set_free(&ctx->mailboxes);
}

static bool is_own_address(const struct intake_ctx *ctx, const char *email)
{
	return mailbox_is_own(&ctx->mailboxes, email);
}

static char *lower_dup(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s ? s : "");
	for (char *q = r; q && *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q + 32);
	return r;
}

static bool is_freemail(const struct mado_config *cfg, const char *domain)
{
	size_t dl = strlen(domain);
	const char *p = cfg->freemail_domains;
	while (*p) {
		while (*p == ',' || *p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		if ((size_t)(e - p) == dl && strncasecmp(p, domain, dl) == 0)
			return true;
		p = e;
	}
	return false;
}

static char *addrs_json(const struct mail_addr_list *l)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < l->n; i++) {
		if (!*l->v[i].email)
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:s}", "name", l->v[i].name, "email", l->v[i].email));
	}
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

static char *refs_json(const struct mail_msg *m)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < m->nreferences; i++)
		json_array_append_new(arr, json_string(m->references[i]));
	char *s = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return s;
}

/* Recipient addresses a signed reply address (or the VERP address a
 * bounce of our reply comes back to) may appear in. */
static const char *const recipient_headers[] = { "Delivered-To", "X-Original-To", "Envelope-To",
                                                 "To", "Cc" };

/* fn(ctx, address) for each address of the recipient headers, in their
 * order, until it returns true (then true). */
static bool any_recipient(const struct mail_msg *m, bool (*fn)(void *ctx, const char *email), void *ctx)
{
	for (size_t h = 0; h < sizeof recipient_headers / sizeof recipient_headers[0]; h++) {
		for (size_t i = 0; i < m->nheaders; i++) {
			if (strcasecmp(m->headers[i].name, recipient_headers[h]) != 0)
				continue;
			struct mail_addr_list l = { 0 };
			const char *raw = m->headers[i].raw;
			if (header_parse_addresses(m->arena, raw, strlen(raw), &l) != MADO_OK)
				continue;
			for (size_t k = 0; k < l.n; k++)
				if (fn(ctx, l.v[k].email))
					return true;
		}
	}
	return false;
}

struct signed_search {
	const struct intake_ctx *ctx;
	int64_t n;
};

static bool is_signed_address(void *vs, const char *email)
{
	struct signed_search *x = vs;
	const struct mailbox_set *ms = &x->ctx->mailboxes;
	for (size_t o = 0; o < ms->n_own; o++)
		if (thread_verify_address(x->ctx->key, ms->own[o], email, strlen(email), &x->n) ||
		    thread_verify_verp(x->ctx->key, ms->own[o], email, strlen(email), &x->n))
			return true;
	return false;
}

static bool find_signed_address(struct intake_ctx *ctx, const struct mail_msg *m, int64_t *n)
{
	struct signed_search x = { ctx, 0 };
	bool found = any_recipient(m, is_signed_address, &x);
	*n = x.n;
	return found;
}

struct mailbox_search {
	const struct mailbox_set *ms;
	const struct mailbox *found;
};

static bool is_mailbox(void *vs, const char *email)
{
	struct mailbox_search *x = vs;
	return (x->found = mailbox_match(x->ms, email)) != NULL;
}

/* Which of our active mailboxes the mail came to (NULL: none named). */
static const struct mailbox *mailbox_of(const struct intake_ctx *ctx, const struct mail_msg *m)
{
	struct mailbox_search x = { &ctx->mailboxes, NULL };
	any_recipient(m, is_mailbox, &x);
	return x.found;
}

/* Keep on a new ticket the mailbox its mail came to, for routing (its
 * group) and for the From of what we send (core/mailbox.h). */
static mado_status note_mailbox(struct intake_ctx *ctx, const struct mail_msg *m, int64_t ticket, time_t now,
                                struct mado_err *err)
{
	const struct mailbox *mb = mailbox_of(ctx, m);
	if (!mb)
		return MADO_OK;
	mado_status st = store_ticket_mailbox_set(ctx->store, ticket, mb->address, err);
	return st ? st : store_event_add(ctx->store, ticket, "system", "field", "mailbox", NULL, mb->address, now, err);
}

struct thread_decision {
	int64_t ticket;
	int64_t linked;     /* stranger's token: new ticket linked to this */
	char reason[160];
};

static mado_status decide_thread(struct intake_ctx *ctx, const struct mail_msg *m,
                                 const struct hygiene_result *hy, const char *sender,
                                 struct thread_decision *d, struct mado_err *err)
{
	struct store *s = ctx->store;
	mado_status st;
	memset(d, 0, sizeof *d);
	int64_t t = 0;

	if ((hy->flags & (HYG_BOUNCE | HYG_DELAYED | HYG_FEEDBACK)) && hy->original_message_id &&
	    *hy->original_message_id) {
		if ((st = store_thread_lookup(s, hy->original_message_id, &t, err)))
			return st;
		if (t) {
			d->ticket = t;
			snprintf(d->reason, sizeof d->reason, "report on <%.100s>", hy->original_message_id);
			return MADO_OK;
		}
	}
	if (*m->in_reply_to) {
		if ((st = store_thread_lookup(s, m->in_reply_to, &t, err)))
			return st;
		if (t) {
			d->ticket = t;
			snprintf(d->reason, sizeof d->reason, "In-Reply-To <%.100s>", m->in_reply_to);
			return MADO_OK;
		}
	}
	for (size_t i = m->nreferences; i-- > 0;) {
		if ((st = store_thread_lookup(s, m->references[i], &t, err)))
			return st;
		if (t) {
			d->ticket = t;
			snprintf(d->reason, sizeof d->reason, "References <%.100s>", m->references[i]);
			return MADO_OK;
		}
	}
	int64_t n = 0;
	if (find_signed_address(ctx, m, &n)) {
		bool exists = false;
		if ((st = store_ticket_exists(s, n, &exists, err)))
			return st;
		if (exists) {
			d->ticket = n;
			snprintf(d->reason, sizeof d->reason, "signed reply address of #%lld", (long long)n);
			return MADO_OK;
		}
	}
	if (thread_token_find(ctx->cfg->subject_token, m->subject, strlen(m->subject), &n)) {
		bool exists = false, participant = false;
		if ((st = store_ticket_exists(s, n, &exists, err)))
			return st;
		if (exists && sender && *sender &&
		    (st = store_ticket_has_participant(s, n, sender, &participant, err)))
			return st;
		if (exists && participant) {
			d->ticket = n;
			snprintf(d->reason, sizeof d->reason, "subject token of #%lld from a participant",
			         (long long)n);
		} else if (exists) {
			d->linked = n;
			snprintf(d->reason, sizeof d->reason,
			         "subject token of #%lld from a non-participant: new ticket, linked", (long long)n);
		}
	}
	return MADO_OK;
}

static mado_status add_participants(struct intake_ctx *ctx, int64_t ticket,
                                    const struct mail_addr_list *l, const char *role,
                                    struct mado_err *err)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *e = l->v[i].email;
		if (!*e || !strchr(e, '@') || is_own_address(ctx, e))
			continue;
		mado_status st = store_participant_add(ctx->store, ticket, e, l->v[i].name, role, err);
		if (st)
			return st;
	}
	return MADO_OK;
}

static bool attachment_kept(const struct intake_ctx *ctx, const struct mail_part *p)
{
	return p->len <= ctx->limits.max_attachment_bytes && !p->truncated;
}

/* Notes for attachments that will not be stored (before the message row
 * is written, so that the notes are on it). */
static void note_dropped_attachments(const struct intake_ctx *ctx, const struct mail_msg *m,
                                     struct buf *notes)
{
	for (size_t i = 0; i < m->nparts; i++) {
		const struct mail_part *p = &m->parts[i];
		if (p->role == MAIL_PART_ATTACHMENT && !attachment_kept(ctx, p))
			buf_printf(notes, "%sattachment \"%s\" (%zu bytes) not stored: over the limit of %zu bytes",
			           notes->len ? "\n" : "", p->filename, p->len, ctx->limits.max_attachment_bytes);
	}
}

static mado_status store_attachments(struct intake_ctx *ctx, const struct mail_msg *m, int64_t row,
                                     struct mado_err *err)
{
	for (size_t i = 0; i < m->nparts; i++) {
		const struct mail_part *p = &m->parts[i];
		if (p->role != MAIL_PART_ATTACHMENT)
			continue;
		char sha[65];
		blob_sha256_hex(p->data, p->len, sha);
		bool keep = attachment_kept(ctx, p);
		mado_status st;
		if (keep && (st = blob_save(ctx->store, ctx->blob_dir, sha, p->data, p->len, NULL, &ctx->blobs,
		                            err)))
			return st;
		struct store_attachment_new a = {
			.message_row = row,
			.sha256 = sha,
			.filename = p->filename,
			.content_type = p->content_type,
			.size = p->len,
			.content_id = p->content_id,
			.inline_part = strcasecmp(p->disposition, "inline") == 0 || *p->content_id,
			.stored = keep,
		};
		if ((st = store_attachment_insert(ctx->store, &a, err)))
			return st;
	}
	return MADO_OK;
}

/* A person forwarding a bounce ("why did my mail bounce?") wrote to us:
 * that is their message, not a report on one of ours. */
static bool is_forwarded_report(const struct hygiene_result *hy)
{
	return hy->report_form && strncmp(hy->report_form, "forwarded", 9) == 0;
}

static mado_status note_bounce(struct intake_ctx *ctx, int64_t ticket, int64_t row,
                               const struct hygiene_result *hy, time_t now, struct mado_err *err)
{
	mado_status st;
	for (size_t i = 0; i < hy->nrecipients; i++) {
		const struct bounce_recipient *r = &hy->recipients[i];
		if ((st = store_bounce_recipient_add(ctx->store, row, r->email, r->status, r->action,
		                                     r->diagnostic, err)))
			return st;
		if (!(hy->flags & HYG_BOUNCE) || is_forwarded_report(hy) ||
		    (r->action && *r->action && strcasecmp(r->action, "failed")))
			continue;
		bool changed = false;
		if ((st = store_customer_mark_bouncing(ctx->store, r->email, r->status, r->diagnostic, now,
		                                       &changed, err)))
			return st;
		if (ticket) {
			char v[600];
			snprintf(v, sizeof v, "%s %s", r->email, r->status && *r->status ? r->status : "failed");
			if ((st = store_event_add(ctx->store, ticket, "system", "bounce", "address", NULL, v, now,
			                          err)))
				return st;
		}
	}
	return MADO_OK;
}

static const struct mail_addr *first_sender(const struct mail_msg *m)
{
	if (m->from.n && *m->from.v[0].email)
		return &m->from.v[0];
	if (m->sender.n && *m->sender.v[0].email)
		return &m->sender.v[0];
	if (m->reply_to.n && *m->reply_to.v[0].email)
		return &m->reply_to.v[0];
	return NULL;
}

static bool is_machine_mail(const struct hygiene_result *hy)
{
	if (is_forwarded_report(hy))
		return false;
	return hy->flags & (HYG_AUTO_REPLY | HYG_BOUNCE | HYG_DELAYED | HYG_FEEDBACK | HYG_LOOP | HYG_OWN);
}

static mado_status new_ticket(struct intake_ctx *ctx, const struct mail_msg *m,
                              const struct mail_addr *from, const struct hygiene_result *hy,
                              int64_t linked, time_t now, int64_t *ticket, struct mado_err *err)
{
	struct store *s = ctx->store;
	mado_status st;
	int64_t cust = 0, org = 0;
	char actor[300] = "system";
	if (from) {
		const char *email = lower_dup(m->arena, from->email);
		const char *at = strrchr(email, '@');
		if (at && at[1] && !is_freemail(ctx->cfg, at + 1) && (st = store_org_upsert(s, at + 1, now, &org, err)))
			return st;
		bool created;
		if ((st = store_customer_upsert(s, email, from->name, org, now, &cust, &created, err)))
			return st;
		snprintf(actor, sizeof actor, "customer:%s", email);
	}
	struct store_ticket_new t = {
		.subject = m->subject,
		.channel = "email",
		.customer_id = cust,
		.organization_id = org,
		.linked_ticket_id = linked,
		.spam = (hy->flags & HYG_SPAM) != 0,
		.now = now,
	};
	if ((st = store_ticket_insert(s, &t, ticket, err)))
		return st;
	if ((st = store_event_add(s, *ticket, actor, "created", "status", NULL, "new", now, err)))
		return st;
	if (t.spam && (st = store_event_add(s, *ticket, "system", "field", "spam", NULL, "true", now, err)))
		return st;
	if (linked) {
		char v[32];
		snprintf(v, sizeof v, "%lld", (long long)linked);
		if ((st = store_event_add(s, *ticket, "system", "link", "linked_ticket", NULL, v, now, err)))
			return st;
	}
	if (from && (st = store_participant_add(s, *ticket, lower_dup(m->arena, from->email), from->name,
	                                        "requester", err)))
		return st;
	return sla_ticket_event(s, *ticket, SLA_EV_CREATED, now, err);
}

mado_status intake_prepare(const struct intake_ctx *ctx, const char *raw, size_t len,
                           struct intake_prepared *p, struct mado_err *err)
{
	memset(p, 0, sizeof *p);
	blob_sha256_hex(raw, len, p->sha);
	mado_status st = mail_parse(raw, len, &ctx->limits, &p->m, err);
	if (st)
		return st;
	p->msgid = p->m->message_id;
	if (!*p->msgid) {
		/* No Message-ID: the content hash alone identifies the message. */
		char *synth = arena_alloc(p->m->arena, 80);
		snprintf(synth, 80, "sha256-%s@missing.invalid", p->sha);
		p->msgid = synth;
	}
	if ((st = hygiene_classify(p->m, &ctx->hygiene, &p->hy))) {
		mado_fail(err, st, "classify: %s", mado_status_name(st));
		intake_prepared_free(p);
	}
	return st;
}

void intake_prepared_free(struct intake_prepared *p)
{
	mail_msg_free(p->m);
	p->m = NULL;
}

mado_status intake_message(struct intake_ctx *ctx, const char *raw, size_t len,
                           const char *spool_path, const char *source, time_t now,
                           struct intake_result *res, struct mado_err *err)
{
	memset(res, 0, sizeof *res);
	struct intake_prepared p;
	mado_status st = intake_prepare(ctx, raw, len, &p, err);
	if (st)
		return st;
	st = intake_store(ctx, &p, raw, len, spool_path, source, now, res, err);
	intake_prepared_free(&p);
	return st;
}

mado_status intake_store(struct intake_ctx *ctx, const struct intake_prepared *p, const char *raw,
                         size_t len, const char *spool_path, const char *source, time_t now,
                         struct intake_result *res, struct mado_err *err)
{
	memset(res, 0, sizeof *res);
	struct mail_msg *m = p->m;
	const char *sha = p->sha, *msgid = p->msgid;
	const struct hygiene_result hy = p->hy;
	char *to_json = NULL, *cc_json = NULL, *refs = NULL;
	struct buf notes;
	buf_init(&notes, 0);
	mado_status st;

	int64_t dup = 0;
	bool seen = false;
	if ((st = store_message_find(ctx->store, msgid, sha, &seen, &dup, err)))
		goto out;
	if (seen) {
		res->duplicate = true;
		res->ticket_id = dup;
		goto out;
	}

	const struct mail_addr *from = first_sender(m);
	const char *sender = from ? lower_dup(m->arena, from->email) : "";

	struct thread_decision d;
	if ((st = decide_thread(ctx, m, &hy, sender, &d, err)))
		goto out;
	int64_t ticket = d.ticket;
	bool machine = is_machine_mail(&hy);
	if (!ticket && !machine) {
		if ((st = new_ticket(ctx, m, from, &hy, d.linked, now, &ticket, err)) ||
		    (st = note_mailbox(ctx, m, ticket, now, err)))
			goto out;
		res->new_ticket = true;
		res->linked_ticket = d.linked;
		if (!*d.reason)
			snprintf(d.reason, sizeof d.reason, "new ticket");
	} else if (!ticket) {
		snprintf(d.reason, sizeof d.reason, "%s matched no ticket: stored without one", hy.kind);
	}

	if ((st = blob_save(ctx->store, ctx->blob_dir, sha, raw, len, spool_path, &ctx->blobs, err)))
		goto out;

	to_json = addrs_json(&m->to);
	cc_json = addrs_json(&m->cc);
	refs = refs_json(m);
	if (m->notes && *m->notes)
		buf_append_str(&notes, m->notes);
	note_dropped_attachments(ctx, m, &notes);
	int64_t row = 0;
	struct store_message_new sm = {
		.ticket_id = ticket,
		.direction = "in",
		.message_id = msgid,
		.raw_sha256 = sha,
		.raw_size = len,
		.source = source,
		.from_email = sender,
		.from_name = from ? from->name : "",
		.to_json = to_json,
		.cc_json = cc_json,
		.references_json = refs,
		.subject = m->subject,
		.date = m->date,
		.in_reply_to = m->in_reply_to,
		.body_text = m->text,
		.body_html = m->html,
		.text_from_html = m->text_from_html,
		.kind = hy.kind,
		.hygiene_flags = hy.flags,
		.hygiene_reasons = hy.reasons,
		.may_auto_answer = hy.may_auto_answer,
		.spam_score = hy.spam_score,
		.thread_reason = d.reason,
		.parse_notes = notes.p ? notes.p : "",
		.truncated = m->truncated,
		.now = now,
	};
	if ((st = store_message_insert(ctx->store, &sm, &row, err)))
		goto out;
	if ((st = store_attachments(ctx, m, row, err)))
		goto out;
	/* What the parser cut or dropped is visible on the ticket. */
	if (notes.len && ticket &&
	    (st = store_event_add(ctx->store, ticket, "system", "note", "parse", NULL, notes.p, now, err)))
		goto out;
	if (ticket) {
		if (*m->message_id && (st = store_thread_add(ctx->store, m->message_id, ticket, err)))
			goto out;
		char v[64];
		snprintf(v, sizeof v, "%lld %s", (long long)row, hy.kind);
		char actor[300];
		snprintf(actor, sizeof actor, "%s%s", *sender ? "customer:" : "system", sender);
		if ((st = store_event_add(ctx->store, ticket, actor, "message", "", NULL, v, now, err)))
			goto out;
		if (!machine) {
			/* Whoever reached the ticket through its headers, its signed
			 * address or (already a participant) its token takes part. */
			if (*sender && !res->new_ticket &&
			    (st = store_participant_add(ctx->store, ticket, sender, from->name, "cc", err)))
				goto out;
			if ((st = add_participants(ctx, ticket, &m->to, "to", err)) ||
			    (st = add_participants(ctx, ticket, &m->cc, "cc", err)))
				goto out;
		}
		if (!res->new_ticket && (st = store_ticket_touch(ctx->store, ticket, now, err)))
			goto out;
		/* the customer wrote again: the next-response clock starts */
		if (!res->new_ticket && !machine && *sender &&
		    (st = sla_ticket_event(ctx->store, ticket, SLA_EV_CUSTOMER_REPLY, now, err)))
			goto out;
		if (!res->new_ticket && !machine &&
		    (st = outgoing_notify_assignee(ctx->store, ctx->cfg, ticket, "customer_replied", m->subject, now, err)))
			goto out;
	}
	if ((st = note_bounce(ctx, ticket, row, &hy, now, err)))
		goto out;
	/* Workflow rules for live mail from people (not imports of history, not spam). */
	if (ticket && !machine && !(hy.flags & HYG_SPAM) && strncmp(source, "import", 6) &&
	    (st = triage_after_intake(ctx->store, ticket, res->new_ticket, &ctx->triage, now, err)))
		goto out;
	/* priority, group or status may have moved: the SLA follows */
	if (ticket && !machine && (st = sla_ticket_event(ctx->store, ticket, SLA_EV_CHANGED, now, err)))
		goto out;
	/* the agents routing chose hear of a new ticket */
	if (res->new_ticket && !machine && strncmp(source, "import", 6) &&
	    (st = outgoing_notify_routed(ctx->store, ctx->cfg, ticket, now, err)))
		goto out;

	/* the acknowledgement goes out in the transaction that opened the
	 * ticket; imported history is never acknowledged */
	if (res->new_ticket && strncmp(source, "import", 6) != 0 &&
	    (st = outgoing_ack(&(struct outgoing_ack){ .store = ctx->store, .cfg = ctx->cfg, .key = ctx->key,
	                                               .ticket_id = ticket, .to_email = sender,
	                                               .to_name = from ? from->name : "", .subject = m->subject,
	                                               .text = m->text, .in_reply_to = m->message_id,
	                                               .references_json = refs, .may_auto_answer = hy.may_auto_answer,
	                                               .own_address = is_own_address(ctx, sender), .now = now },
	                       err)))
		goto out;
	res->ticket_id = ticket;
	res->message_row = row;
	res->may_auto_answer = hy.may_auto_answer;
	snprintf(res->kind, sizeof res->kind, "%s", hy.kind);
	snprintf(res->thread_reason, sizeof res->thread_reason, "%s", d.reason);
out:
	free(to_json);
	free(cc_json);
	free(refs);
	buf_free(&notes);
	return st;
}

/* ---- drain ---- */

struct batch_item {
	char *name;
	bool quarantine;
};

static mado_status finish_batch(struct intake_ctx *ctx, const char *spool_dir,
                                struct batch_item *items, size_t n, struct mado_err *err)
{
	mado_status st = intake_batch_commit(ctx, err);
	if (st)
		return st;
	fsio_crash_point("after-commit");
	for (size_t i = 0; i < n; i++) {
		if (items[i].quarantine)
			spool_quarantine(spool_dir, items[i].name, NULL);
		else
			spool_remove(spool_dir, items[i].name, NULL);
	}
	return MADO_OK;
}

mado_status intake_drain(struct intake_ctx *ctx, const char *spool_dir, size_t batch,
                         double deadline, struct drain_stats *stats, struct mado_err *err)
{
	memset(stats, 0, sizeof *stats);
	if (batch == 0)
		batch = 1;
	struct batch_item *items = calloc(batch, sizeof *items);
	if (!items)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	mado_status st = MADO_OK;
	struct buf raw;
	buf_init(&raw, 0);
	for (;;) {
		char **names = NULL;
		size_t n = 0;
		if ((st = spool_list(spool_dir, batch, &names, &n, err)) || n == 0) {
			spool_names_free(names, n);
			break;
		}
		if (deadline > 0 && intake_monotonic() > deadline) {
			spool_names_free(names, n);
			st = mado_fail(err, MADO_ETEMP, "deadline reached while draining the spool");
			break;
		}
		if ((st = intake_batch_begin(ctx, err))) {
			spool_names_free(names, n);
			break;
		}
		/* an admin may have changed the mailboxes since the last batch */
		if ((st = intake_reload_mailboxes(ctx, err))) {
			store_rollback(ctx->store);
			spool_names_free(names, n);
			break;
		}
		size_t k = 0;
		for (size_t i = 0; i < n && !st; i++) {
			char path[4096];
			spool_path(spool_dir, names[i], path, sizeof path);
			buf_reset(&raw);
			struct mado_err e2;
			mado_status rs = fsio_read_file(path, ctx->limits.max_message_bytes, &raw, &e2);
			if (rs == MADO_ENOTFOUND)
				continue; /* drained by someone else meanwhile */
			items[k].name = names[i];
			items[k].quarantine = false;
			if (rs == MADO_OK) {
				if ((st = store_savepoint(ctx->store, err)))
					break;
				struct intake_result res;
				rs = intake_message(ctx, raw.p ? raw.p : "", raw.len, path, "ingest",
				                    mado_now(), &res, &e2);
				if (rs == MADO_OK) {
					if ((st = store_release(ctx->store, err)))
						break;
					if (res.duplicate)
						stats->duplicates++;
					else
						stats->processed++;
				} else {
					store_rollback_to(ctx->store);
				}
			}
			/* MADO_EDB here is a constraint or schema error for this message:
			 * quarantine it rather than let one message block the spool. */
			if (rs == MADO_ETEMP || rs == MADO_ENOMEM || rs == MADO_EIO) {
				st = mado_fail(err, MADO_ETEMP, "%s", e2.msg);
				break;
			}
			if (rs != MADO_OK) {
				/* can never be processed: keep it for an operator */
				char sha[65];
				blob_sha256_hex(raw.p ? raw.p : "", raw.len, sha);
				if ((st = store_quarantine_add(ctx->store, sha, e2.msg, mado_now(), err)))
					break;
				items[k].quarantine = true;
				stats->quarantined++;
			}
			k++;
		}
		if (st) {
			store_rollback(ctx->store);
			spool_names_free(names, n);
			break;
		}
		st = finish_batch(ctx, spool_dir, items, k, err);
		spool_names_free(names, n);
		stats->batches++;
		if (st)
			break;
	}
	buf_free(&raw);
	free(items);
	if (st == MADO_EDB)
		st = MADO_ETEMP;
	return st;
}
