build-san/src/cli/cmd_run.o: src/cli/cmd_run.c src/cli/cli.h \
 src/store/workspace.h src/mail/thread.h src/util/buf.h src/util/status.h \
 src/util/config.h
src/cli/cli.h:
src/store/workspace.h:
src/mail/thread.h:
src/util/buf.h:
src/util/status.h:
src/util/config.h:
