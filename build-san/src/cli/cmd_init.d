build-san/src/cli/cmd_init.o: src/cli/cmd_init.c src/cli/cli.h \
 src/store/workspace.h src/mail/thread.h src/util/buf.h src/util/status.h \
 src/util/config.h
src/cli/cli.h:
src/store/workspace.h:
src/mail/thread.h:
src/util/buf.h:
src/util/status.h:
src/util/config.h:
