build-san/src/mail/thread.o: src/mail/thread.c src/mail/thread.h \
 src/util/buf.h src/util/status.h
src/mail/thread.h:
src/util/buf.h:
src/util/status.h:
