build-san/src/util/status.o: src/util/status.c src/util/status.h
src/util/status.h:
