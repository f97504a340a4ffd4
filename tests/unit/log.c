/* Unit tests of lib/log.c: one call is one escaped, bounded line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

static char	 out[8192];

/* Runs the log call in `stmt` with stderr redirected to a temporary
 * file and leaves what was written in out. */
#define CAPTURE(stmt) do { \
	FILE *fp_ = tmpfile(); \
	int saved_ = dup(STDERR_FILENO); \
	size_t n_; \
	fflush(stderr); \
	dup2(fileno(fp_), STDERR_FILENO); \
	stmt; \
	dup2(saved_, STDERR_FILENO); \
	close(saved_); \
	rewind(fp_); \
	n_ = fread(out, 1, sizeof(out) - 1, fp_); \
	out[n_] = '\0'; \
	fclose(fp_); \
} while (0)

static size_t
count_nl(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

int
main(void)
{
	char	 b[64], *big;
	size_t	 len;

	log_setprog("/usr/libexec/renrakucho/cgi-bin/login");
	CAPTURE(log_err("hello %d", 42));
	is_str(out, "renrakucho[login]: hello 42\n",
	    "log: prefix with base name of the program, one line");

	CAPTURE(log_info("a\nrenrakucho[x]: forged"));
	is_str(out, "renrakucho[login]: a\\x0arenrakucho[x]: forged\n",
	    "log-bad-newline escaped: no forged second line");
	CAPTURE(log_err("a\rb"));
	is_str(out, "renrakucho[login]: a\\x0db\n", "log-bad-cr escaped");
	CAPTURE(log_err("%s", "\x1b[31mred"));
	is_str(out, "renrakucho[login]: \\x1b[31mred\n", "log-bad-escape-char escaped");
	CAPTURE(log_err("%s", "tab\tdel\x7f"));
	is_str(out, "renrakucho[login]: tab\\x09del\\x7f\n", "log: tab and DEL escaped");
	CAPTURE(log_err("%s", "back\\slash"));
	is_str(out, "renrakucho[login]: back\\x5cslash\n",
	    "log: backslash escaped, so escapes are unambiguous");
	CAPTURE(log_err("%s", "bad \xff\xfe and \xc0\xaf \xed\xa0\x80 \xe3\x81"));
	is_str(out, "renrakucho[login]: bad \\xff\\xfe and \\xc0\\xaf "
	    "\\xed\\xa0\\x80 \\xe3\\x81\n", "log-bad-invalid-utf8 escaped bytewise");
	CAPTURE(log_err("%s", "c1 \xc2\x85"));
	is_str(out, "renrakucho[login]: c1 \\xc2\\x85\n", "log: C1 control escaped");
	CAPTURE(log_err("利用者 %s がログインしました 👍", "山田"));
	is_str(out, "renrakucho[login]: 利用者 山田 がログインしました 👍\n",
	    "log: Japanese text and emoji kept");

	/* Truncation: bounded to 2 KiB, marked with "...". */
	big = malloc(10000);
	memset(big, 'a', 9999);
	big[9999] = '\0';
	CAPTURE(log_err("%s", big));
	len = strlen(out);
	ok(len <= 2048 && len > 1900 && count_nl(out) == 1 &&
	    strcmp(out + len - 4, "...\n") == 0,
	    "log: long message truncated to 2 KiB with ...");
	/* Escaped bytes expand 4x: still bounded, escapes never cut. */
	memset(big, '\n', 9999);
	CAPTURE(log_err("%s", big));
	len = strlen(out);
	ok(len <= 2048 && count_nl(out) == 1 &&
	    strcmp(out + len - 8, "\\x0a...\n") == 0,
	    "log: escaped message truncated without cutting an escape");
	/* A long Japanese message is never cut inside a character. */
	for (len = 0; len + 3 < 9999; len += 3)
		memcpy(big + len, "あ", 3);
	big[len] = '\0';
	CAPTURE(log_err("%s", big));
	len = strlen(out);
	ok(len <= 2048 && count_nl(out) == 1 && strstr(out, "\\x") == NULL &&
	    strcmp(out + len - 7, "あ...\n") == 0,
	    "log: truncated Japanese keeps whole characters");
	free(big);

	log_escape(b, sizeof(b), "x\ny");
	is_str(b, "x\\x0ay", "log_escape: escapes");
	log_escape(b, 8, "abcdefghij");
	is_str(b, "abcd...", "log_escape: truncated with ...");
	log_escape(b, 8, "abcdefg");
	is_str(b, "abcdefg", "log_escape: exact fit not truncated");
	log_escape(b, 8, "\n\n");
	is_str(b, "\\x0a...", "log_escape: never cuts an escape");
	log_escape(b, 2, "abc");
	is_str(b, "a", "log_escape: tiny buffer");
	log_escape(b, 7, "ああ");
	is_str(b, "ああ", "log_escape: UTF-8 kept");

	log_setprog("we\nird");
	CAPTURE(log_info("x"));
	is_str(out, "renrakucho[we\\x0aird]: x\n", "log_setprog: name escaped");
	return tap_done();
}
