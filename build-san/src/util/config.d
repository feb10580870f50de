build-san/src/util/config.o: src/util/config.c src/util/config.h \
 src/util/status.h
src/util/config.h:
src/util/status.h:
