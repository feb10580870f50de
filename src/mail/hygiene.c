/*
 * Mail hygiene: decide whether a parsed message was written by a machine
 * (auto-responder, bounce, feedback loop, mailing list, bulk sender, our
 * own system, a loop) or is spam, and therefore whether Mado may ever
 * answer it automatically (RFC 3834 §2, RFC 5321 §6.3, RFC 2919).
 *
 * How. Each rule reads top-level header fields (and, for bounces, the
 * report parts and body text through bounce.c) and, when it fires, sets
 * a flag and appends a human-readable reason. The kind is the strongest
 * flag (loop > bounce > delayed > delivered > feedback > auto-reply >
 * spam > list > bulk > system). may_auto_answer is true only when no flag
 * fired: every flag here means "a machine wrote this or it goes to many",
 * and answering any of those risks a mail loop or backscatter.
 *
 * Weak signals are never enough alone: an out-of-office Subject or
 * vacation wording in the body (a customer may well write "不在" or
 * "undeliverable") only counts together with another signal, and
 * X-MS-Exchange-Inbox-Rules-Loop alone (also set when an inbox rule
 * forwards a person's mail) does not make an auto-reply.
 */
#include "mail/hygiene.h"

#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "mail/bounce.h"
#include "util/buf.h"

void hygiene_config_default(struct hygiene_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->own_addresses = NULL;
	cfg->n_own_addresses = 0;
	cfg->own_msgid_domain = NULL;
	cfg->loop_header = "X-Mado-Loop";
	cfg->max_received = 50;
	cfg->trust_spam_headers = false;
	cfg->spam_threshold = 5.0;
}

/* ------------------------------------------------------------------ */

struct why {
	struct buf b;
	bool oom;
};

static void why(struct why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why(struct why *w, const char *fmt, ...)
{
	va_list ap;
	if (w->b.len && buf_append_str(&w->b, "; ") == MADO_ENOMEM)
		w->oom = true;
	va_start(ap, fmt);
	if (buf_vprintf(&w->b, fmt, ap) == MADO_ENOMEM)
		w->oom = true;
	va_end(ap);
}

static const char *hval(const struct mail_header *h)
{
	return h->value ? h->value : h->raw ? h->raw : "";
}

/* The first token of a header value, lower case, at most n-1 bytes:
 * "auto-replied (vacation)" -> "auto-replied". */
static void first_token(const char *v, char *out, size_t n)
{
	while (*v == ' ' || *v == '\t')
		v++;
	size_t k = 0;
	while (v[k] && k + 1 < n && !isspace((unsigned char)v[k]) && v[k] != ';' && v[k] != '(' &&
	       v[k] != ',')
		out[k] = (char)tolower((unsigned char)v[k]), k++;
	out[k] = '\0';
}

/* A decimal number at the start of s (after spaces): [+-]digits[.digits].
 * Locale-independent, unlike strtod. */
static bool parse_number(const char *s, double *out)
{
	while (*s == ' ' || *s == '\t')
		s++;
	double sign = 1;
	if (*s == '-' || *s == '+') {
		if (*s == '-')
			sign = -1;
		s++;
	}
	if (!isdigit((unsigned char)*s) && !(*s == '.' && isdigit((unsigned char)s[1])))
		return false;
	double v = 0;
	int digits = 0;
	while (isdigit((unsigned char)*s) && digits < 12) {
		v = v * 10 + (*s - '0');
		s++;
		digits++;
	}
	if (*s == '.') {
		s++;
		double f = 0.1;
		while (isdigit((unsigned char)*s)) {
			v += (*s - '0') * f;
			f /= 10;
			s++;
		}
	}
	*out = sign * v;
	return true;
}

static bool ieq(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

static bool icontains(const char *hay, const char *needle)
{
	return str_ifind(str_from_cstr(hay), needle) != (size_t)-1;
}

/* ------------------------------------------------------------------ */
/* Auto-replies                                                        */

static const char *const oof_subject_prefix[] = {
	"out of office", "out of the office", "automatic reply", "auto:", "autoreply", "auto reply",
	"auto-reply", "auto response", "autoresponse", "auto-response", "away from", "vacation",
	"on vacation", "abwesenheitsnotiz", "abwesend", "réponse automatique", "risposta automatica",
	"respuesta automática", "automatisch antwoord", "automatiskt svar", "不在", "自動応答",
	"自動返信", "自動送信", "休暇", "외출", "自动回复", NULL,
};

static const char *const vacation_body[] = {
	"out of the office", "out of office", "i am currently away", "i'm currently away",
	"i am away", "i will be away", "i am on vacation", "i'm on vacation", "on annual leave",
	"on leave until", "limited access to email", "limited access to e-mail",
	"will respond to your message", "will reply to your message", "upon my return",
	"when i return", "back in the office", "return to the office", "returning to the office",
	"this is an automatic reply", "this is an automated reply", "this is an auto-reply",
	"automatic response", "auto-generated response", "不在にしております", "不在のため",
	"休暇をいただいて", "休暇中", "自動返信", "自動応答", "出張のため", NULL,
};

static bool starts_any(const char *s, const char *const *list)
{
	struct str v = str_trim(str_from_cstr(s));
	/* "RE: Automatic reply:" is someone answering an auto-reply: still a person */
	for (size_t i = 0; list[i]; i++)
		if (str_istarts(v, list[i]))
			return true;
	return false;
}

static bool contains_any(const char *s, size_t maxlen, const char *const *list)
{
	size_t n = strlen(s);
	struct str v = str_make(s, n < maxlen ? n : maxlen);
	for (size_t i = 0; list[i]; i++)
		if (str_ifind(v, list[i]) != (size_t)-1)
			return true;
	return false;
}

static void check_auto_reply(const struct mail_msg *m, unsigned *flags, struct why *w)
{
	bool strong = false, weak = false;
	const struct mail_header *h;

	/* RFC 3834: any value other than "no" */
	for (size_t i = 0; i < m->nheaders; i++) {
		h = &m->headers[i];
		if (!ieq(h->name, "Auto-Submitted"))
			continue;
		char tok[32];
		first_token(hval(h), tok, sizeof tok);
		if (strcmp(tok, "no") != 0) {
			why(w, "Auto-Submitted: %s", *tok ? tok : "(empty)");
			strong = true;
		}
		break;
	}
	static const char *const yes_headers[] = {
		"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-AutoReply-From",
		"X-Mail-Autoreply", "X-Vacation", "X-Autorespond-Thread", NULL,
	};
	for (size_t i = 0; yes_headers[i]; i++) {
		h = mail_header_find(m, yes_headers[i]);
		if (!h)
			continue;
		char tok[16];
		first_token(hval(h), tok, sizeof tok);
		if (strcmp(tok, "no") == 0 || strcmp(tok, "false") == 0 || strcmp(tok, "0") == 0)
			continue;
		why(w, "%s header", yes_headers[i]);
		strong = true;
	}
	h = mail_header_find(m, "X-Auto-Response-Suppress");
	if (h) {
		/* comma-separated: DR, NDR, RN, NRN, OOF, AutoReply, All */
		const char *v = hval(h);
		bool hit = false;
		for (const char *p = v; *p;) {
			while (*p == ' ' || *p == ',' || *p == '\t')
				p++;
			size_t k = 0;
			while (p[k] && p[k] != ',' && p[k] != ' ' && p[k] != '\t')
				k++;
			if ((k == 3 && strncasecmp(p, "all", 3) == 0) || (k == 3 && strncasecmp(p, "oof", 3) == 0) ||
			    (k == 9 && strncasecmp(p, "autoreply", 9) == 0))
				hit = true;
			p += k;
		}
		if (hit) {
			why(w, "X-Auto-Response-Suppress: %s", v);
			strong = true;
		} else {
			weak = true;
		}
	}
	h = mail_header_find(m, "X-Autogenerated");
	if (h) {
		char tok[16];
		first_token(hval(h), tok, sizeof tok);
		if (strcmp(tok, "reply") == 0) {
			why(w, "X-Autogenerated: Reply");
			strong = true;
		}
	}
	h = mail_header_find(m, "Precedence");
	if (h) {
		char tok[16];
		first_token(hval(h), tok, sizeof tok);
		if (strcmp(tok, "auto_reply") == 0 || strcmp(tok, "auto-reply") == 0) {
			why(w, "Precedence: auto_reply");
			strong = true;
		}
	}
	h = mail_header_find(m, "X-Apple-Action");
	if (h && icontains(hval(h), "vacation")) {
		why(w, "X-Apple-Action: VACATION");
		strong = true;
	}
	h = mail_header_find(m, "X-POST-MessageClass");
	if (h && icontains(hval(h), "autoresponder")) {
		why(w, "X-POST-MessageClass: Autoresponder");
		strong = true;
	}
	/* Supporting signals: only together with an out-of-office Subject. */
	if (mail_header_find(m, "X-MS-Exchange-Inbox-Rules-Loop"))
		weak = true;
	const struct mail_header *rp = mail_header_find(m, "Return-Path");
	if (rp && str_ieq_cstr(str_trim(str_from_cstr(rp->raw)), "<>"))
		weak = true;
	bool oof_subject = starts_any(m->subject ? m->subject : "", oof_subject_prefix);
	bool vacation = contains_any(m->text ? m->text : "", 4096, vacation_body);
	if (oof_subject && (weak || vacation)) {
		why(w, "out-of-office Subject%s", vacation ? " and vacation wording" : " with auto headers");
		strong = true;
	} else if (oof_subject) {
		why(w, "Subject looks like an out-of-office reply (not enough alone)");
	}
	if (strong)
		*flags |= HYG_AUTO_REPLY;
}

/* ------------------------------------------------------------------ */
/* Lists and bulk                                                      */

static void check_list(const struct mail_msg *m, unsigned *flags, struct why *w)
{
	static const char *const list_headers[] = {
		"List-Id", "List-Unsubscribe", "List-Post", "List-Help", "List-Subscribe", "List-Owner",
		"List-Archive", "Mailing-List", "X-Mailing-List", "X-ML-Name", "X-ML-Count",
		"X-BeenThere", "X-Mailman-Version", "X-Loop-Detect", NULL,
	};
	for (size_t i = 0; list_headers[i]; i++) {
		if (mail_header_find(m, list_headers[i])) {
			why(w, "%s header", list_headers[i]);
			*flags |= HYG_LIST;
		}
	}
	const struct mail_header *h = mail_header_find(m, "Precedence");
	if (h) {
		char tok[16];
		first_token(hval(h), tok, sizeof tok);
		if (strcmp(tok, "list") == 0) {
			why(w, "Precedence: list");
			*flags |= HYG_LIST;
		} else if (strcmp(tok, "bulk") == 0 || strcmp(tok, "junk") == 0) {
			why(w, "Precedence: %s", tok);
			*flags |= HYG_BULK;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Loops and our own mail                                              */

static bool own_address(const struct hygiene_config *cfg, const char *email)
{
	if (!email || !*email)
		return false;
	for (size_t i = 0; i < cfg->n_own_addresses; i++)
		if (cfg->own_addresses[i] && strcasecmp(cfg->own_addresses[i], email) == 0)
			return true;
	return false;
}

static void check_loop(const struct mail_msg *m, const struct hygiene_config *cfg,
                       struct hygiene_result *r, struct why *w)
{
	if (cfg->loop_header && *cfg->loop_header && mail_header_find(m, cfg->loop_header)) {
		why(w, "our loop header %s is present", cfg->loop_header);
		r->flags |= HYG_LOOP;
	}
	/* X-Loop: <our address> (procmail, RT and most ticket systems) */
	for (size_t i = 0; i < m->nheaders; i++) {
		if (!ieq(m->headers[i].name, "X-Loop"))
			continue;
		for (size_t k = 0; k < cfg->n_own_addresses; k++)
			if (cfg->own_addresses[k] && *cfg->own_addresses[k] &&
			    icontains(hval(&m->headers[i]), cfg->own_addresses[k])) {
				why(w, "X-Loop names our address %s", cfg->own_addresses[k]);
				r->flags |= HYG_LOOP;
			}
	}
	r->received_count = (unsigned)mail_header_count(m, "Received");
	if (cfg->max_received && r->received_count > cfg->max_received) {
		why(w, "%u Received fields (over %u)", r->received_count, cfg->max_received);
		r->flags |= HYG_LOOP;
	}
	if (cfg->own_msgid_domain && *cfg->own_msgid_domain && m->message_id && *m->message_id) {
		const char *at = strrchr(m->message_id, '@');
		if (at) {
			const char *dom = at + 1;
			size_t dl = strlen(dom), ol = strlen(cfg->own_msgid_domain);
			/* strip a trailing '>' some ids keep */
			while (dl && (dom[dl - 1] == '>' || dom[dl - 1] == ' '))
				dl--;
			if (dl == ol && strncasecmp(dom, cfg->own_msgid_domain, ol) == 0) {
				why(w, "Message-ID on our domain %s", cfg->own_msgid_domain);
				r->flags |= HYG_OWN;
			}
		}
	}
	for (size_t i = 0; i < m->from.n; i++)
		if (own_address(cfg, m->from.v[i].email)) {
			why(w, "From is our own address %s", m->from.v[i].email);
			r->flags |= HYG_OWN;
		}
}

/* ------------------------------------------------------------------ */
/* System senders                                                      */

/* "<MAILER-DAEMON@host>", "MAILER-DAEMON", "<postmaster@host>" */
static bool return_path_is_system(struct str v)
{
	char addr[128];
	size_t k = 0;
	for (size_t i = 0; i < v.len && k + 1 < sizeof addr; i++) {
		char c = v.p[i];
		if (c == '<' || c == '>' || c == ' ' || c == '\t')
			continue;
		addr[k++] = c;
	}
	addr[k] = '\0';
	return k > 0 && bounce_is_system_address(addr);
}

static void check_system(const struct mail_msg *m, unsigned *flags, struct why *w)
{
	const struct mail_header *rp = mail_header_find(m, "Return-Path");
	if (rp) {
		struct str v = str_trim(str_from_cstr(rp->raw));
		if (v.len == 0 || str_ieq_cstr(v, "<>") || str_ieq_cstr(v, "< >")) {
			why(w, "null Return-Path <>");
			*flags |= HYG_SYSTEM_SENDER;
		} else if (return_path_is_system(v)) {
			why(w, "Return-Path is a mail system address");
			*flags |= HYG_SYSTEM_SENDER;
		}
	}
	for (size_t i = 0; i < m->from.n; i++) {
		const char *e = m->from.v[i].email;
		if (e && *e && bounce_is_system_address(e)) {
			why(w, "From %s", e);
			*flags |= HYG_SYSTEM_SENDER;
			break;
		}
	}
	if (m->from.n == 0) {
		const struct mail_header *f = mail_header_find(m, "From");
		if (f && (icontains(hval(f), "mailer-daemon") || icontains(hval(f), "postmaster"))) {
			why(w, "From %s", hval(f));
			*flags |= HYG_SYSTEM_SENDER;
		}
	}
}

/* ------------------------------------------------------------------ */
/* Spam verdicts from trusted filters                                  */

static void check_spam(const struct mail_msg *m, const struct hygiene_config *cfg,
                       struct hygiene_result *r, struct why *w)
{
	if (!cfg->trust_spam_headers)
		return;
	bool verdict = false, have_score = false;
	double score = 0;
	for (size_t i = 0; i < m->nheaders; i++) {
		const struct mail_header *h = &m->headers[i];
		const char *v = hval(h);
		char tok[16];
		first_token(v, tok, sizeof tok);
		double x;
		if (ieq(h->name, "X-Spam-Flag") || ieq(h->name, "X-Spam")) {
			if (strcmp(tok, "yes") == 0 || strcmp(tok, "true") == 0) {
				why(w, "%s: YES", h->name);
				verdict = true;
			}
		} else if (ieq(h->name, "X-Spam-Status")) {
			/* "Yes, score=7.3 required=5.0 tests=..." */
			if (strcmp(tok, "yes") == 0) {
				why(w, "X-Spam-Status: Yes");
				verdict = true;
			}
			size_t at = str_ifind(str_from_cstr(v), "score=");
			if (at != (size_t)-1 && parse_number(v + at + 6, &x)) {
				if (!have_score || x > score)
					score = x;
				have_score = true;
			}
		} else if (ieq(h->name, "X-Spam-Score") || ieq(h->name, "X-Rspamd-Score")) {
			if (parse_number(v, &x)) {
				if (!have_score || x > score)
					score = x;
				have_score = true;
			}
		} else if (ieq(h->name, "X-Spamd-Result")) {
			/* "default: False [3.40 / 15.00]; ..." */
			const char *colon = strchr(v, ':');
			if (colon) {
				char t2[16];
				first_token(colon + 1, t2, sizeof t2);
				if (strcmp(t2, "true") == 0) {
					why(w, "X-Spamd-Result: True");
					verdict = true;
				}
			}
			const char *lb = strchr(v, '[');
			if (lb && parse_number(lb + 1, &x)) {
				if (!have_score || x > score)
					score = x;
				have_score = true;
			}
		} else if (ieq(h->name, "X-Rspamd-Action")) {
			if (icontains(v, "reject") || icontains(v, "add header") ||
			    icontains(v, "rewrite subject")) {
				why(w, "X-Rspamd-Action: %s", v);
				verdict = true;
			}
		} else if (ieq(h->name, "X-Spam-Level")) {
			/* "*******": one star per point */
			size_t stars = 0;
			for (const char *p = v; *p; p++)
				if (*p == '*')
					stars++;
			if (stars && !have_score) {
				score = (double)stars;
				have_score = true;
			}
		}
	}
	r->spam_score = have_score ? score : 0;
	if (have_score && score >= cfg->spam_threshold) {
		why(w, "spam score %.1f at or over %.1f", score, cfg->spam_threshold);
		verdict = true;
	}
	if (verdict)
		r->flags |= HYG_SPAM;
}

/* ------------------------------------------------------------------ */

static const char *kind_of(unsigned f)
{
	if (f & (HYG_LOOP | HYG_OWN))
		return "loop";
	if (f & HYG_BOUNCE)
		return "bounce";
	if (f & HYG_DELAYED)
		return "delayed";
	if (f & HYG_DELIVERED)
		return "delivered";
	if (f & HYG_FEEDBACK)
		return "feedback-report";
	if (f & HYG_AUTO_REPLY)
		return "auto-reply";
	if (f & HYG_SPAM)
		return "spam";
	if (f & HYG_LIST)
		return "list";
	if (f & HYG_BULK)
		return "bulk";
	if (f & HYG_SYSTEM_SENDER)
		return "system";
	return "normal";
}

mado_status hygiene_classify(const struct mail_msg *m, const struct hygiene_config *cfg,
                             struct hygiene_result *out)
{
	struct hygiene_config defaults;
	if (!cfg) {
		hygiene_config_default(&defaults);
		cfg = &defaults;
	}
	memset(out, 0, sizeof *out);
	out->kind = "normal";
	out->reasons = "";
	out->original_message_id = "";
	out->report_form = "";
	out->feedback_type = "";

	struct why w = { .oom = false };
	buf_init(&w.b, 64 * 1024);
	mado_status st = MADO_OK;

	check_loop(m, cfg, out, &w);

	struct bounce_report br;
	st = bounce_analyze(m, &br);
	if (st)
		goto out;
	switch (br.verdict) {
	case BOUNCE_FAILED:
		out->flags |= HYG_BOUNCE;
		break;
	case BOUNCE_DELAYED:
		out->flags |= HYG_DELAYED;
		break;
	case BOUNCE_DELIVERED:
		out->flags |= HYG_DELIVERED;
		break;
	case BOUNCE_FEEDBACK:
		out->flags |= HYG_FEEDBACK;
		break;
	case BOUNCE_NONE:
		break;
	}
	if (br.verdict != BOUNCE_NONE) {
		size_t nfailed = 0;
		for (size_t i = 0; i < br.nrecipients; i++)
			if (strcmp(br.recipients[i].action, "failed") == 0)
				nfailed++;
		why(&w, "%s (%zu recipient%s, %zu failed)", br.evidence, br.nrecipients,
		    br.nrecipients == 1 ? "" : "s", nfailed);
		out->recipients = br.recipients;
		out->nrecipients = br.nrecipients;
		out->original_message_id = br.original_message_id;
		out->report_form = br.form;
		out->feedback_type = br.feedback_type;
	}

	check_auto_reply(m, &out->flags, &w);
	check_list(m, &out->flags, &w);
	check_system(m, &out->flags, &w);
	check_spam(m, cfg, out, &w);

	out->kind = kind_of(out->flags);
	/* every flag is machine-like or many-recipient mail */
	out->may_auto_answer = out->flags == 0;
	if (w.oom) {
		st = MADO_ENOMEM;
		goto out;
	}
	out->reasons = arena_strndup(m->arena, w.b.p ? w.b.p : "", w.b.len);
	if (!out->reasons)
		st = MADO_ENOMEM;
out:
	buf_free(&w.b);
	return st;
}
