/* str_ifind (src/util/buf.c): case-insensitive substring search used by
 * the hygiene and bounce scanners on every body. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tap.h"
#include "util/buf.h"

/* The obvious definition, to compare the fast one against. */
static size_t naive_ifind(const char *h, size_t hl, const char *n)
{
	size_t nl = strlen(n);
	if (nl == 0)
		return 0;
	for (size_t i = 0; i + nl <= hl; i++) {
		size_t k = 0;
		while (k < nl && tolower((unsigned char)h[i + k]) == tolower((unsigned char)n[k]))
			k++;
		if (k == nl)
			return i;
	}
	return (size_t)-1;
}

int main(void)
{
	is_int(str_ifind(str_from_cstr("I am Out Of Office today"), "out of office"), 5,
	       "found regardless of case");
	is_int(str_ifind(str_from_cstr("OUT"), "out"), 0, "at the very start");
	is_int(str_ifind(str_from_cstr("xxout"), "OUT"), 2, "at the very end");
	ok(str_ifind(str_from_cstr("xxou"), "out") == (size_t)-1, "a prefix at the end is no match");
	ok(str_ifind(str_make("abcout", 4), "out") == (size_t)-1, "never past the given length");
	is_int(str_ifind(str_from_cstr("oooout"), "oout"), 2, "overlapping first-byte candidates");
	is_int(str_ifind(str_from_cstr("不在にしております"), "不在"), 0, "UTF-8 bytes compare exactly");
	is_int(str_ifind(str_from_cstr("abc"), ""), 0, "an empty needle matches at 0");
	ok(str_ifind(str_from_cstr(""), "a") == (size_t)-1, "nothing in an empty haystack");
	is_int(str_ifind(str_from_cstr("a1:b 1:c"), "1:C"), 5, "non-letters as first byte");

	/* Random haystacks over a small alphabet (many near misses, both
	 * cases of the first byte): same answer as the obvious loop. */
	srand(7);
	static const char alpha[] = "aAbB:c ";
	int agree = 0, runs = 2000;
	for (int r = 0; r < runs; r++) {
		char h[200], n[6];
		size_t hl = (size_t)(rand() % 200), nl = 1 + (size_t)(rand() % 5);
		for (size_t i = 0; i < hl; i++)
			h[i] = alpha[rand() % 7];
		for (size_t i = 0; i < nl; i++)
			n[i] = alpha[rand() % 7];
		n[nl] = 0;
		agree += str_ifind(str_make(h, hl), n) == naive_ifind(h, hl, n);
	}
	is_int(agree, runs, "agrees with the obvious search on %d random cases", runs);
	return done_testing();
}
