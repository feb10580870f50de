/*
 * Unit tests of the hygiene classifier (src/mail/hygiene.c) and the bounce
 * reader (src/mail/bounce.c): one table row per rule, each a small message
 * written here as a string and read with mail_parse(), with the negative
 * cases next to the positive ones (a person writing "undeliverable" or
 * "不在" is a person; Auto-Submitted: no is a person).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/bounce.h"
#include "mail/hygiene.h"
#include "mail/mail.h"
#include "tap.h"

enum cfgv {
	CFG_DEFAULT = 0,
	CFG_OWN,      /* own address support@mado.example, msgid domain mado.example */
	CFG_SPAM,     /* trust spam headers, threshold 5 */
};

struct tcase {
	const char *name;
	enum cfgv cfg;
	const char *msg;
	const char *kind;        /* expected kind */
	int may;                 /* expected may_auto_answer (0/1) */
	unsigned must;           /* flags that must be set */
	unsigned mustnot;        /* flags that must not be set */
	int nrcpt;               /* expected recipients, -1 = don't care */
	const char *rcpt0;       /* first recipient, or NULL */
	const char *status0;     /* its status, or NULL */
	const char *msgid;       /* original_message_id, or NULL */
	const char *form;        /* report_form, or NULL */
	const char *status1;     /* second recipient's status, or NULL */
};

#define H_PERSON "From: Hanako Yamada <hanako@customer.example>\nTo: support@mado.example\n" \
	"Message-ID: <c1@customer.example>\nDate: Mon, 3 Jun 2024 10:00:00 +0900\n"
#define H_DAEMON "Return-Path: <>\nFrom: Mail Delivery System <MAILER-DAEMON@mx.remote.example>\n" \
	"To: support@mado.example\nMessage-ID: <b1@mx.remote.example>\nDate: Mon, 3 Jun 2024 10:00:00 +0900\n"
#define RETURNED "Return-Path: <support@mado.example>\nReceived: from mado.example by mx.remote.example\n" \
	"Message-ID: <ack-42@mado.example>\nFrom: Support <support@mado.example>\n" \
	"To: kijitora@remote.example\nSubject: Re: your ticket\nDate: Mon, 3 Jun 2024 09:59:00 +0900\n\nHello\n"

/* Rows leave the optional trailing fields (form, status1) out: NULL. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct tcase cases[] = {
	/* ---------------- persons ---------------- */
	{ "plain customer mail", CFG_DEFAULT,
	  H_PERSON "Subject: Question about my order\n\nHello, where is my parcel?\n",
	  "normal", 1, 0, ~0u, 0, NULL, NULL, NULL },
	{ "Auto-Submitted: no is a person", CFG_DEFAULT,
	  H_PERSON "Subject: Hello\nAuto-Submitted: no\n\nHi\n",
	  "normal", 1, 0, HYG_AUTO_REPLY, 0, NULL, NULL, NULL },
	{ "Auto-Submitted: No (with a comment) is a person", CFG_DEFAULT,
	  H_PERSON "Subject: Hello\nAuto-Submitted: No (written by hand)\n\nHi\n",
	  "normal", 1, 0, HYG_AUTO_REPLY, 0, NULL, NULL, NULL },
	{ "customer writes 'undeliverable' in the body", CFG_DEFAULT,
	  H_PERSON "Subject: Problem\n\nMy last mail to you came back as undeliverable, user unknown.\n"
	  "Could not be delivered, they said. Can you check?\n",
	  "normal", 1, 0, HYG_BOUNCE | HYG_DELAYED, 0, NULL, NULL, NULL },
	{ "customer asks about an 'Undeliverable' subject", CFG_DEFAULT,
	  H_PERSON "Subject: Undeliverable mail?\n\nI keep getting undeliverable notices when I write to you.\n",
	  "normal", 1, 0, HYG_BOUNCE, 0, NULL, NULL, NULL },
	{ "Japanese customer writes 不在 in the body", CFG_DEFAULT,
	  H_PERSON "Subject: =?UTF-8?B?5ZWP44GE5ZCI44KP44Gb?=\nContent-Type: text/plain; charset=UTF-8\n\n"
	  "\xe6\x9d\xa5\xe9\x80\xb1\xe3\x81\xaf\xe4\xb8\x8d\xe5\x9c\xa8\xe3\x81\xa7\xe3\x81\x99\xe3\x80\x82"
	  "\xe4\xbc\x91\xe6\x9a\x87\xe4\xb8\xad\xe3\x81\xa7\xe3\x81\x99\xe3\x80\x82\n",
	  "normal", 1, 0, HYG_AUTO_REPLY, 0, NULL, NULL, NULL },
	{ "customer's subject 不在連絡 alone is not enough", CFG_DEFAULT,
	  H_PERSON "Subject: =?UTF-8?B?5LiN5Zyo6YCj57Wh?=\nContent-Type: text/plain; charset=UTF-8\n\n"
	  "\xe6\x98\x8e\xe6\x97\xa5\xe3\x81\xaf\xe4\xbc\x91\xe3\x81\xbf\xe3\x81\xa7\xe3\x81\x99\n",
	  "normal", 1, 0, HYG_AUTO_REPLY, 0, NULL, NULL, NULL },
	{ "'Out of Office' subject alone is not enough", CFG_DEFAULT,
	  H_PERSON "Subject: Out of office next week - can you ship before?\n\nPlease ship before Friday.\n",
	  "normal", 1, 0, HYG_AUTO_REPLY, 0, NULL, NULL, NULL },
	{ "someone answering an auto-reply is a person", CFG_DEFAULT,
	  H_PERSON "Subject: RE: Automatic reply: your ticket\n\nThanks, when are you back?\n",
	  "normal", 1, 0, HYG_AUTO_REPLY, 0, NULL, NULL, NULL },
	{ "a courier's 'delivery failed' notice about a parcel is not a bounce", CFG_DEFAULT,
	  "From: Parcel Service <noreply@courier.example>\nTo: support@mado.example\n"
	  "Subject: Delivery failed: we could not deliver your parcel\n\n"
	  "Dear customer,\nwe could not deliver your parcel today; delivery failed because nobody was home.\n"
	  "Contact us at help@courier.example to arrange a new delivery.\n",
	  "normal", 1, 0, HYG_BOUNCE | HYG_DELAYED, 0, NULL, NULL, NULL },
	{ "original attached by a customer is not a bounce", CFG_DEFAULT,
	  H_PERSON "Subject: see attached\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
	  "--b\nContent-Type: text/plain\n\nSee the mail below.\n--b\nContent-Type: message/rfc822\n\n"
	  RETURNED "--b--\n",
	  "normal", 1, 0, HYG_BOUNCE, 0, NULL, NULL, NULL },

	/* ---------------- auto-replies ---------------- */
	{ "Auto-Submitted: auto-replied", CFG_DEFAULT,
	  H_PERSON "Subject: Re: Hello\nAuto-Submitted: auto-replied\n\nThanks for your mail.\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "Auto-Submitted: auto-generated", CFG_DEFAULT,
	  H_PERSON "Subject: Your invoice\nAuto-Submitted: auto-generated\n\nInvoice attached.\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "X-Autoreply", CFG_DEFAULT,
	  H_PERSON "Subject: Re: Hello\nX-Autoreply: yes\n\nI am away.\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "X-Autorespond", CFG_DEFAULT,
	  H_PERSON "Subject: Re: Hello\nX-Autorespond: Thank you\n\nWe got it.\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "X-Auto-Response-Suppress: All", CFG_DEFAULT,
	  H_PERSON "Subject: Automatic reply: Hello\nX-Auto-Response-Suppress: All\n\nOut of the office.\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "X-Auto-Response-Suppress: OOF", CFG_DEFAULT,
	  H_PERSON "Subject: Hello\nX-Auto-Response-Suppress: DR, OOF\n\nHi\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "X-Auto-Response-Suppress: AutoReply", CFG_DEFAULT,
	  H_PERSON "Subject: Hello\nX-Auto-Response-Suppress: AutoReply\n\nHi\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "X-Auto-Response-Suppress: DR, RN alone is a person (Outlook sets it)", CFG_DEFAULT,
	  H_PERSON "Subject: Hello\nX-Auto-Response-Suppress: DR, RN, NRN\n\nHi\n",
	  "normal", 1, 0, HYG_AUTO_REPLY, 0, NULL, NULL, NULL },
	{ "X-Autogenerated: Reply", CFG_DEFAULT,
	  H_PERSON "Subject: Re: Hello\nX-Autogenerated: Reply\n\nAway\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "X-Autogenerated: Forward is not a reply", CFG_DEFAULT,
	  H_PERSON "Subject: Hello\nX-Autogenerated: Forward\n\nHi\n",
	  "normal", 1, 0, HYG_AUTO_REPLY, 0, NULL, NULL, NULL },
	{ "Precedence: auto_reply", CFG_DEFAULT,
	  H_PERSON "Subject: Re: Hello\nPrecedence: auto_reply\n\nAway\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "X-MS-Exchange-Inbox-Rules-Loop alone (an inbox rule forward) is a person", CFG_DEFAULT,
	  H_PERSON "Subject: FW: order 123\nX-MS-Exchange-Inbox-Rules-Loop: hanako@customer.example\n\nsee below\n",
	  "normal", 1, 0, HYG_AUTO_REPLY, 0, NULL, NULL, NULL },
	{ "X-MS-Exchange-Inbox-Rules-Loop with an Automatic reply subject", CFG_DEFAULT,
	  H_PERSON "Subject: Automatic reply: order 123\nX-MS-Exchange-Inbox-Rules-Loop: hanako@customer.example\n\nAway\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "Out of Office subject with vacation wording", CFG_DEFAULT,
	  H_PERSON "Subject: Out of Office: order 123\n\nI am currently out of the office and will respond to your message upon my return.\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "Japanese 自動応答 subject with 不在 wording", CFG_DEFAULT,
	  H_PERSON "Subject: =?UTF-8?B?6Ieq5YuV5b+c562UOiDjgYrllY/jgYTlkIjjgo/jgZs=?=\n"
	  "Content-Type: text/plain; charset=UTF-8\n\n"
	  "\xe3\x81\x9f\xe3\x81\xa0\xe3\x81\x84\xe3\x81\xbe\xe4\xb8\x8d\xe5\x9c\xa8\xe3\x81\xab\xe3\x81\x97"
	  "\xe3\x81\xa6\xe3\x81\x8a\xe3\x82\x8a\xe3\x81\xbe\xe3\x81\x99\xe3\x80\x82\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },
	{ "Apple vacation responder", CFG_DEFAULT,
	  H_PERSON "Subject: Auto reply: order\nX-Apple-Action: VACATION\n\nI'm only sleeping.\n",
	  "auto-reply", 0, HYG_AUTO_REPLY, 0, 0, NULL, NULL, NULL },

	/* ---------------- bounces: RFC 3464 ---------------- */
	{ "DSN: Action failed, original Message-ID from the returned message", CFG_DEFAULT,
	  H_DAEMON "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n"
	  "--R\nContent-Type: text/plain\n\nThis is the mail system at host mx.remote.example.\n\n"
	  "<kijitora@remote.example>: host mx said: 550 5.1.1 User unknown\n"
	  "--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.remote.example\n\n"
	  "Final-Recipient: rfc822; kijitora@remote.example\nOriginal-Recipient: rfc822;kijitora@remote.example\n"
	  "Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <kijitora@remote.example>: User unknown\n"
	  "--R\nContent-Type: message/rfc822\n\n" RETURNED "--R--\n",
	  "bounce", 0, HYG_BOUNCE | HYG_SYSTEM_SENDER, HYG_DELAYED, 1, "kijitora@remote.example", "5.1.1",
	  "ack-42@mado.example" },
	{ "DSN: Action delayed only is not a failure", CFG_DEFAULT,
	  H_DAEMON "Subject: Delayed Mail (still being retried)\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n"
	  "--R\nContent-Type: text/plain\n\nTHIS IS A WARNING ONLY.\n"
	  "--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
	  "Final-Recipient: rfc822; kijitora@remote.example\nAction: delayed\nStatus: 4.4.1\n"
	  "Will-Retry-Until: Fri, 7 Jun 2024 10:00:00 +0900\n"
	  "--R\nContent-Type: text/rfc822-headers\n\n" RETURNED "--R--\n",
	  "delayed", 0, HYG_DELAYED, HYG_BOUNCE, 1, "kijitora@remote.example", "4.4.1", "ack-42@mado.example" },
	{ "DSN: delivered/relayed only is not a bounce", CFG_DEFAULT,
	  H_DAEMON "Subject: Successful Mail Delivery Report\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n"
	  "--R\nContent-Type: text/plain\n\nYour message was delivered.\n"
	  "--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
	  "Final-Recipient: rfc822; a@remote.example\nAction: delivered\nStatus: 2.0.0\n\n"
	  "Final-Recipient: rfc822; b@remote.example\nAction: relayed\nStatus: 2.0.0\n--R--\n",
	  "delivered", 0, HYG_DELIVERED, HYG_BOUNCE | HYG_DELAYED, 2, "a@remote.example", "2.0.0", NULL },
	{ "DSN: one failed, one delayed", CFG_DEFAULT,
	  H_DAEMON "Subject: Returned mail: see transcript for details\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n"
	  "--R\nContent-Type: text/plain\n\nsee below\n"
	  "--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
	  "Final-Recipient: RFC822; <A@Remote.Example>\nAction: failed\nStatus: 5.0.0\n"
	  "Diagnostic-Code: smtp; 550 5.2.1 mailbox disabled\n\n"
	  "Final-Recipient: rfc822; b@remote.example\nAction: delayed\nStatus: 4.0.0\n--R--\n",
	  "bounce", 0, HYG_BOUNCE, 0, 2, "a@remote.example", "5.2.1", NULL },
	{ "DSN: no blank lines, missing Action, Original-Recipient only", CFG_DEFAULT,
	  H_DAEMON "Subject: Delivery Status Notification (Failure)\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"R\"\n\n"
	  "--R\nContent-Type: text/plain\n\nfailed\n"
	  "--R\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n"
	  "Original-Recipient: rfc822;kuro@remote.example\nStatus: 5.7.1\n"
	  "Diagnostic-Code: smtp;\n 550 5.7.1 relaying denied\n--R--\n",
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kuro@remote.example", "5.7.1", NULL },

	/* ---------------- bounces: text forms ---------------- */
	{ "qmail", CFG_DEFAULT,
	  "Return-Path: <>\nFrom: MAILER-DAEMON@mx.remote.example\nTo: support@mado.example\n"
	  "Subject: failure notice\n\n"
	  "Hi. This is the qmail-send program at mx.remote.example.\n"
	  "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
	  "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
	  "<kijitora@remote.example>:\nRemote host said: 550 5.1.1 <kijitora@remote.example>... User Unknown\n\n"
	  "--- Below this line is a copy of the message.\n\n" RETURNED,
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@remote.example", "5.1.1", "ack-42@mado.example" },
	{ "Exim failure with X-Failed-Recipients, sender named in the text", CFG_DEFAULT,
	  "Return-path: <>\nFrom: Mail Delivery System <Mailer-Daemon@relay.remote.example>\n"
	  "To: postmaster@mado.example\nSubject: Mail delivery failed: returning message to sender\n"
	  "X-Failed-Recipients: kijitora@remote.example\nAuto-Submitted: auto-replied\n"
	  "Message-Id: <E1abcde-0001xY-Ab@relay.remote.example>\n\n"
	  "This message was created automatically by mail delivery software.\n\n"
	  "A message sent by\n\n  <support@mado.example>\n\n"
	  "could not be delivered to one or more of its recipients. The following\naddress(es) failed:\n\n"
	  "  kijitora@remote.example\n    SMTP error from remote mail server after RCPT TO:<kijitora@remote.example>:\n"
	  "    host mx.remote.example [192.0.2.1]: 550 5.1.1 <kijitora@remote.example>: Recipient address rejected\n\n"
	  "------ This is a copy of the message, including all the headers. ------\n\n" RETURNED,
	  "bounce", 0, HYG_BOUNCE | HYG_AUTO_REPLY, 0, 1, "kijitora@remote.example", "5.1.1", "ack-42@mado.example" },
	{ "Exim text without X-Failed-Recipients, two recipients", CFG_DEFAULT,
	  "From: Mail Delivery System <Mailer-Daemon@relay.remote.example>\nTo: support@mado.example\n"
	  "Subject: Mail delivery failed: returning message to sender\n\n"
	  "This message was created automatically by mail delivery software.\n\n"
	  "A message that you sent could not be delivered to one or more of its\n"
	  "recipients. This is a permanent error. The following address(es) failed:\n\n"
	  "  kijitora@remote.example\n    host mx.remote.example [192.0.2.1]: 550 5.1.1 no such user\n"
	  "  sabineko@remote.example\n    host mx.remote.example [192.0.2.1]: 552 5.2.2 mailbox full\n\n"
	  "------ This is a copy of the message, including all the headers. ------\n\n" RETURNED,
	  "bounce", 0, HYG_BOUNCE, 0, 2, "kijitora@remote.example", "5.1.1", "ack-42@mado.example" },
	{ "Exim delay warning", CFG_DEFAULT,
	  "From: Mail Delivery System <Mailer-Daemon@relay.remote.example>\nTo: support@mado.example\n"
	  "Subject: Warning: message 1abcde-0001xY-Ab delayed 24 hours\nAuto-Submitted: auto-replied\n\n"
	  "This message was created automatically by mail delivery software.\n"
	  "A message that you sent has not yet been delivered to one or more of its\n"
	  "recipients after more than 24 hours on the queue on relay.remote.example.\n\n"
	  "The address to which the message has not yet been delivered is:\n\n"
	  "  kijitora@remote.example\n    Delay reason: SMTP error from remote mail server after RCPT TO:\n"
	  "    451 4.7.1 greylisted\n\n"
	  "No action is required on your part. Delivery attempts will continue for\nsome time.\n",
	  "delayed", 0, HYG_DELAYED, HYG_BOUNCE, 1, "kijitora@remote.example", "4.7.1", NULL },
	{ "Postfix without a DSN part", CFG_DEFAULT,
	  "From: MAILER-DAEMON@mx.mado.example (Mail Delivery System)\nTo: support@mado.example\n"
	  "Subject: Undelivered Mail Returned to Sender\n\n"
	  "This is the mail system at host mx.mado.example.\n\n"
	  "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n"
	  "For further assistance, please send mail to postmaster.\n\n"
	  "If you do so, please include this problem report. You can\n"
	  "delete your own text from the attached returned message.\n\n"
	  "                   The mail system\n\n"
	  "<kijitora@remote.example>: host mx.remote.example[192.0.2.1] said: 550\n"
	  "    5.7.1 Rejected by policy (in reply to RCPT TO command)\n",
	  "bounce", 0, HYG_BOUNCE | HYG_SYSTEM_SENDER, 0, 1, "kijitora@remote.example", "5.7.1", NULL },
	{ "Sendmail text, two recipients", CFG_DEFAULT,
	  H_DAEMON "Subject: Returned mail: see transcript for details\n\n"
	  "The original message was received at Mon, 3 Jun 2024 10:00:00 +0900\nfrom mado.example [192.0.2.9]\n\n"
	  "   ----- The following addresses had permanent fatal errors -----\n<a@remote.example>\n"
	  "    (reason: 550 5.1.1 <a@remote.example>... User unknown)\n<b@remote.example>\n"
	  "    (reason: 552 5.2.2 <b@remote.example>... Mailbox full)\n\n"
	  "   ----- Transcript of session follows -----\n... while talking to mx.remote.example.:\n"
	  ">>> RCPT To:<a@remote.example>\n<<< 550 5.1.1 <a@remote.example>... User unknown\n"
	  ">>> RCPT To:<b@remote.example>\n<<< 552 5.2.2 <b@remote.example>... Mailbox full\n",
	  "bounce", 0, HYG_BOUNCE, 0, 2, "a@remote.example", "5.1.1", NULL },
	{ "Gmail", CFG_DEFAULT,
	  "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\nTo: support@mado.example\n"
	  "Subject: Delivery Status Notification (Failure)\n\n"
	  "Delivery to the following recipient failed permanently:\n\n     kijitora@remote.example\n\n"
	  "Technical details of permanent failure:\nGoogle tried to deliver your message, but it was rejected.\n\n"
	  "The error that the other server returned was:\n550 5.1.1 <kijitora@remote.example>... User Unknown\n\n"
	  "----- Original message -----\n\n" RETURNED,
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@remote.example", "5.1.1", "ack-42@mado.example" },
	{ "Exchange: 'Your message ... did not reach'", CFG_DEFAULT,
	  "From: System Administrator <postmaster@remote.example>\nTo: support@mado.example\n"
	  "Subject: Undeliverable: Re: your ticket\n\n"
	  "Your message\n\n  To:      other@remote.example\n  Subject: Re: your ticket\n"
	  "  Sent:    Mon, 3 Jun 2024 10:00:00 +0900\n\n"
	  "did not reach the following recipient(s):\n\n"
	  "kijitora@remote.example on Mon, 3 Jun 2024 10:00:00 +0900\n    The recipient name is not recognized\n",
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@remote.example", NULL, NULL },
	{ "Domino", CFG_DEFAULT,
	  "From: Postmaster <postmaster@remote.example>\nTo: support@mado.example\n"
	  "Subject: DELIVERY FAILURE: User kijitora not listed in Domino Directory\n\n"
	  "Your message\n\n  Subject: Re: your ticket\n\nwas not delivered to:\n\n  kijitora@remote.example\n\n"
	  "because:\n\n  User kijitora (kijitora@remote.example) not listed in Domino Directory\n",
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@remote.example", NULL, NULL },
	{ "Japanese carrier, no system From, Japanese subject", CFG_DEFAULT,
	  "From: no-reply@mail.carrier.example\nTo: support@mado.example\n"
	  "Subject: =?UTF-8?B?44Oh44O844Or44Ko44Op44O86YCa55+l?=\nContent-Type: text/plain; charset=UTF-8\n\n"
	  "\xe9\x80\x81\xe4\xbf\xa1\xe5\x85\x88\xe3\x81\xae\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x83\x9c"
	  "\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9\xe3\x81\x8c\xe4\xb8\x80\xe6\x9d\xaf\xe3\x81\xae\xe3\x81\x9f"
	  "\xe3\x82\x81\xe3\x80\x81\xe9\x80\x81\xe4\xbf\xa1\xe3\x81\xa7\xe3\x81\x8d\xe3\x81\xbe\xe3\x81\x9b"
	  "\xe3\x82\x93\xe3\x81\xa7\xe3\x81\x97\xe3\x81\x9f\xe3\x80\x82\n\n"
	  "     Could not be delivered to: <kijitora@carrier.example>\n     As their mailbox is full.\n",
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@carrier.example", NULL, NULL },
	{ "non-standard bounce: Message-ID line in the body", CFG_DEFAULT,
	  H_DAEMON "Subject: Mail delivery failed\n\n"
	  "There was an error delivering your mail to <kijitora@remote.example>.\n\n"
	  "550 5.1.1 <kijitora@remote.example>: User unknown\n\n"
	  "Your message had\n  Message-ID: <ack-77@mado.example>\n  Subject: Re: your ticket\n",
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@remote.example", "5.1.1", "ack-77@mado.example" },
	{ "bounce fields inside a plain-text notice", CFG_DEFAULT,
	  H_DAEMON "Subject: Delivery Status Notification (Failure)\n\n"
	  "An error occurred while trying to deliver the mail to the following recipients:\n"
	  "kijitora@remote.example\n\nTechnical report:\n\nReporting-MTA: dns; mta.remote.example\n\n"
	  "Action: failed\nFinal-Recipient: rfc822; kijitora@remote.example\n"
	  "Diagnostic-Code: smtp; 550 5.2.1 <other@remote.example>... User Unknown\nStatus: 5.2.1\n",
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@remote.example", "5.2.1", NULL },
	{ "forwarded bounce from a person (Fwd:)", CFG_DEFAULT,
	  H_PERSON "Subject: Fwd: Returned mail: see transcript for details\n\n"
	  "Your ack bounced, see below.\n\nBegin forwarded message:\n\n"
	  "> From: Mail Delivery Subsystem <MAILER-DAEMON@mx.customer.example>\n"
	  "> Subject: Returned mail: see transcript for details\n> Date: Mon, 3 Jun 2024\n> To: hanako@customer.example\n>\n"
	  ">    ----- The following addresses had permanent fatal errors -----\n> <kijitora@remote.example>\n"
	  ">     (reason: 550 5.1.1 User unknown)\n>\n>    ----- Transcript of session follows -----\n"
	  "> 550 5.1.1 <kijitora@remote.example>... User unknown\n",
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@remote.example", "5.1.1", NULL },

	{ "a person answering an NDR (quoted) asks about it: not a bounce", CFG_DEFAULT,
	  H_PERSON "Subject: RE: Undeliverable: your invoice 123\n\n"
	  "I got this when I replied to your invoice, can you check?\n\n"
	  "> Delivery has failed to these recipients or groups:\n>\n> billing@mado.example\n"
	  "> The email address you entered couldn't be found.\n",
	  "normal", 1, 0, HYG_BOUNCE, 0, NULL, NULL, NULL },
	{ "Exim: one recipient without a code does not borrow the other's", CFG_DEFAULT,
	  "Return-path: <>\nFrom: Mail Delivery System <Mailer-Daemon@smtp.remote.example>\n"
	  "To: support@mado.example\nSubject: Mail delivery failed: returning message to sender\n\n"
	  "This message was created automatically by mail delivery software.\n\n"
	  "A message that you sent could not be delivered to one or more of its\n"
	  "recipients. This is a permanent error. The following address(es) failed:\n\n"
	  "  nobody@nowhere.example\n    Unrouteable address\n"
	  "  kuro@remote.example\n    SMTP error from remote mail server after end of data:\n"
	  "    552 5.3.4 Message size exceeds fixed maximum message size\n\n"
	  "------ This is a copy of the message's headers. ------\n\n"
	  "Return-path: <support@mado.example>\nMessage-ID: <ack-10@mado.example>\n"
	  "From: Support <support@mado.example>\nTo: nobody@nowhere.example, kuro@remote.example\n",
	  "bounce", 0, HYG_BOUNCE, 0, 2, "nobody@nowhere.example", "", "ack-10@mado.example", "text", "5.3.4" },
	{ "Office 365 text NDR", CFG_DEFAULT,
	  "From: Microsoft Outlook <postmaster@outlook.example>\nTo: support@mado.example\n"
	  "Subject: Undeliverable: Re: ticket 55\n\n"
	  "Delivery has failed to these recipients or groups:\n\n"
	  "Kijitora (kijitora@remote.example)<mailto:kijitora@remote.example>\n"
	  "The email address you entered couldn't be found.\n\n"
	  "Diagnostic information for administrators:\n\nGenerating server: mx.outlook.example\n\n"
	  "kijitora@remote.example\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'\n\n"
	  "Original message headers:\n\nReceived: from mado.example\nMessage-ID: <ack-11@mado.example>\n"
	  "Subject: Re: ticket 55\nFrom: support@mado.example\nTo: kijitora@remote.example\n",
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@remote.example", "5.1.10", "ack-11@mado.example" },
	{ "Yahoo: '550: 5.1.1'", CFG_DEFAULT,
	  "Return-Path: <>\nFrom: MAILER-DAEMON@yahoo.example\nTo: support@mado.example\nSubject: Failure Notice\n\n"
	  "Sorry, we were unable to deliver your message to the following address.\n\n"
	  "<kijitora@remote.example>:\n550: 5.1.1 <kijitora@remote.example>: Recipient address rejected\n\n"
	  "--- Below this line is a copy of the message.\n\n" RETURNED,
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@remote.example", "5.1.1", "ack-42@mado.example" },
	{ "a gateway's notice wrapping the real DSN", CFG_DEFAULT,
	  "From: MAILER-DAEMON@gw.remote.example\nTo: support@mado.example\nSubject: Returned mail: User unknown\n"
	  "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"O\"\n\n"
	  "--O\nContent-Type: text/plain\n\nThe original message was received at Mon, 3 Jun 2024\n\n"
	  "----- The following addresses had permanent delivery errors -----\n\n"
	  "--O\nContent-Type: message/rfc822\n\n"
	  "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.remote.example>\nTo: support@mado.example\n"
	  "Subject: Returned mail: User unknown\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/report; report-type=delivery-status; boundary=\"I\"\n\n"
	  "--I\nContent-Type: text/plain\n\nfailed\n"
	  "--I\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
	  "Final-Recipient: rfc822; kijitora@remote.example\nAction: failed\nStatus: 5.1.1\n"
	  "--I\nContent-Type: message/rfc822\n\n" RETURNED "--I--\n\n--O--\n",
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@remote.example", "5.1.1", "ack-42@mado.example", "nested-dsn" },

	/* ---------------- JSON, feedback ---------------- */
	{ "Amazon SES bounce notification", CFG_DEFAULT,
	  "From: SES <no-reply@sns.amazonaws.com>\nTo: support@mado.example\nSubject: AWS Notification Message\n\n"
	  "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bouncedRecipients\":"
	  "[{\"emailAddress\":\"kijitora@remote.example\",\"action\":\"failed\",\"status\":\"5.1.1\","
	  "\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}]},\"mail\":{\"messageId\":\"0101abc\","
	  "\"headers\":[{\"name\":\"Message-ID\",\"value\":\"<ack-42@mado.example>\"}]}}\n",
	  "bounce", 0, HYG_BOUNCE, 0, 1, "kijitora@remote.example", "5.1.1", "ack-42@mado.example" },
	{ "Amazon SES complaint", CFG_DEFAULT,
	  "From: SES <no-reply@sns.amazonaws.com>\nTo: support@mado.example\nSubject: AWS Notification Message\n\n"
	  "{\"notificationType\":\"Complaint\",\"complaint\":{\"complainedRecipients\":"
	  "[{\"emailAddress\":\"kijitora@remote.example\"}],\"complaintFeedbackType\":\"abuse\"}}\n",
	  "feedback-report", 0, HYG_FEEDBACK, HYG_BOUNCE, 1, "kijitora@remote.example", NULL, NULL },
	{ "Amazon SES delivery", CFG_DEFAULT,
	  "From: SES <no-reply@sns.amazonaws.com>\nTo: support@mado.example\nSubject: AWS Notification Message\n\n"
	  "{\"notificationType\":\"Delivery\",\"delivery\":{\"recipients\":[\"kijitora@remote.example\"],"
	  "\"smtpResponse\":\"250 2.6.0 Message received\"}}\n",
	  "delivered", 0, HYG_DELIVERED, HYG_BOUNCE, 1, "kijitora@remote.example", "2.6.0", NULL },
	{ "ARF feedback report", CFG_DEFAULT,
	  "From: abuse@isp.example\nTo: support@mado.example\nSubject: Abuse Report\nMIME-Version: 1.0\n"
	  "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n"
	  "--F\nContent-Type: text/plain\n\nThis is an email abuse report.\n"
	  "--F\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: Example/1.0\nVersion: 1\n"
	  "Original-Rcpt-To: <kijitora@isp.example>\nSource-IP: 192.0.2.9\n"
	  "--F\nContent-Type: message/rfc822\n\n" RETURNED "--F--\n",
	  "feedback-report", 0, HYG_FEEDBACK, HYG_BOUNCE, 1, "kijitora@isp.example", NULL, "ack-42@mado.example" },

	/* ---------------- lists and bulk ---------------- */
	{ "List-Id", CFG_DEFAULT, H_PERSON "Subject: [ml] hi\nList-Id: <ml.lists.example>\n\nhi\n",
	  "list", 0, HYG_LIST, 0, 0, NULL, NULL, NULL },
	{ "List-Unsubscribe", CFG_DEFAULT,
	  H_PERSON "Subject: News\nList-Unsubscribe: <mailto:unsub@lists.example>\n\nhi\n",
	  "list", 0, HYG_LIST, 0, 0, NULL, NULL, NULL },
	{ "List-Post", CFG_DEFAULT, H_PERSON "Subject: hi\nList-Post: <mailto:ml@lists.example>\n\nhi\n",
	  "list", 0, HYG_LIST, 0, 0, NULL, NULL, NULL },
	{ "Mailing-List", CFG_DEFAULT, H_PERSON "Subject: hi\nMailing-List: contact ml-help@lists.example\n\nhi\n",
	  "list", 0, HYG_LIST, 0, 0, NULL, NULL, NULL },
	{ "X-Mailing-List", CFG_DEFAULT, H_PERSON "Subject: hi\nX-Mailing-List: <ml@lists.example>\n\nhi\n",
	  "list", 0, HYG_LIST, 0, 0, NULL, NULL, NULL },
	{ "X-ML-Name (Japanese ML)", CFG_DEFAULT, H_PERSON "Subject: [neko:00123] hi\nX-ML-Name: neko\n\nhi\n",
	  "list", 0, HYG_LIST, 0, 0, NULL, NULL, NULL },
	{ "Precedence: list", CFG_DEFAULT, H_PERSON "Subject: hi\nPrecedence: list\n\nhi\n",
	  "list", 0, HYG_LIST, 0, 0, NULL, NULL, NULL },
	{ "Precedence: bulk", CFG_DEFAULT, H_PERSON "Subject: Sale\nPrecedence: bulk\n\nsale\n",
	  "bulk", 0, HYG_BULK, HYG_LIST, 0, NULL, NULL, NULL },
	{ "Precedence: junk", CFG_DEFAULT, H_PERSON "Subject: Sale\nPrecedence: junk\n\nsale\n",
	  "bulk", 0, HYG_BULK, 0, 0, NULL, NULL, NULL },

	/* ---------------- system senders ---------------- */
	{ "Return-Path <> without bounce text", CFG_DEFAULT,
	  "Return-Path: <>\nFrom: Notifier <notify@service.example>\nTo: support@mado.example\nSubject: Your report\n\nReport ready.\n",
	  "system", 0, HYG_SYSTEM_SENDER, HYG_BOUNCE, 0, NULL, NULL, NULL },
	{ "From postmaster, not a bounce", CFG_DEFAULT,
	  "From: postmaster@remote.example\nTo: support@mado.example\nSubject: Planned maintenance\n\nOn Sunday.\n",
	  "system", 0, HYG_SYSTEM_SENDER, HYG_BOUNCE, 0, NULL, NULL, NULL },
	{ "From MAILER-DAEMON", CFG_DEFAULT,
	  "From: MAILER-DAEMON@remote.example\nTo: support@mado.example\nSubject: Notice\n\nQueue report.\n",
	  "system", 0, HYG_SYSTEM_SENDER, 0, 0, NULL, NULL, NULL },

	/* ---------------- loops and our own mail ---------------- */
	{ "our loop header", CFG_OWN, H_PERSON "Subject: Re: ticket\nX-Mado-Loop: support@mado.example\n\nhi\n",
	  "loop", 0, HYG_LOOP, 0, 0, NULL, NULL, NULL },
	{ "X-Loop naming our address", CFG_OWN, H_PERSON "Subject: Re: ticket\nX-Loop: support@mado.example\n\nhi\n",
	  "loop", 0, HYG_LOOP, 0, 0, NULL, NULL, NULL },
	{ "Message-ID on our domain", CFG_OWN,
	  "From: Someone <someone@else.example>\nTo: support@mado.example\nSubject: hi\nMessage-ID: <ack-1@mado.example>\n\nhi\n",
	  "loop", 0, HYG_OWN, 0, 0, NULL, NULL, NULL },
	{ "From our own address", CFG_OWN,
	  "From: Support <Support@Mado.Example>\nTo: support@mado.example\nSubject: hi\nMessage-ID: <x@else.example>\n\nhi\n",
	  "loop", 0, HYG_OWN, 0, 0, NULL, NULL, NULL },
	{ "replying to our Message-ID is fine", CFG_OWN,
	  H_PERSON "Subject: Re: ticket\nIn-Reply-To: <ack-1@mado.example>\nReferences: <ack-1@mado.example>\n\nthanks\n",
	  "normal", 1, 0, HYG_OWN | HYG_LOOP, 0, NULL, NULL, NULL },

	/* ---------------- spam ---------------- */
	{ "spam headers not trusted by default", CFG_DEFAULT,
	  H_PERSON "Subject: hi\nX-Spam-Flag: YES\nX-Spam-Status: Yes, score=9.1 required=5.0\n\nhi\n",
	  "normal", 1, 0, HYG_SPAM, 0, NULL, NULL, NULL },
	{ "X-Spam-Flag: YES", CFG_SPAM, H_PERSON "Subject: hi\nX-Spam-Flag: YES\n\nhi\n",
	  "spam", 0, HYG_SPAM, 0, 0, NULL, NULL, NULL },
	{ "X-Spam-Status: Yes, score=", CFG_SPAM,
	  H_PERSON "Subject: hi\nX-Spam-Status: Yes, score=7.3 required=5.0 tests=FOO\n\nhi\n",
	  "spam", 0, HYG_SPAM, 0, 0, NULL, NULL, NULL },
	{ "X-Spam-Status: No, score= under threshold", CFG_SPAM,
	  H_PERSON "Subject: hi\nX-Spam-Status: No, score=1.2 required=5.0\n\nhi\n",
	  "normal", 1, 0, HYG_SPAM, 0, NULL, NULL, NULL },
	{ "X-Spam-Score over threshold", CFG_SPAM, H_PERSON "Subject: hi\nX-Spam-Score: 6.5\n\nhi\n",
	  "spam", 0, HYG_SPAM, 0, 0, NULL, NULL, NULL },
	{ "X-Spam-Score under threshold", CFG_SPAM, H_PERSON "Subject: hi\nX-Spam-Score: 4.9\n\nhi\n",
	  "normal", 1, 0, HYG_SPAM, 0, NULL, NULL, NULL },
	{ "X-Rspamd-Score", CFG_SPAM, H_PERSON "Subject: hi\nX-Rspamd-Score: 12.04\n\nhi\n",
	  "spam", 0, HYG_SPAM, 0, 0, NULL, NULL, NULL },
	{ "X-Spamd-Result under threshold", CFG_SPAM,
	  H_PERSON "Subject: hi\nX-Spamd-Result: default: False [3.40 / 15.00];\n\tR_SPF_ALLOW(-0.20)\n\nhi\n",
	  "normal", 1, 0, HYG_SPAM, 0, NULL, NULL, NULL },
	{ "X-Spamd-Result: True", CFG_SPAM,
	  H_PERSON "Subject: hi\nX-Spamd-Result: default: True [16.40 / 15.00];\n\nhi\n",
	  "spam", 0, HYG_SPAM, 0, 0, NULL, NULL, NULL },
	{ "X-Spam-Level stars", CFG_SPAM, H_PERSON "Subject: hi\nX-Spam-Level: ******\n\nhi\n",
	  "spam", 0, HYG_SPAM, 0, 0, NULL, NULL, NULL },

	/* ---------------- kinds combine ---------------- */
	{ "a bounce that also carries Auto-Submitted stays a bounce", CFG_DEFAULT,
	  H_DAEMON "Subject: failure notice\nAuto-Submitted: auto-replied\n\n"
	  "Hi. This is the qmail-send program at mx.remote.example.\n"
	  "<kijitora@remote.example>:\nSorry, no mailbox here by that name. (#5.1.1)\n",
	  "bounce", 0, HYG_BOUNCE | HYG_AUTO_REPLY | HYG_SYSTEM_SENDER, 0, 1, "kijitora@remote.example", "5.1.1", NULL },
};

static void config_for(enum cfgv v, struct hygiene_config *cfg)
{
	static const char *const own[] = { "support@mado.example", "help@mado.example" };
	hygiene_config_default(cfg);
	if (v == CFG_OWN) {
		cfg->own_addresses = own;
		cfg->n_own_addresses = 2;
		cfg->own_msgid_domain = "mado.example";
	} else if (v == CFG_SPAM) {
		cfg->trust_spam_headers = true;
		cfg->spam_threshold = 5.0;
	}
}

static void run_case(const struct tcase *c)
{
	struct mail_limits lim;
	mail_limits_default(&lim);
	struct mail_msg *m = NULL;
	struct mado_err err;
	if (mail_parse(c->msg, strlen(c->msg), &lim, &m, &err) != MADO_OK || !m) {
		ok(0, "%s: parsed", c->name);
		return;
	}
	struct hygiene_config cfg;
	config_for(c->cfg, &cfg);
	struct hygiene_result r;
	mado_status st = hygiene_classify(m, &cfg, &r);
	ok(st == MADO_OK, "%s: classified", c->name);
	if (!ok(strcmp(r.kind, c->kind) == 0, "%s: kind %s", c->name, c->kind))
		diag("   got kind %s, reasons: %s", r.kind, r.reasons);
	is_int(r.may_auto_answer, c->may, "%s: may_auto_answer", c->name);
	if (c->must)
		ok((r.flags & c->must) == c->must, "%s: flags %#x set (got %#x)", c->name, c->must, r.flags);
	if (c->mustnot != ~0u && c->mustnot)
		ok((r.flags & c->mustnot) == 0, "%s: flags %#x not set (got %#x)", c->name, c->mustnot, r.flags);
	if (c->mustnot == ~0u)
		is_int(r.flags, 0, "%s: no flag at all", c->name);
	if (c->nrcpt >= 0)
		if (!ok((int)r.nrecipients == c->nrcpt, "%s: %d recipient(s) (got %zu)", c->name, c->nrcpt,
		        r.nrecipients))
			for (size_t i = 0; i < r.nrecipients; i++)
				diag("   got %s %s", r.recipients[i].email, r.recipients[i].status);
	if (c->rcpt0 && r.nrecipients)
		is_str(r.recipients[0].email, c->rcpt0, "%s: recipient", c->name);
	if (c->status0 && r.nrecipients)
		is_str(r.recipients[0].status, c->status0, "%s: status", c->name);
	if (c->msgid)
		is_str(r.original_message_id, c->msgid, "%s: original Message-ID", c->name);
	if (c->form)
		is_str(r.report_form, c->form, "%s: report form", c->name);
	if (c->status1 && r.nrecipients > 1)
		is_str(r.recipients[1].status, c->status1, "%s: second status", c->name);
	ok(r.reasons != NULL && (r.flags == 0 || *r.reasons), "%s: a reason for every flag", c->name);
	mail_msg_free(m);
}

/* ---- lower-level pieces ---- */

static void test_find_status(void)
{
	static const struct { const char *in, *want; } t[] = {
		{ "550 5.1.1 <a@b.example>... User unknown", "5.1.1" },
		{ "(#5.5.0)", "5.5.0" },
		{ "550-5.7.26 Unauthenticated email", "5.7.26" },
		{ "Status: 4.4.7", "4.4.7" },
		{ "ERROR_CODE :5.1.1 <a@b>", "5.1.1" },
		{ "5.7.509 Access denied", "5.7.509" },
		{ "host [192.0.2.45] said no", NULL },
		{ "Microsoft SMTP Server id 8.2.234.1;", NULL },
		{ "version 5.5.1960.3", NULL },
		{ "DragonFly Mail Agent v5.1.1", NULL },
		{ "3.1.1 is not a class", NULL },
		{ "end of sentence 5.2.2.", "5.2.2" },
		{ "", NULL },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char out[12];
		bool got = bounce_find_status(t[i].in, strlen(t[i].in), out);
		if (t[i].want)
			ok(got && strcmp(out, t[i].want) == 0, "find_status '%s' = %s (got %s)", t[i].in, t[i].want,
			   got ? out : "none");
		else
			ok(!got, "find_status '%s' = none (got %s)", t[i].in, got ? out : "none");
	}
}

static void test_system_address(void)
{
	static const struct { const char *in; bool want; } t[] = {
		{ "MAILER-DAEMON@example.com", true }, { "mailer-daemon", true }, { "postmaster@example.jp", true },
		{ "Postmaster@ezweb.ne.jp", true }, { "post_master@vtext.com", true },
		{ "postmasters@example.com", false }, { "daemon@example.com", false }, { "kijitora@example.com", false },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		is_int(bounce_is_system_address(t[i].in), t[i].want, "system address %s", t[i].in);
}

static void test_parse_dsn(void)
{
	struct arena *a = arena_new();
	const char *ds =
		"Reporting-MTA: dns; mx.example\r\nArrival-Date: Mon, 3 Jun 2024\r\n\r\n"
		"Final-Recipient: rfc822;<One@Example.COM>\r\nAction: failed\r\nStatus: 5.0.0 (permanent failure)\r\n"
		"Diagnostic-Code: smtp; 550-'5.7.1 <one@example.com>... Access denied'\r\n\r\n"
		"Final-Recipient: rfc822; two@example.com\r\nAction: Delayed\r\nStatus: 4.4.1\r\n"
		"Final-Recipient: rfc822; three\r\nX-Actual-Recipient: rfc822; three@example.net\r\n"
		"Action: failed\r\nDiagnostic-Code: X-Postfix; 554 mailbox unavailable\r\n";
	struct bounce_recipient *v = NULL;
	size_t n = 0;
	ok(bounce_parse_dsn(a, ds, strlen(ds), &v, &n) == MADO_OK, "parse_dsn ok");
	is_int(n, 3, "parse_dsn: three recipients (two in one block)");
	if (n == 3) {
		is_str(v[0].email, "one@example.com", "parse_dsn: address lower-cased, <> removed");
		is_str(v[0].status, "5.7.1", "parse_dsn: generic 5.0.0 yields to the diagnostic's code");
		is_str(v[0].action, "failed", "parse_dsn: action");
		is_str(v[1].action, "delayed", "parse_dsn: action lower-cased");
		is_str(v[1].status, "4.4.1", "parse_dsn: status");
		is_str(v[2].email, "three@example.net", "parse_dsn: X-Actual-Recipient when Final has no domain");
		is_str(v[2].status, "5.0.0", "parse_dsn: bare reply code 554 gives 5.0.0");
	}
	/* garbage never fails */
	const char *junk = "Final-Recipient:\n\n\nAction: failed\n:::\nStatus: 9.9.9\n";
	ok(bounce_parse_dsn(a, junk, strlen(junk), &v, &n) == MADO_OK, "parse_dsn survives garbage");
	arena_free(a);
}

static void test_received_loop(void)
{
	struct buf b;
	buf_init(&b, 0);
	buf_append_str(&b, H_PERSON "Subject: hi\n");
	for (int i = 0; i < 51; i++)
		buf_printf(&b, "Received: from hop%d.example by hop%d.example; Mon, 3 Jun 2024\n", i, i + 1);
	buf_append_str(&b, "\nhi\n");
	struct mail_limits lim;
	mail_limits_default(&lim);
	struct mail_msg *m = NULL;
	struct mado_err err;
	mail_parse(b.p, b.len, &lim, &m, &err);
	struct hygiene_config cfg;
	hygiene_config_default(&cfg);
	struct hygiene_result r;
	hygiene_classify(m, &cfg, &r);
	is_int(r.received_count, 51, "51 Received fields counted");
	ok(r.flags & HYG_LOOP, "51 Received fields over max_received 50 is a loop");
	is_str(r.kind, "loop", "kind loop");
	cfg.max_received = 51;
	hygiene_classify(m, &cfg, &r);
	ok(!(r.flags & HYG_LOOP), "51 Received fields at max_received 51 is not");
	mail_msg_free(m);
	buf_free(&b);
}

static void test_spam_score(void)
{
	const char *msg = H_PERSON "Subject: hi\nX-Spam-Status: No, score=1.2 required=5.0\n\nhi\n";
	struct mail_limits lim;
	mail_limits_default(&lim);
	struct mail_msg *m = NULL;
	struct mado_err err;
	mail_parse(msg, strlen(msg), &lim, &m, &err);
	struct hygiene_config cfg;
	config_for(CFG_SPAM, &cfg);
	struct hygiene_result r;
	hygiene_classify(m, &cfg, &r);
	ok(r.spam_score > 1.19 && r.spam_score < 1.21, "spam score read (%.2f)", r.spam_score);
	cfg.spam_threshold = 1.0;
	hygiene_classify(m, &cfg, &r);
	ok(r.flags & HYG_SPAM, "score over a lower threshold is spam");
	mail_msg_free(m);
}

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		run_case(&cases[i]);
	test_find_status();
	test_system_address();
	test_parse_dsn();
	test_received_loop();
	test_spam_score();
	return done_testing();
}
