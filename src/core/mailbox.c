/*
 * Mailboxes (see mailbox.h). The set is small (a handful of addresses):
 * lists and linear scans, reloaded whole when it may have changed.
 */
#include "core/mailbox.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/compose.h"
#include "util/arena.h"
#include "util/buf.h"

static char *lower_dup(struct arena *a, const char *s, size_t n)
{
	char *r = arena_strndup(a, s, n);
	for (char *q = r; q && *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q + 32);
	return r;
}

/* Does email reach address: the same, or address's local part + "+tag"
 * at the same domain? */
static bool reaches(const char *address, const char *email)
{
	if (!strcasecmp(address, email))
		return true;
	const char *plus = strchr(email, '+'), *at = strrchr(email, '@'), *oat = strrchr(address, '@');
	if (!plus || !at || !oat || plus > at)
		return false;
	size_t local = (size_t)(oat - address);
	return (size_t)(plus - email) == local && !strncasecmp(email, address, local) && !strcasecmp(at, oat);
}

const struct mailbox *mailbox_match(const struct mailbox_set *ms, const char *email)
{
	for (size_t i = 0; email && i < ms->n; i++)
		if (ms->v[i].active && reaches(ms->v[i].address, email))
			return &ms->v[i];
	return NULL;
}

bool mailbox_is_own(const struct mailbox_set *ms, const char *email)
{
	for (size_t i = 0; email && i < ms->n_own; i++)
		if (reaches(ms->own[i], email))
			return true;
	return false;
}

struct growing {
	struct mailbox_set *ms;
	size_t cap, own_cap;
};

static mado_status add_own(struct growing *g, const char *address)
{
	struct mailbox_set *ms = g->ms;
	if (!*address)
		return MADO_OK;
	for (size_t i = 0; i < ms->n_own; i++)
		if (!strcasecmp(ms->own[i], address))
			return MADO_OK;
	if (array_reserve_one((void **)&ms->own, &g->own_cap, ms->n_own, sizeof *ms->own))
		return MADO_ENOMEM;
	ms->own[ms->n_own] = lower_dup(ms->a, address, strlen(address));
	return ms->own[ms->n_own++] ? MADO_OK : MADO_ENOMEM;
}

static mado_status add_mailbox(void *ctx, const struct store_mailbox *m)
{
	struct growing *g = ctx;
	struct mailbox_set *ms = g->ms;
	if (array_reserve_one((void **)&ms->v, &g->cap, ms->n, sizeof *ms->v))
		return MADO_ENOMEM;
	ms->v[ms->n++] = (struct mailbox){ m->id, m->group_id, lower_dup(ms->a, m->address, strlen(m->address)),
		                               m->name, m->reply_address, m->active };
	mado_status st = add_own(g, m->address);
	return st ? st : add_own(g, m->reply_address);
}

/* mado.conf's mailbox.addresses, split on commas and blanks, each passed
 * to fn as a mailbox (active, named mailbox.from_name). */
static mado_status each_conf_address(struct arena *a, const struct mado_config *cfg,
                                     mado_status (*fn)(void *, const struct store_mailbox *), void *ctx)
{
	mado_status st = MADO_OK;
	for (const char *p = cfg->support_addresses; !st;) {
		p += strspn(p, ", \t");
		size_t l = strcspn(p, ", \t");
		if (!l)
			break;
		struct store_mailbox m = { .address = lower_dup(a, p, l), .name = cfg->from_name, .reply_address = "",
			                       .group_name = "", .active = true };
		st = m.address ? fn(ctx, &m) : MADO_ENOMEM;
		p += l;
	}
	return st;
}

static mado_status add_conf_own(void *ctx, const struct store_mailbox *m)
{
	return add_own(ctx, m->address);
}

mado_status mailbox_set_load(struct store *s, const struct mado_config *cfg, struct mailbox_set *ms,
                             struct mado_err *err)
{
	memset(ms, 0, sizeof *ms);
	if (!(ms->a = arena_new()))
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct growing g = { ms, 0, 0 };
	mado_status st = store_mailbox_list(s, ms->a, add_mailbox, &g, err);
	if (!st && ms->n == 0)
		st = each_conf_address(ms->a, cfg, add_mailbox, &g);
	if (!st)
		st = each_conf_address(ms->a, cfg, add_conf_own, &g);
	if (st == MADO_ENOMEM)
		return mado_fail(err, st, "out of memory");
	return st;
}

void mailbox_set_free(struct mailbox_set *ms)
{
	free(ms->v);
	free(ms->own);
	arena_free(ms->a);
	memset(ms, 0, sizeof *ms);
}

struct seeding {
	struct store *s;
	struct mado_err *err;
};

static mado_status seed_one(void *ctx, const struct store_mailbox *m)
{
	struct seeding *sd = ctx;
	int64_t id = 0;
	mado_status st = store_mailbox_find(sd->s, m->address, &id, sd->err);
	if (st || id || !compose_address_ok(m->address))
		return st; /* listed twice, or not an address we could send from */
	struct store_mailbox_in in = { m->address, m->name, "", 0, true };
	return store_mailbox_add(sd->s, &in, time(NULL), &id, sd->err);
}

mado_status mailbox_seed(struct store *s, const struct mado_config *cfg, struct mado_err *err)
{
	int64_t n = 0;
	mado_status st = store_mailbox_count(s, &n, err);
	if (st || n)
		return st;
	struct arena *a = arena_new();
	if (!a)
		return mado_fail(err, MADO_ENOMEM, "out of memory");
	struct seeding sd = { s, err };
	/* counted again inside: another process may have seeded meanwhile */
	if (!(st = store_begin(s, err)) && !(st = store_mailbox_count(s, &n, err)) && !n)
		st = each_conf_address(a, cfg, seed_one, &sd);
	st = st ? st : store_commit(s, err);
	if (st)
		store_rollback(s);
	arena_free(a);
	return st == MADO_ENOMEM ? mado_fail(err, st, "out of memory") : st;
}

/* The ticket's mailbox when active, else the first active one. */
static const struct mailbox *sender_mailbox(const struct mailbox_set *ms, const char *address)
{
	const struct mailbox *m = *address ? mailbox_match(ms, address) : NULL;
	for (size_t i = 0; !m && i < ms->n; i++)
		if (ms->v[i].active)
			m = &ms->v[i];
	return m;
}

mado_status mailbox_sender_of(struct store *s, struct arena *a, const struct mado_config *cfg, int64_t ticket,
                              struct mailbox_sender *out, struct mado_err *err)
{
	struct mailbox_set ms;
	const char *address = "", *group_name;
	int64_t group = 0;
	mado_status st = mailbox_set_load(s, cfg, &ms, err);
	if (!st && ticket)
		st = store_ticket_mailbox_get(s, a, ticket, &address, &group, &group_name, err);
	if (st) {
		mailbox_set_free(&ms);
		return st;
	}
	const struct mailbox *m = sender_mailbox(&ms, address);
	const char *email = !m ? "support@localhost" : *m->reply_address ? m->reply_address : m->address;
	const char *name = m && *m->name ? m->name : cfg->from_name;
	out->email = arena_strdup(a, email);
	out->name = arena_strdup(a, name);
	mailbox_set_free(&ms);
	return out->email && out->name ? MADO_OK : mado_fail(err, MADO_ENOMEM, "out of memory");
}

/* ---- validation ---- */

static bool refuse(struct mailbox_refusal *why, const char *field, const char *en, const char *ja)
{
	*why = (struct mailbox_refusal){ field, en, ja };
	return false;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

bool mailbox_check(const struct store_mailbox_in *in, struct mailbox_refusal *why)
{
	if (!in->address || !*in->address)
		return refuse(why, "address", "address is required", "アドレスを入力してください");
	if (strpbrk(in->address, "\r\n"))
		return refuse(why, "address", "address must not contain a line break",
		              "アドレスに改行を含めることはできません");
	if (!compose_address_ok(in->address))
		return refuse(why, "address", "address must be a plain email address such as support@example.com",
		              "アドレスは support@example.com のようなメールアドレスにしてください");
	if (in->reply_address && strpbrk(in->reply_address, "\r\n"))
		return refuse(why, "reply_address", "reply_address must not contain a line break",
		              "返信元アドレスに改行を含めることはできません");
	if (in->reply_address && *in->reply_address && !compose_address_ok(in->reply_address))
		return refuse(why, "reply_address", "reply_address must be empty or a plain email address",
		              "返信元アドレスは空にするか、メールアドレスにしてください");
	if (in->name && has_control(in->name))
		return refuse(why, "name", "name must not contain line breaks or control characters",
		              "表示名に改行や制御文字を含めることはできません");
	if (in->name && strlen(in->name) > MAILBOX_NAME_MAX)
		return refuse(why, "name", "name must be at most 200 bytes", "表示名は 200 バイト以内にしてください");
	return true;
}
