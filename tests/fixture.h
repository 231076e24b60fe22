/* File helpers for the C tests. */
#ifndef TESTS_FIXTURE_H
#define TESTS_FIXTURE_H

#include <stdio.h>

/* The file at path as a string (its first 64 KiB - 1 bytes), or NULL when
 * it cannot be opened. The buffer is static: the next call reuses it. */
static inline char *read_file(const char *path)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

#endif
