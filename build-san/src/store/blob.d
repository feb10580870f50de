build-san/src/store/blob.o: src/store/blob.c src/store/blob.h \
 src/util/status.h src/util/buf.h src/util/fsio.h
src/store/blob.h:
src/util/status.h:
src/util/buf.h:
src/util/fsio.h:
