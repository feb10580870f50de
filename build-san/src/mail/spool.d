build-san/src/mail/spool.o: src/mail/spool.c src/mail/spool.h \
 src/util/status.h src/util/fsio.h src/util/buf.h
src/mail/spool.h:
src/util/status.h:
src/util/fsio.h:
src/util/buf.h:
