/*
 * Automatic mail (see outgoing.h). The decision comes first and is cheap
 * (indexed counts over the outbox: outbox_recipient, outbox_ticket); the
 * mail is then built as [name, value] header pairs for the sender, which
 * composes and encodes it (jobs/outbox.c, mail/compose.c).
 */
#include "core/outgoing.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/template.h"
#include "core/mailbox.h"
#include "mail/compose.h"
#include "mail/thread.h"
#include "store/blob.h"
#include "store/store_outgoing.h"
#include "store/store_people.h"
#include "store/store_sla.h"
#include "store/store_tickets.h"
#include "util/clock.h"

/* The reliability rules' limits on automatic mail to customers (acks and
 * notices alike) within auto.window_minutes: per recipient, per ticket,
 * in all. *why says which one is reached, or stays NULL. */
static mado_status auto_rate_refusal(struct store *s, const struct mado_config *cfg, const char *to, int64_t ticket,
                                     time_t now, const char **why, struct mado_err *err)
{
	static const struct {
		bool by_recipient, by_ticket;
		const char *why;
	} limits[] = {
		{ true, false, "rate limit per recipient (auto.per_recipient_max)" },
		{ false, true, "rate limit per ticket (auto.per_ticket_max)" },
		{ false, false, "rate limit (auto.global_max)" },
	};
	const size_t max[] = { cfg->auto_per_recipient_max, cfg->auto_per_ticket_max, cfg->auto_global_max };
	time_t window = now - (time_t)cfg->auto_window_minutes * 60;
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		int64_t n = 0;
		mado_status st = store_outbox_count(s, "auto", limits[i].by_recipient ? to : NULL,
		                                    limits[i].by_ticket ? ticket : 0, window, &n, err);
		if (st)
			return st;
		if (n >= (int64_t)max[i]) {
			*why = limits[i].why;
			return MADO_OK;
		}
	}
	return MADO_OK;
}

/* Why no automatic mail may go to this customer now, or NULL: no plain
 * address, a bouncing one, or a rate limit reached. */
static mado_status customer_refusal(struct store *s, struct arena *a, const struct mado_config *cfg, const char *to,
                                    int64_t ticket, time_t now, const char **why, struct mado_err *err)
{
	if (!to || !*to || !compose_address_ok(to)) {
		*why = "no plain address to write to";
		return MADO_OK;
	}
	struct store_customer c;
	mado_status st = store_customer_get(s, a, to, &c, err);
	if (st && st != MADO_ENOTFOUND)
		return st;
	if (!st && c.bouncing) {
		*why = "the address bounces";
		return MADO_OK;
	}
	return auto_rate_refusal(s, cfg, to, ticket, now, why, err);
}

/* Why no ack may go to this address now, or NULL. */
static mado_status ack_refusal(const struct outgoing_ack *in, struct arena *a, const char **why,
                               struct mado_err *err)
{
	const struct mado_config *cfg = in->cfg;
	*why = NULL;
	if (!in->may_auto_answer) {
		*why = "machine mail (auto-reply, bounce, list, bulk or spam)";
		return MADO_OK;
	}
	if (in->own_address) {
		*why = "the sender is one of our addresses";
		return MADO_OK;
	}
	int64_t n = 0;
	mado_status st = MADO_OK;
	if (cfg->ack_recipient_hours && in->to_email &&
	    (st = store_outbox_count(in->store, "ack", in->to_email, 0, in->now - (time_t)cfg->ack_recipient_hours * 3600,
	                             &n, err)))
		return st;
	if (n) {
		*why = "the address was acknowledged recently (ack.recipient_hours)";
		return MADO_OK;
	}
	return customer_refusal(in->store, a, cfg, in->to_email, in->ticket_id, in->now, why, err);
}

/* The template in the customer's language: the admin's text, else ours. */
static mado_status load_template(struct store *s, struct arena *a, const char *name, const char *lang,
                                 const char **subject, const char **body, struct mado_err *err)
{
	bool found = false;
	mado_status st = store_template_get(s, a, name, lang, subject, body, &found, err);
	if (!st && !found && !tpl_default(name, lang, subject, body))
		st = mado_fail(err, MADO_ENOTFOUND, "no template %s", name);
	return st;
}

struct rendered {
	struct buf subject, text, html;
};

/* survey.url with {n} (the ticket number) and {token} (its signed survey
 * token) filled in; empty without a key or a setting. */
static const char *survey_url(struct arena *a, const struct mado_config *cfg, const unsigned char *key, int64_t n)
{
	if (!key || !*cfg->survey_url)
		return "";
	char tag[THREAD_TAG_CHARS + 1], num[32];
	thread_survey_tag(key, n, tag);
	snprintf(num, sizeof num, "%" PRId64, n);
	struct buf out;
	buf_init(&out, 0);
	for (const char *p = cfg->survey_url; *p;) {
		if (!strncmp(p, "{n}", 3)) {
			buf_append_str(&out, num);
			p += 3;
		} else if (!strncmp(p, "{token}", 7)) {
			buf_append_str(&out, tag);
			p += 7;
		} else {
			buf_append_char(&out, *p++);
		}
	}
	const char *r = arena_strdup(a, out.p ? out.p : "");
	buf_free(&out);
	return r;
}

mado_status outgoing_ticket_vars(struct store *s, struct arena *a, const struct mado_config *cfg,
                                 const unsigned char *key, int64_t ticket_id, const char *agent_name, const char *text,
                                 struct outgoing_vars *v, struct mado_err *err)
{
	struct store_ticket t;
	const char *lang = "";
	mado_status st = store_ticket_get(s, a, ticket_id, &t, err);
	if (!st)
		st = store_customer_language(s, a, t.customer_id, &lang, err);
	if (st)
		return st;
	char num[32], hours[32];
	snprintf(num, sizeof num, "%" PRId64, ticket_id);
	snprintf(hours, sizeof hours, "%zu", cfg->ack_first_response_hours);
	/* the SLA's promise when a policy set one (in hours from now, rounded
	 * up); the configured default otherwise */
	struct store_sla_ticket sla;
	int64_t now = mado_now();
	if (store_sla_ticket_get(s, a, ticket_id, &sla, err) == MADO_OK && sla.first_response_due > now &&
	    !sla.first_responded_at)
		snprintf(hours, sizeof hours, "%" PRId64, (sla.first_response_due - now + 3599) / 3600);
	struct buf token, url, guess;
	buf_init(&token, 0);
	buf_init(&url, 0);
	buf_init(&guess, 0);
	thread_token_format(cfg->subject_token, ticket_id, &token);
	thread_token_format(cfg->ticket_url, ticket_id, &url);  /* {n} in the URL is the number too */
	buf_printf(&guess, "%s\n%s", t.subject, text ? text : "");
	/* the customer's own setting, else the language triage read in their
	 * mail (the ticket's), else a guess from the subject and text */
	v->language = tpl_language(lang && *lang ? lang : t.language, guess.p);
	struct mailbox_sender from;
	if ((st = mailbox_sender_of(s, a, cfg, ticket_id, &from, err))) {
		buf_free(&token);
		buf_free(&url);
		buf_free(&guess);
		return st;
	}
	const struct tpl_var vars[] = {
		{ "ticket.number", arena_strdup(a, num) },
		{ "ticket.subject", t.subject },
		{ "ticket.token", arena_strdup(a, token.p ? token.p : "") },
		{ "ticket.url", arena_strdup(a, url.p ? url.p : "") },
		{ "ticket.status", t.status },
		{ "customer.name", t.customer_name && *t.customer_name ? t.customer_name : t.customer_email },
		{ "customer.email", t.customer_email },
		{ "agent.name", agent_name ? arena_strdup(a, agent_name) : "" },
		{ "sla.first_response_hours", arena_strdup(a, hours) },
		{ "survey.url", survey_url(a, cfg, key, ticket_id) },
		{ "support.name", *from.name ? from.name : from.email },
		{ "support.address", from.email },
	};
	memcpy(v->vars, vars, sizeof vars);
	v->n = sizeof vars / sizeof vars[0];
	buf_free(&token);
	buf_free(&url);
	buf_free(&guess);
	return MADO_OK;
}

mado_status outgoing_reply_text(struct store *s, struct arena *a, const struct mado_config *cfg,
                                const unsigned char *key, int64_t ticket_id, int64_t agent_id, const char *body,
                                const char **text, struct mado_err *err)
{
	struct store_agent ag;
	const char *name = "";
	mado_status st = agent_id ? store_agent_get(s, a, agent_id, &ag, err) : MADO_OK;
	if (st && st != MADO_ENOTFOUND)
		return st;
	if (agent_id && !st)
		name = ag.name;
	struct outgoing_vars v;
	const char *tsubj, *tbody;
	if ((st = outgoing_ticket_vars(s, a, cfg, key, ticket_id, name, NULL, &v, err)) ||
	    (st = load_template(s, a, "reply", v.language, &tsubj, &tbody, err)))
		return st;
	v.vars[v.n++] = (struct tpl_var){ "reply.body", body };
	struct buf out;
	buf_init(&out, 0);
	if (!(st = tpl_render(tbody, v.vars, v.n, TPL_TEXT, &out, err)))
		*text = arena_strdup(a, out.p ? out.p : "");
	buf_free(&out);
	return st;
}

/* What an automatic mail says: a named template, or the caller's own
 * text in place of its subject and body. */
struct mail_text {
	const char *name;        /* the template ("ack", "status"...) or what the mail is ("trigger") */
	const char *subject;     /* own subject, a template (trigger mail); NULL: the template's */
	const char *body;        /* own body; NULL or "": the template's */
	bool body_rendered;      /* own body is a template (trigger mail), else text as is (an automation's) */
};

/* Own text rendered; text that is no template (an unclosed "{{") is
 * taken as it is rather than losing the mail. */
static mado_status render_own(const char *src, const struct outgoing_vars *v, struct buf *out)
{
	struct mado_err ignored;
	size_t len = out->len;
	if (tpl_render(src, v->vars, v->n, TPL_TEXT, out, &ignored) == MADO_OK)
		return MADO_OK;
	out->len = len;
	return buf_append_str(out, src);
}

/* The mail to render; text guesses the language. Trigger mail also knows
 * its older placeholders {{number}} and {{subject}}, and its subject gets
 * the ticket token when it has none. */
static mado_status render(struct store *s, struct arena *a, const struct mado_config *cfg, const unsigned char *key,
                          int64_t ticket_id, const struct mail_text *mt, const char *text, struct rendered *r,
                          struct mado_err *err)
{
	struct outgoing_vars v;
	mado_status st = outgoing_ticket_vars(s, a, cfg, key, ticket_id, NULL, text, &v, err);
	if (st)
		return st;
	v.vars[v.n++] = (struct tpl_var){ "number", v.vars[0].value };
	v.vars[v.n++] = (struct tpl_var){ "subject", v.vars[1].value };
	bool own_body = mt->body && *mt->body;
	const char *tsubj = mt->subject, *tbody = mt->body;
	if ((!mt->subject || !own_body) && (st = load_template(s, a, mt->name, v.language, &tsubj, &tbody, err)))
		return st;
	if (mt->subject) {
		int64_t tok = 0;
		st = render_own(mt->subject, &v, &r->subject);
		if (!st && !(thread_token_find(cfg->subject_token, r->subject.p ? r->subject.p : "", r->subject.len, &tok) &&
		             tok == ticket_id)) {
			buf_append_char(&r->subject, ' ');
			thread_token_format(cfg->subject_token, ticket_id, &r->subject);
		}
	} else {
		st = tpl_render(tsubj, v.vars, v.n, TPL_TEXT, &r->subject, err);
	}
	if (!st)
		st = !own_body          ? tpl_render(tbody, v.vars, v.n, TPL_TEXT, &r->text, err)
		     : mt->body_rendered ? render_own(mt->body, &v, &r->text)
		                         : buf_append_str(&r->text, mt->body);
	if (!st)
		st = tpl_text_to_html(r->text.p ? r->text.p : "", &r->html);
	return st;
}

static void add_header(json_t *h, const char *name, const char *value)
{
	json_array_append_new(h, json_pack("[s, s]", name, value));
}

/* An address header with its display name (encoded by compose). */
static void add_address(json_t *h, const char *header, const char *name, const char *email)
{
	json_array_append_new(h, json_pack("[s, [{s:s, s:s}]]", header, "name", name ? name : "", "email", email));
}

/* ---- every automatic mail: headers and the outbox row ---- */

/* One automatic mail, to a customer or an agent. */
struct auto_mail {
	const struct mado_config *cfg;
	int64_t ticket_id, agent_id;
	const char *kind;             /* outbox kind: "ack", "notice", "notification" */
	const char *auto_submitted;   /* "auto-replied" or "auto-generated" */
	const char *from, *from_name, *to_email, *to_name;   /* from: mailbox_sender_of() */
	const char *reply_to;         /* NULL: none */
	const char *subject, *message_id;   /* the id without brackets */
	const char *in_reply_to;      /* NULL or "": not a reply */
	const char *references;       /* References header value (with brackets) */
	const char *charset;
	time_t now;
};

/* The header pairs the sender composes from (jobs/outbox.c): ours, never
 * pasted text, so nothing here can add a header. Caller frees. */
static char *auto_headers(const struct auto_mail *m)
{
	struct buf angle;
	buf_init(&angle, 0);
	json_t *h = json_array();
	add_address(h, "From", m->from_name, m->from);
	add_address(h, "To", m->to_name, m->to_email);
	if (m->reply_to)
		add_header(h, "Reply-To", m->reply_to);
	add_header(h, "Subject", m->subject ? m->subject : "");
	buf_printf(&angle, "<%s>", m->message_id);
	add_header(h, "Message-ID", angle.p);
	if (m->in_reply_to && *m->in_reply_to) {
		buf_reset(&angle);
		buf_printf(&angle, "<%s>", m->in_reply_to);
		add_header(h, "In-Reply-To", angle.p);
		add_header(h, "References", m->references && *m->references ? m->references : angle.p);
	}
	add_header(h, "Auto-Submitted", m->auto_submitted);
	if (*m->cfg->loop_header)
		add_header(h, m->cfg->loop_header, "1");
	char *r = json_dumps(h, JSON_COMPACT);
	json_decref(h);
	buf_free(&angle);
	return r;
}

/* Queue it with the null envelope sender: bounces of automatic mail
 * vanish, and auto-responders see it is one (RFC 3834). */
static mado_status queue_auto(struct store *s, const struct auto_mail *m, const char *headers, int64_t message_row,
                              const char *text, const char *html, struct mado_err *err)
{
	json_t *rc = json_pack("[s]", m->to_email);
	char *rcpt = rc ? json_dumps(rc, JSON_COMPACT) : NULL;
	int64_t ob = 0;
	struct store_outbox_new o = {
		.message_row = message_row,
		.ticket_id = m->ticket_id,
		.agent_id = m->agent_id,
		.mail_from = "",
		.rcpt_json = rcpt,
		.headers_json = headers,
		.body_text = text,
		.attachments_json = "[]",
		.now = m->now,
		.kind = m->kind,
		.recipient = m->to_email,
		.body_html = html,
		.charset = m->charset,
	};
	mado_status st = rcpt && headers ? store_outbox_add(s, &o, &ob, err) : mado_fail(err, MADO_ENOMEM, "out of memory");
	free(rcpt);
	json_decref(rc);
	return st;
}

/* One automatic mail to a customer, threaded to in_reply_to. */
struct customer_mail {
	struct store *store;
	const struct mado_config *cfg;
	const unsigned char *key;
	int64_t ticket_id;
	const char *to_email, *to_name;
	const char *in_reply_to, *references_json;
	const char *kind;             /* outbox kind: "ack" or "notice" */
	const char *auto_submitted;   /* "auto-replied" or "auto-generated" */
	const char *what;             /* the template's name (events, message source) */
	time_t now;
};

/* An ack is not a message of the conversation; a notice is kept as an
 * outgoing message so that agents see it on the ticket. Either way its
 * Message-ID is registered so that an answer threads. */
static mado_status store_as_message(const struct customer_mail *in, struct arena *a, const char *mid,
                                    const char *from, const char *headers, const char *refs_json,
                                    const struct rendered *r, int64_t *row, struct mado_err *err)
{
	*row = 0;
	mado_status st = store_thread_add(in->store, mid, in->ticket_id, err);
	if (st || !strcmp(in->kind, "ack"))
		return st;
	struct buf raw;
	buf_init(&raw, 0);
	buf_printf(&raw, "%s\r\n\r\n%s", headers, r->text.p ? r->text.p : "");
	char sha[65];
	blob_sha256_hex(raw.p, raw.len, sha);
	json_t *to = json_pack("[{s:s, s:s}]", "name", in->to_name ? in->to_name : "", "email", in->to_email);
	char *to_s = json_dumps(to, JSON_COMPACT);
	(void)a;
	char source[80];
	snprintf(source, sizeof source, "notice:%s", in->what);
	struct store_message_new m = {
		.ticket_id = in->ticket_id, .direction = "out", .message_id = mid, .raw_sha256 = sha,
		.raw_size = raw.len, .source = source, .from_email = from, .from_name = "",
		.to_json = to_s ? to_s : "[]", .cc_json = "[]", .references_json = refs_json,
		.subject = r->subject.p ? r->subject.p : "", .date = in->now, .in_reply_to = in->in_reply_to,
		.body_text = r->text.p ? r->text.p : "", .body_html = "", .kind = "auto-reply",
		.may_auto_answer = false, .thread_reason = source, .parse_notes = "",
		.hygiene_reasons = "", .now = in->now,
	};
	st = store_message_insert(in->store, &m, row, err);
	free(to_s);
	json_decref(to);
	buf_free(&raw);
	return st;
}

/* Queue the mail (null envelope sender, Auto-Submitted, Reply-To the
 * signed address) and note it on the ticket. */
static mado_status queue_customer_mail(const struct customer_mail *in, struct arena *a, const struct rendered *r,
                                       struct mado_err *err)
{
	struct mailbox_sender sender;
	mado_status st = mailbox_sender_of(in->store, a, in->cfg, in->ticket_id, &sender, err);
	if (st)
		return st;
	const char *from = sender.email;
	const char *irt = in->in_reply_to ? in->in_reply_to : "";
	struct buf mid, reply_to, refs_h;
	buf_init(&mid, 0);
	buf_init(&reply_to, 0);
	buf_init(&refs_h, 0);
	char tag[32];
	snprintf(tag, sizeof tag, "%" PRId64, in->ticket_id);
	compose_new_message_id(tag, in->cfg->msgid_domain, &mid);
	thread_sign_address(in->key, from, in->ticket_id, &reply_to);
	json_t *refs = thread_reply_references(in->references_json ? in->references_json : "[]", irt, &refs_h);
	const struct auto_mail m = {
		.cfg = in->cfg, .ticket_id = in->ticket_id, .kind = in->kind, .auto_submitted = in->auto_submitted,
		.from = from, .from_name = sender.name, .to_email = in->to_email, .to_name = in->to_name,
		.reply_to = reply_to.p ? reply_to.p : from,
		.subject = r->subject.p, .message_id = mid.p, .in_reply_to = irt, .references = refs_h.p,
		.charset = in->cfg->mail_charset, .now = in->now,
	};
	char *headers = auto_headers(&m), *refs_s = refs ? json_dumps(refs, JSON_COMPACT) : NULL;
	int64_t row = 0;
	st = store_as_message(in, a, mid.p, from, headers ? headers : "[]", refs_s ? refs_s : "[]", r, &row, err);
	if (!st)
		st = queue_auto(in->store, &m, headers, row, r->text.p ? r->text.p : "", r->html.p, err);
	if (!st) {
		char v[340];
		snprintf(v, sizeof v, "queued to %s", in->to_email);
		st = store_event_add(in->store, in->ticket_id, "system", in->kind, strcmp(in->kind, "ack") ? in->what : "",
		                     NULL, v, in->now, err);
	}
	free(headers);
	free(refs_s);
	json_decref(refs);
	buf_free(&mid);
	buf_free(&reply_to);
	buf_free(&refs_h);
	return st;
}

/* Render and queue; the caller has decided the mail may go. */
static mado_status send_customer_mail(const struct customer_mail *in, struct arena *a, const struct mail_text *mt,
                                      const char *text, struct mado_err *err)
{
	struct rendered r;
	buf_init(&r.subject, 0);
	buf_init(&r.text, 0);
	buf_init(&r.html, 0);
	mado_status st = render(in->store, a, in->cfg, in->key, in->ticket_id, mt, text, &r, err);
	if (!st)
		st = queue_customer_mail(in, a, &r, err);
	buf_free(&r.subject);
	buf_free(&r.text);
	buf_free(&r.html);
	return st;
}

static mado_status note_suppressed(struct store *s, int64_t ticket, const char *kind, const char *field,
                                   const char *why, time_t now, struct mado_err *err)
{
	char v[200];
	snprintf(v, sizeof v, "suppressed: %s", why);
	return store_event_add(s, ticket, "system", kind, field, NULL, v, now, err);
}

mado_status outgoing_ack(const struct outgoing_ack *in, struct mado_err *err)
{
	if (!in->cfg->ack_enabled || !in->ticket_id)
		return MADO_OK;
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	const char *why = NULL;
	mado_status st = ack_refusal(in, a, &why, err);
	if (!st && why) {
		st = note_suppressed(in->store, in->ticket_id, "ack", "", why, in->now, err);
	} else if (!st) {
		struct customer_mail m = {
			.store = in->store, .cfg = in->cfg, .key = in->key, .ticket_id = in->ticket_id,
			.to_email = in->to_email, .to_name = in->to_name, .in_reply_to = in->in_reply_to,
			.references_json = in->references_json, .kind = "ack", .auto_submitted = "auto-replied",
			.what = "ack", .now = in->now,
		};
		st = send_customer_mail(&m, a, &(struct mail_text){ .name = "ack" }, in->text, err);
	}
	arena_free(a);
	return st;
}

/* A notice to the ticket's requester (see outgoing.h), or a "suppressed"
 * event saying why none goes. */
static mado_status customer_notice(struct store *s, const struct mado_config *cfg, const unsigned char *key,
                                   int64_t ticket_id, const struct mail_text *mt, const char *kind,
                                   const char *auto_submitted, time_t now, struct mado_err *err)
{
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct store_ticket t;
	const char *why = NULL, *irt = "", *refs = "[]";
	mado_status st = store_ticket_get(s, a, ticket_id, &t, err);
	if (!st)
		st = customer_refusal(s, a, cfg, t.customer_email, ticket_id, now, &why, err);
	if (!st && why)
		st = note_suppressed(s, ticket_id, kind, mt->name, why, now, err);
	else if (!st && !(st = store_ticket_last_inbound(s, a, ticket_id, &irt, &refs, err))) {
		struct customer_mail m = {
			.store = s, .cfg = cfg, .key = key, .ticket_id = ticket_id, .to_email = t.customer_email,
			.to_name = t.customer_name, .in_reply_to = irt, .references_json = refs, .kind = kind,
			.auto_submitted = auto_submitted, .what = mt->name, .now = now,
		};
		st = send_customer_mail(&m, a, mt, NULL, err);
	}
	arena_free(a);
	return st;
}

mado_status outgoing_customer_notice(struct store *s, const struct mado_config *cfg, const unsigned char *key,
                                     int64_t ticket_id, const char *template_name, const char *body_template,
                                     const char *kind, const char *auto_submitted, time_t now, struct mado_err *err)
{
	const struct mail_text mt = { .name = template_name, .body = body_template };
	return customer_notice(s, cfg, key, ticket_id, &mt, kind, auto_submitted, now, err);
}

mado_status outgoing_customer_mail(struct store *s, const struct mado_config *cfg, const unsigned char *key,
                                   int64_t ticket_id, const char *what, const char *subject, const char *body,
                                   time_t now, struct mado_err *err)
{
	const struct mail_text mt = { .name = what, .subject = subject, .body = body, .body_rendered = true };
	return customer_notice(s, cfg, key, ticket_id, &mt, "notice", "auto-generated", now, err);
}

/* ---- agent notifications ---- */

static const struct {
	const char *what, *en, *ja;
} notices[] = {
	{ "new_in_group", "New in your group", "グループに新しいチケット" },
	{ "assigned", "Assigned to you", "担当になりました" },
	{ "customer_replied", "The customer replied", "お客様から返信がありました" },
	{ "mention", "You were mentioned", "メンションされました" },
	{ "delivery_failed", "Your reply could not be delivered", "返信を配信できませんでした" },
};

static bool wanted(const struct store_notify *n, const char *what)
{
	return !strcmp(what, "delivery_failed") || (!strcmp(what, "new_in_group") && n->new_in_group) ||
	       (!strcmp(what, "assigned") && n->assigned) || (!strcmp(what, "customer_replied") && n->customer_replied) ||
	       (!strcmp(what, "mention") && n->mention);
}

mado_status outgoing_notify_agent(struct store *s, const struct mado_config *cfg, int64_t agent_id,
                                  int64_t actor_agent_id, int64_t ticket_id, const char *what, const char *detail,
                                  time_t now, struct mado_err *err)
{
	size_t k = 0;
	while (k < sizeof notices / sizeof notices[0] && strcmp(notices[k].what, what))
		k++;
	if (!agent_id || agent_id == actor_agent_id || k == sizeof notices / sizeof notices[0])
		return MADO_OK;
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct store_agent ag;
	struct store_notify n;
	struct store_ticket t;
	mado_status st = store_agent_get(s, a, agent_id, &ag, err);
	if (!st)
		st = store_notify_get(s, agent_id, &n, err);
	if (!st)
		st = store_ticket_get(s, a, ticket_id, &t, err);
	bool send = !st && !ag.disabled && wanted(&n, what) && compose_address_ok(ag.email);
	struct mailbox_sender from;
	if (send)
		st = mailbox_sender_of(s, a, cfg, ticket_id, &from, err);
	if (st || !send) {
		arena_free(a);
		return st;
	}
	bool ja = ag.language && !strncmp(ag.language, "ja", 2);
	struct buf token, url, subject, body, mid;
	buf_init(&token, 0);
	buf_init(&url, 0);
	buf_init(&subject, 0);
	buf_init(&body, 0);
	buf_init(&mid, 0);
	thread_token_format(cfg->subject_token, ticket_id, &token);
	thread_token_format(cfg->ticket_url, ticket_id, &url);
	const char *label = ja ? notices[k].ja : notices[k].en;
	buf_printf(&subject, "%s %s: %s", token.p, label, t.subject);
	buf_printf(&body, "%s\n\n%s %s\n%s%s\n%s\n", label, token.p, t.subject, ja ? "お客様: " : "Customer: ",
	           t.customer_email, url.p ? url.p : "");
	if (detail && *detail)
		buf_printf(&body, "\n%s\n", detail);
	compose_new_message_id("n", cfg->msgid_domain, &mid);
	const struct auto_mail m = {
		.cfg = cfg, .ticket_id = ticket_id, .agent_id = agent_id, .kind = "notification",
		.auto_submitted = "auto-generated", .from = from.email, .from_name = from.name, .to_email = ag.email,
		.to_name = ag.name, .subject = subject.p, .message_id = mid.p, .charset = "utf-8", .now = now,
	};
	char *headers = auto_headers(&m);
	st = queue_auto(s, &m, headers, 0, body.p, NULL, err);
	free(headers);
	buf_free(&token);
	buf_free(&url);
	buf_free(&subject);
	buf_free(&body);
	buf_free(&mid);
	arena_free(a);
	return st;
}

struct group_notice {
	struct store *s;
	const struct mado_config *cfg;
	int64_t actor, ticket;
	const char *what;
	time_t now;
	struct mado_err *err;
};

static mado_status notify_member(void *ctx, int64_t agent_id)
{
	struct group_notice *g = ctx;
	return outgoing_notify_agent(g->s, g->cfg, agent_id, g->actor, g->ticket, g->what, NULL, g->now, g->err);
}

mado_status outgoing_notify_group(struct store *s, const struct mado_config *cfg, int64_t group_id,
                                  int64_t actor_agent_id, int64_t ticket_id, const char *what, time_t now,
                                  struct mado_err *err)
{
	struct group_notice g = { s, cfg, actor_agent_id, ticket_id, what, now, err };
	return group_id ? people_group_members(s, group_id, notify_member, &g, err) : MADO_OK;
}

/* The ticket's assignee hears what (with detail); with nobody assigned,
 * its group hears group_what (NULL: nobody). */
static mado_status notify_ticket_agents(struct store *s, const struct mado_config *cfg, int64_t ticket_id,
                                        const char *what, const char *detail, const char *group_what, time_t now,
                                        struct mado_err *err)
{
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct store_ticket_work w;
	mado_status st = store_ticket_work_get(s, a, ticket_id, &w, err);
	if (!st && w.assignee_id)
		st = outgoing_notify_agent(s, cfg, w.assignee_id, 0, ticket_id, what, detail, now, err);
	else if (!st && w.group_id && group_what)
		st = outgoing_notify_group(s, cfg, w.group_id, 0, ticket_id, group_what, now, err);
	arena_free(a);
	return st;
}

mado_status outgoing_notify_assignee(struct store *s, const struct mado_config *cfg, int64_t ticket_id,
                                     const char *what, const char *detail, time_t now, struct mado_err *err)
{
	return notify_ticket_agents(s, cfg, ticket_id, what, detail, NULL, now, err);
}

mado_status outgoing_notify_routed(struct store *s, const struct mado_config *cfg, int64_t ticket_id, time_t now,
                                   struct mado_err *err)
{
	return notify_ticket_agents(s, cfg, ticket_id, "assigned", NULL, "new_in_group", now, err);
}
