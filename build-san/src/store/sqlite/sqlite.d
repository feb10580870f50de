build-san/src/store/sqlite/sqlite.o: src/store/sqlite/sqlite.c \
 src/store/store.h src/util/arena.h src/util/buf.h src/util/status.h \
 src/store/migrations.h
src/store/store.h:
src/util/arena.h:
src/util/buf.h:
src/util/status.h:
src/store/migrations.h:
