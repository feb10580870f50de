build-san/src/mail/header.o: src/mail/header.c src/mail/header.h \
 src/mail/mail.h src/util/arena.h src/util/buf.h src/util/status.h \
 src/mail/charset.h
src/mail/header.h:
src/mail/mail.h:
src/util/arena.h:
src/util/buf.h:
src/util/status.h:
src/mail/charset.h:
