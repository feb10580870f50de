/*
 * GMime's one-time set-up, next to the GMime back-ends the statically
 * linked build leaves out (gmime_init.c). Only mail/parse.c calls it.
 */
#ifndef MADO_MAIL_GMIME_INIT_H
#define MADO_MAIL_GMIME_INIT_H

/* g_mime_init(); call once per process (parse.c does, under pthread_once). */
void mail_gmime_init(void);

#endif
