/*
 * The template engine and the built-in texts. Rendering is one pass over
 * the source: text is copied, "{{ name }}" looked up in the variables and
 * replaced by its escaped value. Values are never rendered again, so a
 * customer whose name is "{{ticket.url}}" gets exactly that name.
 *
 * Rejected: a general template language (conditionals, loops). The mail
 * we write needs substitution only, and a smaller language is one an admin
 * cannot break and a fuzzer can cover.
 */
#include "core/template.h"

#include <string.h>

const char *const tpl_known[] = {
	"ticket.number", "ticket.subject", "ticket.token", "ticket.url", "ticket.status",
	"customer.name", "customer.email", "agent.name", "reply.body", "sla.first_response_hours",
	"survey.url", "support.name", "support.address", NULL,
};

const char *const tpl_names[] = { "ack", "reply", "status", "resolved", "reminder", NULL };

static const struct {
	const char *name, *lang, *subject, *body;
} defaults[] = {
	{ "ack", "en", "{{ticket.token}} We received your request: {{ticket.subject}}",
	  "Hello {{customer.name}},\n\n"
	  "thank you for contacting us. Your request is now ticket {{ticket.number}}:\n\n"
	  "  {{ticket.subject}}\n\n"
	  "We will answer within {{sla.first_response_hours}} hours. You can follow the ticket here:\n"
	  "{{ticket.url}}\n\n"
	  "To add anything, reply to this mail and keep {{ticket.token}} in the subject.\n\n"
	  "{{support.name}}\n" },
	{ "ack", "ja", "{{ticket.token}} お問い合わせを受け付けました: {{ticket.subject}}",
	  "{{customer.name}} 様\n\n"
	  "お問い合わせいただきありがとうございます。\n"
	  "以下の内容を受付番号 {{ticket.number}} として承りました。\n\n"
	  "  {{ticket.subject}}\n\n"
	  "{{sla.first_response_hours}}時間以内にご回答いたします。対応状況は次のページでご確認いただけます。\n"
	  "{{ticket.url}}\n\n"
	  "追加のご連絡は、件名の {{ticket.token}} を残したまま、このメールにご返信ください。\n\n"
	  "{{support.name}}\n" },
	{ "reply", "en", "Re: {{ticket.subject}} {{ticket.token}}", "{{reply.body}}\n\n-- \n{{agent.name}}\n{{support.name}}\n" },
	{ "reply", "ja", "Re: {{ticket.subject}} {{ticket.token}}", "{{reply.body}}\n\n-- \n{{agent.name}}\n{{support.name}}\n" },
	{ "status", "en", "{{ticket.token}} Your request is now {{ticket.status}}",
	  "Hello {{customer.name}},\n\nthe status of ticket {{ticket.number}} ({{ticket.subject}}) is now: "
	  "{{ticket.status}}.\n\n{{ticket.url}}\n\n{{support.name}}\n" },
	{ "status", "ja", "{{ticket.token}} お問い合わせの状況: {{ticket.status}}",
	  "{{customer.name}} 様\n\n受付番号 {{ticket.number}}（{{ticket.subject}}）の状況が「{{ticket.status}}」に"
	  "なりました。\n\n{{ticket.url}}\n\n{{support.name}}\n" },
	{ "resolved", "en", "{{ticket.token}} Resolved: {{ticket.subject}}",
	  "Hello {{customer.name}},\n\nwe consider ticket {{ticket.number}} ({{ticket.subject}}) resolved. "
	  "If anything is still wrong, just reply to this mail and the ticket opens again.\n\n"
	  "How did we do? Tell us in one click: {{survey.url}}\n\n{{support.name}}\n" },
	{ "resolved", "ja", "{{ticket.token}} 解決しました: {{ticket.subject}}",
	  "{{customer.name}} 様\n\n受付番号 {{ticket.number}}（{{ticket.subject}}）は解決済みとさせていただきました。"
	  "まだ問題がある場合は、このメールにご返信いただければ再度対応いたします。\n\n"
	  "対応はいかがでしたか。アンケートへのご協力をお願いいたします: {{survey.url}}\n\n{{support.name}}\n" },
	{ "reminder", "en", "{{ticket.token}} We are waiting for your answer: {{ticket.subject}}",
	  "Hello {{customer.name}},\n\nwe are still waiting for your answer on ticket {{ticket.number}} "
	  "({{ticket.subject}}). Reply to this mail to continue.\n\n{{ticket.url}}\n\n{{support.name}}\n" },
	{ "reminder", "ja", "{{ticket.token}} ご返信をお待ちしております: {{ticket.subject}}",
	  "{{customer.name}} 様\n\n受付番号 {{ticket.number}}（{{ticket.subject}}）について、ご返信をお待ちしております。"
	  "このメールにご返信ください。\n\n{{ticket.url}}\n\n{{support.name}}\n" },
};

bool tpl_default(const char *name, const char *language, const char **subject, const char **body)
{
	const char *lang = language && !strcmp(language, "ja") ? "ja" : "en";
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
		if (!strcmp(defaults[i].name, name) && !strcmp(defaults[i].lang, lang)) {
			*subject = defaults[i].subject;
			*body = defaults[i].body;
			return true;
		}
	return false;
}

static mado_status put_escaped(struct buf *out, const char *v, enum tpl_output mode)
{
	if (mode == TPL_TEXT)
		return buf_append_str(out, v);
	mado_status st = MADO_OK;
	for (const char *p = v; *p && !st; p++) {
		switch (*p) {
		case '&': st = buf_append_str(out, "&amp;"); break;
		case '<': st = buf_append_str(out, "&lt;"); break;
		case '>': st = buf_append_str(out, "&gt;"); break;
		case '"': st = buf_append_str(out, "&quot;"); break;
		case '\'': st = buf_append_str(out, "&#39;"); break;
		default: st = buf_append_char(out, *p); break;
		}
	}
	return st;
}

/* The placeholder at p ("{{"): its trimmed name, and where it ends. */
static bool placeholder_at(const char *p, struct str *name, const char **end)
{
	const char *close = strstr(p + 2, "}}");
	if (!close)
		return false;
	*name = str_trim(str_make(p + 2, (size_t)(close - p - 2)));
	*end = close + 2;
	return true;
}

mado_status tpl_render(const char *src, const struct tpl_var *vars, size_t nvars, enum tpl_output mode,
                       struct buf *out, struct mado_err *err)
{
	mado_status st = MADO_OK;
	const char *p = src;
	while (*p && !st) {
		const char *open = strstr(p, "{{");
		if (!open) {
			st = put_escaped(out, p, mode);
			break;
		}
		struct buf lit;
		buf_init(&lit, 0);
		st = buf_append(&lit, p, (size_t)(open - p));
		if (!st && lit.p)
			st = put_escaped(out, lit.p, mode);
		buf_free(&lit);
		struct str name;
		const char *end;
		if (!placeholder_at(open, &name, &end))
			return mado_fail(err, MADO_EINVAL, "unclosed {{ at offset %zu", (size_t)(open - src));
		for (size_t i = 0; i < nvars && !st; i++)
			if (str_eq(name, str_from_cstr(vars[i].name))) {
				st = put_escaped(out, vars[i].value ? vars[i].value : "", mode);
				break;
			}
		p = end;
	}
	return st;
}

mado_status tpl_text_to_html(const char *text, struct buf *out)
{
	mado_status st = buf_append_str(out, "<div>");
	for (const char *p = text; *p && !st; p++) {
		if (*p == '\n') {
			st = buf_append_str(out, "<br>\n");
		} else {
			char c[2] = { *p, 0 };
			st = put_escaped(out, c, TPL_HTML);
		}
	}
	return st ? st : buf_append_str(out, "</div>\n");
}

mado_status tpl_check(const char *src, struct mado_err *err)
{
	for (const char *p = strstr(src, "{{"); p; p = strstr(p, "{{")) {
		struct str name;
		const char *end;
		if (!placeholder_at(p, &name, &end))
			return mado_fail(err, MADO_EINVAL, "unclosed {{ at offset %zu", (size_t)(p - src));
		bool known = false;
		for (size_t i = 0; tpl_known[i] && !known; i++)
			known = str_eq(name, str_from_cstr(tpl_known[i]));
		if (!known)
			return mado_fail(err, MADO_EINVAL, "unknown placeholder {{%.*s}} (known: ticket.number, ticket.subject, "
			                 "ticket.token, ticket.url, ticket.status, customer.name, customer.email, agent.name, "
			                 "reply.body, sla.first_response_hours, survey.url, support.name, support.address)",
			                 (int)(name.len < 60 ? name.len : 60), name.p);
		p = end;
	}
	return MADO_OK;
}

/* Kana or CJK ideographs (U+3040..U+30FF, U+4E00..U+9FFF) in UTF-8. */
static bool has_japanese(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if ((p[0] == 0xE3 && p[1] >= 0x81 && p[1] <= 0x83) || (p[0] >= 0xE4 && p[0] <= 0xE9 && p[1] >= 0x80))
			return true;
	return false;
}

const char *tpl_language(const char *customer_language, const char *text)
{
	if (customer_language && *customer_language)
		return strncmp(customer_language, "ja", 2) ? "en" : "ja";
	return has_japanese(text) ? "ja" : "en";
}
