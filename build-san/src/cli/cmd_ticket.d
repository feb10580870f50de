build-san/src/cli/cmd_ticket.o: src/cli/cmd_ticket.c src/cli/cli.h \
 src/mail/thread.h src/util/buf.h src/util/status.h src/store/store.h \
 src/util/arena.h src/store/workspace.h src/util/config.h
src/cli/cli.h:
src/mail/thread.h:
src/util/buf.h:
src/util/status.h:
src/store/store.h:
src/util/arena.h:
src/store/workspace.h:
src/util/config.h:
