/*
 * gen_mail: writes a reproducible corpus of realistic support mail for
 * benchmarks and the demo workspace.
 *
 *   gen_mail --maildir DIR --count N [--seed S]
 *   gen_mail --mbox FILE  --count N [--seed S]
 *
 * Mix: 30% Japanese (ISO-2022-JP, UTF-8 base64 and Shift_JIS bodies with
 * RFC 2047 subjects), 10% with an attachment, 30% replies to earlier mails
 * (In-Reply-To/References), the rest new English requests.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"

/* The body templates are a constant table of formats. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static unsigned long long rng = 88172645463325252ULL;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char *const en_subjects[] = {
	"Cannot log in to my account", "Invoice shows the wrong amount", "Order not delivered yet",
	"Refund request for order", "App crashes on startup", "How do I change my password?",
	"Error 500 when uploading files", "Please cancel my subscription", "Question about pricing",
	"Feature request: export to CSV",
};
static const char *const ja_subjects[] = {
	"ログインできません", "請求書の金額が違います", "注文した商品が届きません", "返金のお願い",
	"アプリが起動しません", "パスワードの変更方法について", "システム停止の件で至急ご連絡ください",
	"解約手続きについて", "料金プランの質問", "㈱サンプル商事より見積依頼①",
};
static const char en_bodies[2][256] = {
	"Hello,\n\nI have been trying since this morning and it still does not work.\n"
	"My order number is ORD-%06u. Could you please look into it?\n\nThanks,\n%s\n",
	"Hi support team,\n\nThe page shows an error (code E%04u) every time I try.\n"
	"I already cleared my cache and tried another browser.\n\nBest regards,\n%s\n",
};
static const char ja_bodies[2][512] = {
	"お世話になっております。\n\n今朝から何度試しても同じエラー（E%04u）が表示されます。\n"
	"お手数ですが、ご確認いただけますでしょうか。\n\nよろしくお願いいたします。\n%s\n",
	"いつもお世話になっております。\n\n注文番号 ORD-%06u の件でご連絡いたしました。\n"
	"まだ商品が届いておりません。～至急ご対応ください～\n\n%s\n",
};
static const char *const names[] = { "Alice Smith", "Bob Jones", "Carol White", "Dave Brown",
	                                 "山田太郎", "佐藤花子", "鈴木一郎", "高橋美咲" };

static void b64(struct buf *out, const unsigned char *p, size_t n, size_t wrap)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t col = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
		             (i + 2 < n ? p[i + 2] : 0);
		char q[4] = { t[v >> 18 & 63], t[v >> 12 & 63], i + 1 < n ? t[v >> 6 & 63] : '=',
			          i + 2 < n ? t[v & 63] : '=' };
		buf_append(out, q, 4);
		col += 4;
		if (wrap && col >= wrap) {
			buf_append_str(out, "\n");
			col = 0;
		}
	}
	if (wrap && col)
		buf_append_str(out, "\n");
}

static int conv(const char *to, const char *s, struct buf *out)
{
	iconv_t cd = iconv_open(to, "UTF-8");
	if (cd == (iconv_t)-1)
		return -1;
	size_t il = strlen(s), ol = il * 4 + 16;
	char *o = malloc(ol), *op = o;
	char *ip = (char *)s;
	size_t r = iconv(cd, &ip, &il, &op, &ol);
	iconv(cd, NULL, NULL, &op, &ol);
	iconv_close(cd);
	if (r == (size_t)-1) {
		free(o);
		return -1;
	}
	buf_append(out, o, (size_t)(op - o));
	free(o);
	return 0;
}

static void encoded_word(struct buf *out, const char *charset, const char *utf8)
{
	struct buf raw;
	buf_init(&raw, 0);
	if (conv(charset, utf8, &raw) != 0) {
		buf_reset(&raw);
		conv("UTF-8", utf8, &raw);
		charset = "UTF-8";
	}
	buf_printf(out, "=?%s?B?", charset);
	b64(out, (const unsigned char *)raw.p, raw.len, 0);
	buf_append_str(out, "?=");
	buf_free(&raw);
}

static void one_mail(struct buf *m, unsigned i, unsigned total)
{
	bool ja = rnd(100) < 30, att = rnd(100) < 10, reply = i > 10 && rnd(100) < 30;
	unsigned who = ja ? 4 + rnd(4) : rnd(4);
	unsigned cust = rnd(total / 4 + 1);
	const char *subj = ja ? ja_subjects[rnd(10)] : en_subjects[rnd(10)];
	char body[1024];
	unsigned which = rnd(2), num = rnd(1000000);
	if (ja && which)
		snprintf(body, sizeof body, ja_bodies[1], num, names[who]);
	else if (ja)
		snprintf(body, sizeof body, ja_bodies[0], num, names[who]);
	else if (which)
		snprintf(body, sizeof body, en_bodies[1], num, names[who]);
	else
		snprintf(body, sizeof body, en_bodies[0], num, names[who]);
	buf_reset(m);
	const char *enc = ja ? (rnd(3) == 0 ? "ISO-2022-JP" : rnd(2) ? "UTF-8" : "Shift_JIS") : "UTF-8";
	buf_printf(m, "Return-Path: <customer%u@%s>\n", cust, ja ? "example.co.jp" : "example.com");
	buf_printf(m, "Received: from mx.example.net (mx.example.net [192.0.2.%u]) by mail.localhost; "
	              "Mon, 23 Nov 2026 %02u:%02u:00 +0900\n", 1 + i % 250, i / 60 % 24, i % 60);
	buf_append_str(m, "From: ");
	if (ja)
		encoded_word(m, strcmp(enc, "Shift_JIS") == 0 ? "ISO-2022-JP" : enc, names[who]);
	else
		buf_append_str(m, names[who]);
	buf_printf(m, " <customer%u@%s>\n", cust, ja ? "example.co.jp" : "example.com");
	buf_append_str(m, "To: Support <support@localhost>\nSubject: ");
	if (reply)
		buf_append_str(m, "Re: ");
	if (ja)
		encoded_word(m, strcmp(enc, "Shift_JIS") == 0 ? "ISO-2022-JP" : enc, subj);
	else
		buf_append_str(m, subj);
	buf_printf(m, "\nDate: Mon, 23 Nov 2026 %02u:%02u:%02u +0900\n", i / 3600 % 24, i / 60 % 60, i % 60);
	buf_printf(m, "Message-ID: <gen-%u@example.net>\n", i);
	if (reply) {
		unsigned to = rnd(i);
		buf_printf(m, "In-Reply-To: <gen-%u@example.net>\nReferences: <gen-%u@example.net>\n", to, to);
	}
	buf_append_str(m, "MIME-Version: 1.0\n");
	const char *boundary = "=_mado_gen_boundary";
	if (att)
		buf_printf(m, "Content-Type: multipart/mixed; boundary=\"%s\"\n\n--%s\n", boundary, boundary);
	if (!strcmp(enc, "UTF-8") && ja) {
		buf_append_str(m, "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n");
		b64(m, (const unsigned char *)body, strlen(body), 76);
	} else if (ja) {
		buf_printf(m, "Content-Type: text/plain; charset=%s\nContent-Transfer-Encoding: %s\n\n", enc,
		           strcmp(enc, "ISO-2022-JP") == 0 ? "7bit" : "8bit");
		if (conv(!strcmp(enc, "Shift_JIS") ? "CP932" : "ISO-2022-JP", body, m) != 0)
			buf_append_str(m, body);
	} else {
		buf_append_str(m, "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n");
		buf_append_str(m, body);
	}
	if (att) {
		unsigned char blob[3000];
		for (size_t k = 0; k < sizeof blob; k++)
			blob[k] = (unsigned char)rnd(256);
		buf_printf(m, "\n--%s\nContent-Type: application/pdf; name=\"report-%u.pdf\"\n"
		              "Content-Disposition: attachment; filename=\"report-%u.pdf\"\n"
		              "Content-Transfer-Encoding: base64\n\n", boundary, i, i);
		b64(m, blob, sizeof blob, 76);
		buf_printf(m, "--%s--\n", boundary);
	}
}

int main(int argc, char **argv)
{
	const char *maildir = NULL, *mbox = NULL;
	unsigned count = 1000;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--maildir"))
			maildir = argv[i + 1];
		else if (!strcmp(argv[i], "--mbox"))
			mbox = argv[i + 1];
		else if (!strcmp(argv[i], "--count"))
			count = (unsigned)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--seed"))
			rng = strtoull(argv[i + 1], NULL, 10) * 2654435761ULL + 1;
	}
	if (!maildir == !mbox) {
		fprintf(stderr, "usage: gen_mail (--maildir DIR | --mbox FILE) [--count N] [--seed S]\n");
		return 64;
	}
	FILE *mb = NULL;
	if (maildir) {
		char p[4096];
		snprintf(p, sizeof p, "%s/new", maildir);
		mkdir(maildir, 0755);
		if (mkdir(p, 0755) != 0 && errno != EEXIST) {
			perror(p);
			return 1;
		}
		snprintf(p, sizeof p, "%s/cur", maildir);
		mkdir(p, 0755);
		snprintf(p, sizeof p, "%s/tmp", maildir);
		mkdir(p, 0755);
	} else if (!(mb = fopen(mbox, "w"))) {
		perror(mbox);
		return 1;
	}
	struct buf m;
	buf_init(&m, 0);
	for (unsigned i = 0; i < count; i++) {
		one_mail(&m, i, count);
		if (maildir) {
			char p[4096];
			snprintf(p, sizeof p, "%s/new/%010u.gen.localhost", maildir, i);
			FILE *f = fopen(p, "w");
			if (!f) {
				perror(p);
				return 1;
			}
			fwrite(m.p, 1, m.len, f);
			fclose(f);
		} else {
			fprintf(mb, "From customer@example.com Mon Nov 23 10:00:00 2026\n");
			/* mboxrd: quote From lines in the body */
			const char *p = m.p;
			while (p < m.p + m.len) {
				const char *nl = memchr(p, '\n', (size_t)(m.p + m.len - p));
				size_t l = nl ? (size_t)(nl - p) + 1 : (size_t)(m.p + m.len - p);
				const char *q = p;
				while (q < p + l && *q == '>')
					q++;
				if ((size_t)(p + l - q) >= 5 && !memcmp(q, "From ", 5))
					fputc('>', mb);
				fwrite(p, 1, l, mb);
				p += l;
			}
			fputc('\n', mb);
		}
	}
	buf_free(&m);
	if (mb)
		fclose(mb);
	return 0;
}
