build-san/src/core/intake.o: src/core/intake.c src/core/intake.h \
 src/mail/hygiene.h src/mail/mail.h src/util/arena.h src/util/buf.h \
 src/util/status.h src/store/blob.h src/store/store.h src/util/config.h \
 src/mail/header.h src/mail/spool.h src/mail/thread.h src/util/fsio.h
src/core/intake.h:
src/mail/hygiene.h:
src/mail/mail.h:
src/util/arena.h:
src/util/buf.h:
src/util/status.h:
src/store/blob.h:
src/store/store.h:
src/util/config.h:
src/mail/header.h:
src/mail/spool.h:
src/mail/thread.h:
src/util/fsio.h:
