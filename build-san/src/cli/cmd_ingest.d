build-san/src/cli/cmd_ingest.o: src/cli/cmd_ingest.c src/cli/cli.h \
 src/core/intake.h src/mail/hygiene.h src/mail/mail.h src/util/arena.h \
 src/util/buf.h src/util/status.h src/store/blob.h src/store/store.h \
 src/util/config.h src/mail/spool.h src/store/workspace.h \
 src/mail/thread.h src/util/fsio.h
src/cli/cli.h:
src/core/intake.h:
src/mail/hygiene.h:
src/mail/mail.h:
src/util/arena.h:
src/util/buf.h:
src/util/status.h:
src/store/blob.h:
src/store/store.h:
src/util/config.h:
src/mail/spool.h:
src/store/workspace.h:
src/mail/thread.h:
src/util/fsio.h:
