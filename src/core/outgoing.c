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
#include "mail/compose.h"
#include "mail/thread.h"
#include "store/store_outgoing.h"
#include "store/store_people.h"
#include "store/store_sla.h"
#include "store/store_tickets.h"
#include "util/clock.h"

/* The first of mailbox.addresses (arena). */
static const char *support_address(struct arena *a, const struct mado_config *cfg)
{
	const char *p = cfg->support_addresses;
	p += strspn(p, " ,");
	size_t l = strcspn(p, ", \t");
	return l ? arena_strndup(a, p, l) : "support@localhost";
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
	if (!in->to_email || !compose_address_ok(in->to_email)) {
		*why = "no plain sender address";
		return MADO_OK;
	}
	struct store_customer c;
	mado_status st = store_customer_get(in->store, a, in->to_email, &c, err);
	if (st && st != MADO_ENOTFOUND)
		return st;
	if (!st && c.bouncing) {
		*why = "the address bounces";
		return MADO_OK;
	}
	int64_t n = 0;
	time_t window = in->now - (time_t)cfg->auto_window_minutes * 60;
	if (cfg->ack_recipient_hours &&
	    (st = store_outbox_count(in->store, "ack", in->to_email, 0, in->now - (time_t)cfg->ack_recipient_hours * 3600,
	                             &n, err)))
		return st;
	if (n) {
		*why = "the address was acknowledged recently (ack.recipient_hours)";
		return MADO_OK;
	}
	if ((st = store_outbox_count(in->store, "auto", NULL, in->ticket_id, window, &n, err)))
		return st;
	if (n >= (int64_t)cfg->auto_per_ticket_max) {
		*why = "rate limit per ticket (auto.per_ticket_max)";
		return MADO_OK;
	}
	if ((st = store_outbox_count(in->store, "auto", NULL, 0, window, &n, err)))
		return st;
	if (n >= (int64_t)cfg->auto_global_max)
		*why = "rate limit (auto.global_max)";
	return MADO_OK;
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

mado_status outgoing_ticket_vars(struct store *s, struct arena *a, const struct mado_config *cfg, int64_t ticket_id,
                                 const char *agent_name, const char *text, struct outgoing_vars *v,
                                 struct mado_err *err)
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
	v->language = tpl_language(lang, guess.p);
	const char *support = support_address(a, cfg);
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
		{ "survey.url", "" },
		{ "support.name", *cfg->from_name ? cfg->from_name : support },
		{ "support.address", support },
	};
	memcpy(v->vars, vars, sizeof vars);
	v->n = sizeof vars / sizeof vars[0];
	buf_free(&token);
	buf_free(&url);
	buf_free(&guess);
	return MADO_OK;
}

static mado_status render_ack(const struct outgoing_ack *in, struct arena *a, struct rendered *r,
                              struct mado_err *err)
{
	struct outgoing_vars v;
	mado_status st = outgoing_ticket_vars(in->store, a, in->cfg, in->ticket_id, NULL, in->text, &v, err);
	const char *tsubj, *tbody;
	if (!st && !(st = load_template(in->store, a, "ack", v.language, &tsubj, &tbody, err)) &&
	    !(st = tpl_render(tsubj, v.vars, v.n, TPL_TEXT, &r->subject, err)) &&
	    !(st = tpl_render(tbody, v.vars, v.n, TPL_TEXT, &r->text, err)))
		st = tpl_text_to_html(r->text.p ? r->text.p : "", &r->html);
	return st;
}

static void add_header(json_t *h, const char *name, const char *value)
{
	json_array_append_new(h, json_pack("[s, s]", name, value));
}

/* Queue the ack (and register its Message-ID for threading). */
static mado_status queue_ack(const struct outgoing_ack *in, struct arena *a, const struct rendered *r,
                             struct mado_err *err)
{
	struct store *s = in->store;
	const char *from = support_address(a, in->cfg);
	struct buf mid, reply_to;
	buf_init(&mid, 0);
	buf_init(&reply_to, 0);
	char tag[32];
	snprintf(tag, sizeof tag, "%" PRId64, in->ticket_id);
	compose_new_message_id(tag, in->cfg->msgid_domain, &mid);
	thread_sign_address(in->key, from, in->ticket_id, &reply_to);
	json_t *h = json_array(), *refs = json_loads(in->references_json ? in->references_json : "[]", 0, NULL);
	if (!json_is_array(refs)) {
		json_decref(refs);
		refs = json_array();
	}
	if (in->in_reply_to && *in->in_reply_to)
		json_array_append_new(refs, json_string(in->in_reply_to));
	struct buf refs_h, angle;
	buf_init(&refs_h, 0);
	buf_init(&angle, 0);
	for (size_t i = 0; i < json_array_size(refs); i++)
		buf_printf(&refs_h, "%s<%s>", i ? " " : "", json_string_value(json_array_get(refs, i)));
	add_header(h, "From", from);
	json_array_append_new(h, json_pack("[s, [{s:s, s:s}]]", "To", "name", in->to_name ? in->to_name : "", "email",
	                                   in->to_email));
	add_header(h, "Reply-To", reply_to.p ? reply_to.p : from);
	add_header(h, "Subject", r->subject.p ? r->subject.p : "");
	buf_printf(&angle, "<%s>", mid.p);
	add_header(h, "Message-ID", angle.p);
	if (in->in_reply_to && *in->in_reply_to) {
		buf_reset(&angle);
		buf_printf(&angle, "<%s>", in->in_reply_to);
		add_header(h, "In-Reply-To", angle.p);
		add_header(h, "References", refs_h.p);
	}
	add_header(h, "Auto-Submitted", "auto-replied");
	if (*in->cfg->loop_header)
		add_header(h, in->cfg->loop_header, "1");
	char *headers = json_dumps(h, JSON_COMPACT);
	json_t *rc = json_pack("[s]", in->to_email);
	char *rcpt = json_dumps(rc, JSON_COMPACT);
	/* not a message of the conversation: only its Message-ID is kept, so
	 * that an answer to the ack threads */
	mado_status st = store_thread_add(s, mid.p, in->ticket_id, err);
	int64_t ob = 0;
	if (!st) {
		struct store_outbox_new o = {
			.ticket_id = in->ticket_id,
			.mail_from = "",   /* null envelope sender: bounces of acks vanish (RFC 3834) */
			.rcpt_json = rcpt,
			.headers_json = headers,
			.body_text = r->text.p ? r->text.p : "",
			.attachments_json = "[]",
			.now = in->now,
			.kind = "ack",
			.recipient = in->to_email,
			.body_html = r->html.p,
			.charset = in->cfg->mail_charset,
		};
		st = store_outbox_add(s, &o, &ob, err);
	}
	if (!st) {
		char v[340];
		snprintf(v, sizeof v, "queued to %s", in->to_email);
		st = store_event_add(s, in->ticket_id, "system", "ack", "", NULL, v, in->now, err);
	}
	free(headers);
	free(rcpt);
	json_decref(h);
	json_decref(refs);
	json_decref(rc);
	buf_free(&mid);
	buf_free(&reply_to);
	buf_free(&refs_h);
	buf_free(&angle);
	return st;
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
		char v[200];
		snprintf(v, sizeof v, "suppressed: %s", why);
		st = store_event_add(in->store, in->ticket_id, "system", "ack", "", NULL, v, in->now, err);
	} else if (!st) {
		struct rendered r;
		buf_init(&r.subject, 0);
		buf_init(&r.text, 0);
		buf_init(&r.html, 0);
		st = render_ack(in, a, &r, err);
		if (!st)
			st = queue_ack(in, a, &r, err);
		buf_free(&r.subject);
		buf_free(&r.text);
		buf_free(&r.html);
	}
	arena_free(a);
	return st;
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
	if (st || ag.disabled || !wanted(&n, what) || !compose_address_ok(ag.email)) {
		arena_free(a);
		return st;
	}
	bool ja = ag.language && !strncmp(ag.language, "ja", 2);
	struct buf token, url, subject, body, mid, angle;
	buf_init(&token, 0);
	buf_init(&url, 0);
	buf_init(&subject, 0);
	buf_init(&body, 0);
	buf_init(&mid, 0);
	buf_init(&angle, 0);
	thread_token_format(cfg->subject_token, ticket_id, &token);
	thread_token_format(cfg->ticket_url, ticket_id, &url);
	const char *label = ja ? notices[k].ja : notices[k].en;
	buf_printf(&subject, "%s %s: %s", token.p, label, t.subject);
	buf_printf(&body, "%s\n\n%s %s\n%s%s\n%s\n", label, token.p, t.subject, ja ? "お客様: " : "Customer: ",
	           t.customer_email, url.p ? url.p : "");
	if (detail && *detail)
		buf_printf(&body, "\n%s\n", detail);
	compose_new_message_id("n", cfg->msgid_domain, &mid);
	buf_printf(&angle, "<%s>", mid.p);
	json_t *h = json_array();
	add_header(h, "From", support_address(a, cfg));
	json_array_append_new(h, json_pack("[s, [{s:s, s:s}]]", "To", "name", ag.name, "email", ag.email));
	add_header(h, "Subject", subject.p);
	add_header(h, "Message-ID", angle.p);
	add_header(h, "Auto-Submitted", "auto-generated");
	if (*cfg->loop_header)
		add_header(h, cfg->loop_header, "1");
	json_t *rc = json_pack("[s]", ag.email);
	char *headers = json_dumps(h, JSON_COMPACT), *rcpt = json_dumps(rc, JSON_COMPACT);
	int64_t ob = 0;
	struct store_outbox_new o = {
		.ticket_id = ticket_id,
		.agent_id = agent_id,
		.mail_from = "",
		.rcpt_json = rcpt,
		.headers_json = headers,
		.body_text = body.p,
		.attachments_json = "[]",
		.now = now,
		.kind = "notification",
		.recipient = ag.email,
		.charset = "utf-8",
	};
	st = store_outbox_add(s, &o, &ob, err);
	free(headers);
	free(rcpt);
	json_decref(h);
	json_decref(rc);
	buf_free(&token);
	buf_free(&url);
	buf_free(&subject);
	buf_free(&body);
	buf_free(&mid);
	buf_free(&angle);
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

mado_status outgoing_notify_assignee(struct store *s, const struct mado_config *cfg, int64_t ticket_id,
                                     const char *what, const char *detail, time_t now, struct mado_err *err)
{
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct store_ticket_work w;
	mado_status st = store_ticket_work_get(s, a, ticket_id, &w, err);
	if (!st && w.assignee_id)
		st = outgoing_notify_agent(s, cfg, w.assignee_id, 0, ticket_id, what, detail, now, err);
	arena_free(a);
	return st;
}

mado_status outgoing_notify_routed(struct store *s, const struct mado_config *cfg, int64_t ticket_id, time_t now,
                                   struct mado_err *err)
{
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct store_ticket_work w;
	mado_status st = store_ticket_work_get(s, a, ticket_id, &w, err);
	if (!st && w.assignee_id)
		st = outgoing_notify_agent(s, cfg, w.assignee_id, 0, ticket_id, "assigned", NULL, now, err);
	else if (!st && w.group_id)
		st = outgoing_notify_group(s, cfg, w.group_id, 0, ticket_id, "new_in_group", now, err);
	arena_free(a);
	return st;
}
