/* GMime as Mado links it (src/mail/gmime_init.c): without its crypto, GIO
 * and IDN back-ends, signed, encrypted and IDN mail still parses as before,
 * and GMime's crypto entry points fail cleanly instead of calling GPGME. */
#include <gmime/gmime.h>
#include <string.h>

#include "mail/mail.h"
#include "tap.h"

static struct mail_msg *parse(const char *raw)
{
	struct mail_limits lim;
	mail_limits_default(&lim);
	struct mail_msg *m = NULL;
	struct mado_err err;
	return mail_parse(raw, strlen(raw), &lim, &m, &err) == MADO_OK ? m : NULL;
}

static const struct mail_part *part_of_type(const struct mail_msg *m, const char *type)
{
	for (size_t i = 0; i < m->nparts; i++)
		if (!strcmp(m->parts[i].content_type, type))
			return &m->parts[i];
	return NULL;
}

static const char pgp_signed[] =
	"From: =?UTF-8?B?5bGx55Sw?= <yamada@example.jp>\r\n"
	"To: support@example.com\r\n"
	"Subject: signed\r\n"
	"Message-ID: <signed-1@example.jp>\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/signed; micalg=pgp-sha256;\r\n"
	" protocol=\"application/pgp-signature\"; boundary=\"b1\"\r\n"
	"\r\n"
	"--b1\r\n"
	"Content-Type: text/plain; charset=utf-8\r\n"
	"\r\n"
	"The printer is broken again.\r\n"
	"--b1\r\n"
	"Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n"
	"Content-Disposition: attachment; filename=\"signature.asc\"\r\n"
	"\r\n"
	"-----BEGIN PGP SIGNATURE-----\r\n"
	"iQEzBAEBCAAdFiEEAAAAAAAAAAAAAAAAAAAAAAAAAAAFAmAAAAAACgkQAAAAAAAA\r\n"
	"-----END PGP SIGNATURE-----\r\n"
	"--b1--\r\n";

static const char pgp_encrypted[] =
	"From: bob@example.com\r\n"
	"Subject: encrypted\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e1\"\r\n"
	"\r\n"
	"--e1\r\n"
	"Content-Type: application/pgp-encrypted\r\n"
	"\r\n"
	"Version: 1\r\n"
	"--e1\r\n"
	"Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n"
	"\r\n"
	"-----BEGIN PGP MESSAGE-----\r\n"
	"hQEMAAAAAAAAAAAAAQf/AAAA\r\n"
	"-----END PGP MESSAGE-----\r\n"
	"--e1--\r\n";

static const char smime_opaque[] =
	"From: carol@example.com\r\n"
	"Subject: smime\r\n"
	"MIME-Version: 1.0\r\n"
	"Content-Type: application/pkcs7-mime; smime-type=signed-data; name=\"smime.p7m\"\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"Content-Disposition: attachment; filename=\"smime.p7m\"\r\n"
	"\r\n"
	"MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwGggCSA\r\n";

static const char idn_from[] =
	"From: =?UTF-8?B?5L2Q6Jek?= <sato@xn--wgv71a119e.jp>\r\n"
	"To: support@xn--eckwd4c7c.xn--zckzah\r\n"
	"Subject: idn\r\n"
	"\r\n"
	"hello\r\n";

int main(void)
{
	struct mail_msg *m = parse(pgp_signed);
	ok(m != NULL, "PGP/MIME signed mail parses");
	if (m) {
		ok(strstr(m->text, "The printer is broken again.") != NULL, "its signed text is the body");
		const struct mail_part *sig = part_of_type(m, "application/pgp-signature");
		ok(sig && sig->role == MAIL_PART_ATTACHMENT && !strcmp(sig->filename, "signature.asc"),
		   "the signature is kept as an attachment");
		ok(sig && sig->len > 0 && memmem(sig->data, sig->len, "BEGIN PGP SIGNATURE", 19),
		   "with its bytes");
		is_str(m->from.v[0].name, "山田", "the sender's name is decoded");
		mail_msg_free(m);
	}

	m = parse(pgp_encrypted);
	ok(m != NULL, "PGP/MIME encrypted mail parses");
	if (m) {
		const struct mail_part *blob = part_of_type(m, "application/octet-stream");
		ok(blob && blob->len > 0 && memmem(blob->data, blob->len, "BEGIN PGP MESSAGE", 17),
		   "the ciphertext is kept as it came");
		mail_msg_free(m);
	}

	m = parse(smime_opaque);
	ok(m != NULL, "S/MIME opaque-signed mail parses");
	if (m) {
		const struct mail_part *p7 = part_of_type(m, "application/pkcs7-mime");
		ok(p7 && p7->role == MAIL_PART_ATTACHMENT && !strcmp(p7->filename, "smime.p7m") && p7->len > 0,
		   "its PKCS#7 part is kept as an attachment");
		mail_msg_free(m);
	}

	m = parse(idn_from);
	ok(m != NULL, "mail from an IDN domain parses");
	if (m) {
		is_str(m->from.v[0].email, "sato@xn--wgv71a119e.jp", "the address is read as written");
		is_str(m->from.v[0].name, "佐藤", "and its name decoded");
		is_str(m->to.v[0].email, "support@xn--eckwd4c7c.xn--zckzah", "so is the recipient");
		mail_msg_free(m);
	}

#ifdef MADO_GMIME_TRIMMED
	/* GMime is initialised by the parses above. */
	GMimeCryptoContext *ctx = g_mime_crypto_context_new("application/pgp-signature");
	ok(ctx == NULL, "no OpenPGP context: GPGME is not linked");
	ok(g_mime_crypto_context_new("application/pkcs7-signature") == NULL, "no S/MIME context either");

	/* What a caller of GMime's verify gets: an error, never a crash. */
	GMimeParser *parser = g_mime_parser_new();
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(pgp_signed, sizeof pgp_signed - 1);
	g_mime_parser_init_with_stream(parser, stream);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
	GMimeObject *body = msg ? g_mime_message_get_mime_part(msg) : NULL;
	GError *gerr = NULL;
	GMimeSignatureList *sigs = NULL;
	if (body && GMIME_IS_MULTIPART_SIGNED(body))
		sigs = g_mime_multipart_signed_verify((GMimeMultipartSigned *)body, GMIME_VERIFY_NONE, &gerr);
	ok(body && GMIME_IS_MULTIPART_SIGNED(body) && sigs == NULL && gerr != NULL,
	   "g_mime_multipart_signed_verify() fails with an error: %s", gerr ? gerr->message : "(none)");
	if (gerr)
		g_error_free(gerr);
	if (msg)
		g_object_unref(msg);
	g_object_unref(stream);
	g_object_unref(parser);
#endif
	return done_testing();
}
