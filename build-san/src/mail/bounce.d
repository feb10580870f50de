build-san/src/mail/bounce.o: src/mail/bounce.c src/mail/bounce.h \
 src/mail/hygiene.h src/mail/mail.h src/util/arena.h src/util/buf.h \
 src/util/status.h
src/mail/bounce.h:
src/mail/hygiene.h:
src/mail/mail.h:
src/util/arena.h:
src/util/buf.h:
src/util/status.h:
