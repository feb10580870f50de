/*
 * GMime's set-up, and GMime without its crypto and GIO back-ends for the
 * statically linked build (the Makefile defines MADO_GMIME_TRIMMED when it
 * links libgmime-3.0.a).
 *
 * Why: `mado ingest` runs once per mail, and each shared library costs its
 * mapping, relocations and constructors at every exec. g_mime_init()
 * references the OpenPGP and S/MIME contexts (which pull GPGME, libassuan
 * and libgpg-error) and the GIO stream (which pulls GIO and with it
 * libmount, libblkid and libselinux); GMime's address parser calls libidn2
 * (which loads libunistring). Mado never verifies, decrypts nor reads a
 * GFile through GMime, and reads addresses with its own parser
 * (mail/header.c), never GMime's InternetAddress objects; so this file
 * defines those entry points itself, and the linker takes no archive
 * member that needs GPGME or GIO (a member that did would clash with these
 * definitions at link time: a GMime upgrade that changes this cannot go
 * unnoticed).
 *
 * What it means at run time, as GMime built with --disable-crypto and
 * without libidn2: no crypto context is available, so
 * g_mime_multipart_signed_verify() and friends fail with
 * GMIME_ERROR_PROTOCOL_ERROR ("unregistered protocol"), while signed and
 * encrypted mail still parses and its parts are stored as they are; an
 * "xn--" domain stays in its ASCII form inside GMime's address objects.
 * docs/benchmarks.md has the start-up figures.
 *
 * mail_gmime_init() lives here so that whatever links the parser links
 * these definitions too: an archive member is only taken for a symbol
 * still undefined, and libmado.a is scanned before libgmime-3.0.a.
 */
#include "mail/gmime_init.h"

#include <gmime/gmime.h>
#include <stddef.h>
#include <stdlib.h>

void mail_gmime_init(void)
{
	g_mime_init();
}

#ifdef MADO_GMIME_TRIMMED

/* g_mime_init() calls gpgme_check_version(NULL) to initialise GPGME. */
const char *gpgme_check_version_internal(const char *req_version, size_t offset_sig_validity);
const char *gpgme_check_version_internal(const char *req_version, size_t offset_sig_validity)
{
	(void)req_version;
	(void)offset_sig_validity;
	return NULL; /* "no GPGME", as it answers for an unmet version */
}

/* The context constructors g_mime_init() registers: NULL is "protocol not
 * available", which every GMime caller turns into a GError. */
GMimeCryptoContext *g_mime_gpg_context_new(void)
{
	return NULL;
}

GMimeCryptoContext *g_mime_pkcs7_context_new(void)
{
	return NULL;
}

/* g_mime_init() registers every GMime type; these do not exist here. */
GType g_mime_gpg_context_get_type(void)
{
	return G_TYPE_INVALID;
}

GType g_mime_pkcs7_context_get_type(void)
{
	return G_TYPE_INVALID;
}

GType g_mime_stream_gio_get_type(void)
{
	return G_TYPE_INVALID;
}
/*
 * libidn2, as GMime's addrspec_parse() (decode an "xn--" domain) and
 * internet_address_mailbox_get_idn_addr() (encode one) call it: an
 * encoding error, on which GMime keeps the domain as it is.
 */
#define IDN2_ENCODING_ERROR_ (-200) /* IDN2_ENCODING_ERROR in <idn2.h> */
int idn2_to_unicode_8z8z(const char *input, char **output, int flags);
int idn2_to_unicode_8z8z(const char *input, char **output, int flags)
{
	(void)input;
	(void)flags;
	*output = NULL;
	return IDN2_ENCODING_ERROR_;
}

int idn2_to_ascii_8z(const char *input, char **output, int flags);
int idn2_to_ascii_8z(const char *input, char **output, int flags)
{
	(void)input;
	(void)flags;
	*output = NULL;
	return IDN2_ENCODING_ERROR_;
}

void idn2_free(void *ptr);
void idn2_free(void *ptr)
{
	free(ptr);
}
#endif
