build-san/src/mail/charset.o: src/mail/charset.c src/mail/charset.h \
 src/util/buf.h src/util/status.h
src/mail/charset.h:
src/util/buf.h:
src/util/status.h:
