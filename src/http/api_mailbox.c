/*
 * The mailbox settings as the server runs with them (admins), read-only:
 *
 *   GET /api/v1/admin/mailbox   {"addresses", "reply_address", "msgid_domain",
 *                                "from_name", "charset", "subject_token"}
 *
 * They live in mado.conf (docs/configuration.md), read once at start-up
 * and shared by every thread without a lock; changing them while serving
 * would need both, so the admin page shows them and says where to edit.
 */
#include <jansson.h>
#include <string.h>

#include "http/api.h"
#include "http/server_internal.h"
#include "store/workspace.h"

/* mailbox.addresses split on commas and blanks, in order. */
static json_t *address_list(const char *s)
{
	json_t *arr = json_array();
	for (;;) {
		s += strspn(s, ", \t");
		size_t l = strcspn(s, ", \t");
		if (!l)
			return arr;
		json_array_append_new(arr, json_stringn(s, l));
		s += l;
	}
}

void api_mailbox_show(struct http_req *req, struct http_resp *resp)
{
	const struct mado_config *cfg = &req->srv->ws->cfg;
	json_t *addrs = address_list(cfg->support_addresses);
	json_t *first = json_array_get(addrs, 0);
	http_json(resp, 200, json_pack("{s:o, s:s, s:s, s:s, s:s, s:s}", "addresses", addrs, "reply_address",
	                               first ? json_string_value(first) : "support@localhost", "msgid_domain",
	                               cfg->msgid_domain, "from_name", cfg->from_name, "charset", cfg->mail_charset,
	                               "subject_token", cfg->subject_token));
}
