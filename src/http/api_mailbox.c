/*
 * Mailboxes (admins; docs/api/mailboxes.md):
 *
 *   GET    /api/v1/admin/mailboxes        {"mailboxes": [mailbox...]}
 *   POST   /api/v1/admin/mailboxes        {"address", "name"?, "reply_address"?,
 *                                          "group_id"?, "active"?} → 201 mailbox
 *   PATCH  /api/v1/admin/mailboxes/:id    any of those fields → mailbox
 *   DELETE /api/v1/admin/mailboxes/:id    (never the last one: 409)
 *   GET    /api/v1/admin/mailbox          the outgoing-mail settings of
 *                                          mado.conf with the default mailbox
 *
 * A refusal says which field and why in English and Japanese:
 * {"error": {"code", "field", "message", "message_ja"}}. Changes take
 * effect at once: intake reads the mailboxes per batch and outgoing mail
 * per mail (core/mailbox.h).
 */
#include <jansson.h>
#include <string.h>
#include <time.h>

#include "core/mailbox.h"
#include "core/view.h"
#include "http/api.h"
#include "http/api_util.h"
#include "http/server_internal.h"
#include "store/store_tickets.h"
#include "store/workspace.h"

static json_t *mailbox_json(const struct store_mailbox *m)
{
	char c[40], u[40];
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:s, s:s}", "id", (json_int_t)m->id, "address", m->address,
	                 "name", m->name, "reply_address", m->reply_address, "group_id",
	                 m->group_id ? json_integer(m->group_id) : json_null(), "group",
	                 *m->group_name ? json_string(m->group_name) : json_null(), "active", m->active, "created_at",
	                 view_time(m->created_at, c, sizeof c), "updated_at", view_time(m->updated_at, u, sizeof u));
}

/* {"error": {code, field, message, message_ja}} */
static void refuse(struct http_resp *resp, int status, const char *code, const struct mailbox_refusal *why)
{
	http_json(resp, status, json_pack("{s:{s:s, s:s, s:s, s:s}}", "error", "code", code, "field", why->field,
	                                  "message", why->en, "message_ja", why->ja));
}

static mado_status add_json(void *ctx, const struct store_mailbox *m)
{
	return json_array_append_new(ctx, mailbox_json(m)) ? MADO_ENOMEM : MADO_OK;
}

void api_mailboxes_list(struct http_req *req, struct http_resp *resp)
{
	struct mado_err err;
	json_t *arr = json_array();
	/* a workspace that has not run intake yet shows mado.conf's too */
	mado_status st = mailbox_seed(req->store, &req->srv->ws->cfg, &err);
	if (!st)
		st = store_mailbox_list(req->store, req->arena, add_json, arr, &err);
	api_send_result(resp, 200, st, json_pack("{s:o}", "mailboxes", arr), &err, NULL);
}

static char *lower(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s);
	for (char *q = r; q && *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q + 32);
	return r;
}

/* Apply the body's fields to in (defaults, or the row being edited);
 * false with *why when one is unknown or of the wrong type. */
static bool read_fields(struct arena *a, json_t *j, struct store_mailbox_in *in, bool *null_group,
                        struct mailbox_refusal *why)
{
	const char *k;
	json_t *v;
	*null_group = false;
	json_object_foreach(j, k, v) {
		bool text = !strcmp(k, "address") || !strcmp(k, "name") || !strcmp(k, "reply_address");
		if (text && !json_is_string(v)) {
			*why = (struct mailbox_refusal){ k, "must be a string", "文字列で指定してください" };
			return false;
		}
		if (!strcmp(k, "address")) {
			in->address = lower(a, json_string_value(v));
		} else if (!strcmp(k, "name")) {
			in->name = arena_strdup(a, json_string_value(v));
		} else if (!strcmp(k, "reply_address")) {
			in->reply_address = lower(a, json_string_value(v));
		} else if (!strcmp(k, "group_id") && (json_is_null(v) || json_is_integer(v))) {
			in->group_id = json_is_integer(v) ? json_integer_value(v) : 0;
			*null_group = json_is_null(v) || in->group_id <= 0;
		} else if (!strcmp(k, "active") && json_is_boolean(v)) {
			in->active = json_is_true(v);
		} else {
			bool known = !strcmp(k, "group_id") || !strcmp(k, "active");
			*why = known ? (struct mailbox_refusal){ k, "group_id must be a number or null, active true or false",
				                                      "group_id は数値か null、active は true か false です" }
			             : (struct mailbox_refusal){ k, "unknown field (address, name, reply_address, group_id, active)",
				                                      "不明な項目です (address, name, reply_address, group_id, active)" };
			return false;
		}
	}
	return true;
}

/* Everything a write must satisfy that needs the database: the group
 * exists, no other mailbox has the address. 0 when it may go on, else
 * the status of the answer already sent. */
static int check_in_store(struct http_req *req, struct http_resp *resp, const struct store_mailbox_in *in,
                          int64_t self, struct mado_err *err, mado_status *st)
{
	bool exists = true;
	int64_t other = 0;
	if (in->group_id && (*st = store_group_exists(req->store, in->group_id, &exists, err)))
		return 500;
	if (!exists) {
		refuse(resp, 400, "bad_field",
		       &(struct mailbox_refusal){ "group_id", "no such group", "そのグループはありません" });
		return 400;
	}
	if ((*st = store_mailbox_find(req->store, in->address, &other, err)))
		return 500;
	if (other && other != self) {
		refuse(resp, 409, "duplicate",
		       &(struct mailbox_refusal){ "address", "another mailbox already has this address",
		                                  "このアドレスのメールボックスは既にあります" });
		return 409;
	}
	return 0;
}

/* Validate and write (create when id is 0), answer with the row. */
static void write_mailbox(struct http_req *req, struct http_resp *resp, int64_t id, struct store_mailbox_in *in,
                          json_t *j)
{
	struct mailbox_refusal why;
	bool null_group;
	if (!read_fields(req->arena, j, in, &null_group, &why) || !mailbox_check(in, &why)) {
		refuse(resp, 400, "bad_field", &why);
		return;
	}
	if (null_group)
		in->group_id = 0;
	int status = id ? 200 : 201, refused = 0;
	bool found = true;
	struct mado_err err;
	mado_status st = store_begin(req->store, &err);
	if (!st)
		refused = check_in_store(req, resp, in, id, &err, &st);
	if (!st && !refused)
		st = id ? store_mailbox_update(req->store, id, in, time(NULL), &found, &err)
		        : store_mailbox_add(req->store, in, time(NULL), &id, &err);
	if (!st && !refused && found)
		st = store_commit(req->store, &err); /* rolls back when it fails */
	else
		store_rollback(req->store);
	if (refused && !st)
		return;
	struct store_mailbox m;
	if (!st && !found)
		st = mado_fail(&err, MADO_ENOTFOUND, "no such mailbox");
	if (!st)
		st = store_mailbox_get(req->store, req->arena, id, &m, &err);
	api_send_result(resp, status, st, st ? NULL : mailbox_json(&m), &err, "no such mailbox");
}

void api_mailbox_create(struct http_req *req, struct http_resp *resp)
{
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	struct store_mailbox_in in = { "", "", "", 0, true };
	struct mado_err err;
	/* mado.conf's addresses first, so that creating one does not hide them */
	mado_status st = mailbox_seed(req->store, &req->srv->ws->cfg, &err);
	if (st)
		api_send_result(resp, 0, st, NULL, &err, NULL);
	else
		write_mailbox(req, resp, 0, &in, j);
	json_decref(j);
}

void api_mailbox_update(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0);
	json_t *j = http_body_json(req, resp);
	if (!j)
		return;
	struct store_mailbox m;
	struct mado_err err;
	mado_status st = store_mailbox_get(req->store, req->arena, id, &m, &err);
	if (st) {
		api_send_result(resp, 0, st, NULL, &err, "no such mailbox");
	} else {
		struct store_mailbox_in in = { m.address, m.name, m.reply_address, m.group_id, m.active };
		write_mailbox(req, resp, id, &in, j);
	}
	json_decref(j);
}

void api_mailbox_delete(struct http_req *req, struct http_resp *resp)
{
	int64_t id = http_param_id(req, 0), n = 0;
	bool found = false;
	struct store_mailbox m;
	struct mado_err err;
	mado_status st = store_begin(req->store, &err);
	if (!st && !(st = store_mailbox_get(req->store, req->arena, id, &m, &err)))
		st = store_mailbox_count(req->store, &n, &err);
	if (!st && n <= 1) {
		store_rollback(req->store);
		refuse(resp, 409, "last_mailbox",
		       &(struct mailbox_refusal){ "id", "the last mailbox cannot be deleted: add another first",
		                                  "最後のメールボックスは削除できません。先に別のものを追加してください" });
		return;
	}
	if (!st)
		st = store_mailbox_delete(req->store, id, &found, &err);
	if (!st)
		st = store_commit(req->store, &err); /* rolls back when it fails */
	else
		store_rollback(req->store);
	api_send_result(resp, 200, st, st ? NULL : json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1), &err,
	                "no such mailbox");
}

/* The outgoing-mail settings (mado.conf) with the active addresses and
 * the default mailbox's From. */
void api_mailbox_show(struct http_req *req, struct http_resp *resp)
{
	const struct mado_config *cfg = &req->srv->ws->cfg;
	struct mailbox_set ms;
	struct mailbox_sender from;
	struct mado_err err;
	mado_status st = mailbox_set_load(req->store, cfg, &ms, &err);
	if (!st)
		st = mailbox_sender_of(req->store, req->arena, cfg, 0, &from, &err);
	json_t *addrs = json_array();
	for (size_t i = 0; !st && i < ms.n; i++)
		if (ms.v[i].active)
			json_array_append_new(addrs, json_string(ms.v[i].address));
	mailbox_set_free(&ms);
	if (st) {
		json_decref(addrs);
		api_send_result(resp, 200, st, NULL, &err, NULL);
		return;
	}
	http_json(resp, 200, json_pack("{s:o, s:s, s:s, s:s, s:s, s:s}", "addresses", addrs, "reply_address", from.email,
	                               "msgid_domain", cfg->msgid_domain, "from_name", from.name, "charset",
	                               cfg->mail_charset, "subject_token", cfg->subject_token));
}
