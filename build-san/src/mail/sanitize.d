build-san/src/mail/sanitize.o: src/mail/sanitize.c src/mail/sanitize.h \
 src/util/buf.h src/util/status.h
src/mail/sanitize.h:
src/util/buf.h:
src/util/status.h:
