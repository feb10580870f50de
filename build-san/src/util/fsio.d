build-san/src/util/fsio.o: src/util/fsio.c src/util/fsio.h src/util/buf.h \
 src/util/status.h
src/util/fsio.h:
src/util/buf.h:
src/util/status.h:
