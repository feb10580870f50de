build-san/src/cli/cmd_ticket.o: src/cli/cmd_ticket.c src/cli/cli.h \
 src/store/store.h src/util/arena.h src/util/buf.h src/util/status.h \
 src/store/workspace.h src/mail/thread.h src/util/config.h
src/cli/cli.h:
src/store/store.h:
src/util/arena.h:
src/util/buf.h:
src/util/status.h:
src/store/workspace.h:
src/mail/thread.h:
src/util/config.h:
