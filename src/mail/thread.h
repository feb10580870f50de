/*
 * Threading tokens: the ticket token in subjects ("[#123]", format
 * configurable) and the signed reply address "support+123.k3x9q2m7ab4f@dom"
 * whose tag is an HMAC-SHA256 of the ticket number under the workspace
 * secret, so that nobody can write into a ticket by guessing its number.
 * Pure functions: the key and formats are passed in.
 */
#ifndef MADO_MAIL_THREAD_H
#define MADO_MAIL_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define THREAD_KEY_BYTES 32
#define THREAD_TAG_CHARS 12

/* Append the token for ticket n to out, e.g. "[#123]" for format "[#{n}]". */
mado_status thread_token_format(const char *format, int64_t n, struct buf *out);

/*
 * Find the last token of the given format in subject (UTF-8); true with *n
 * set when one is found. A format without "{n}" never matches.
 */
bool thread_token_find(const char *format, const char *subject, size_t len, int64_t *n);

/* The reply tag of ticket n: THREAD_TAG_CHARS lowercase base32 chars + NUL. */
void thread_tag(const unsigned char key[THREAD_KEY_BYTES], int64_t n,
                char tag[THREAD_TAG_CHARS + 1]);

/* The survey token of ticket n (same form, another purpose than the reply
 * tag): the signed part of the satisfaction survey link. */
void thread_survey_tag(const unsigned char key[THREAD_KEY_BYTES], int64_t n, char tag[THREAD_TAG_CHARS + 1]);
/* Is tag the survey token of ticket n? (constant time) */
bool thread_verify_survey(const unsigned char key[THREAD_KEY_BYTES], int64_t n, const char *tag);

/* Append "local+<n>.<tag>@domain" for the support address "local@domain". */
mado_status thread_sign_address(const unsigned char key[THREAD_KEY_BYTES], const char *support,
                                int64_t n, struct buf *out);

/*
 * If addr is "<local>+<n>.<tag>@<domain>" where local@domain is the
 * support address (case-insensitive) and tag is valid for n (checked in
 * constant time), set *n and return true.
 */
bool thread_verify_address(const unsigned char key[THREAD_KEY_BYTES], const char *support,
                           const char *addr, size_t len, int64_t *n);

/*
 * The VERP envelope sender of agent replies on ticket n:
 * "bounce+<n>-<tag>@<domain of support>", its tag an HMAC under another
 * purpose than reply addresses. A bounce of such a reply comes back to
 * that address (route bounce+*@domain into `mado ingest`), and
 * thread_verify_verp() finds the ticket from it.
 */
mado_status thread_verp_address(const unsigned char key[THREAD_KEY_BYTES], const char *support, int64_t n,
                                struct buf *out);
bool thread_verify_verp(const unsigned char key[THREAD_KEY_BYTES], const char *support, const char *addr,
                        size_t len, int64_t *n);

/*
 * The References of a reply: the parent's References (refs_json, a JSON
 * array of ids without <>; bad JSON counts as none) followed by its
 * Message-ID (in_reply_to, "" for none), keeping the last
 * THREAD_MAX_REFERENCES. Returns a new JSON array (caller decrefs) and
 * appends the header value "<a> <b> ..." to hdr.
 */
#define THREAD_MAX_REFERENCES 20
struct json_t;
struct json_t *thread_reply_references(const char *refs_json, const char *in_reply_to, struct buf *hdr);

#endif
