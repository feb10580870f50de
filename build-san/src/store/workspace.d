build-san/src/store/workspace.o: src/store/workspace.c \
 src/store/workspace.h src/mail/thread.h src/util/buf.h src/util/status.h \
 src/util/config.h src/mail/spool.h src/store/store.h src/util/arena.h \
 src/util/fsio.h
src/store/workspace.h:
src/mail/thread.h:
src/util/buf.h:
src/util/status.h:
src/util/config.h:
src/mail/spool.h:
src/store/store.h:
src/util/arena.h:
src/util/fsio.h:
