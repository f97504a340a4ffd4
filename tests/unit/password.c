/* Unit tests for lib/password.c: the password policy's bounds in code
 * points, its refusals of control characters and invalid UTF-8, of the
 * login ID, and cracklib's (the dictionary from cracklib-runtime); the
 * temporary passwords of a reset: length, alphabet, accepted, differ. */
#include <stdio.h>
#include <string.h>

#include "password.h"
#include "tap.h"

#define SHORT	"パスワードは12文字以上にしてください。"
#define LONG	"パスワードは128文字までにしてください。"
#define BAD	"パスワードに使えない文字（改行や制御文字）が含まれています。"
#define SAME	"ログインIDと同じパスワードは使えません。"
#define DICT	"よく使われる語や単純な並び、ログインIDに近いものは" \
		"パスワードに使えません。別のパスワードにしてください。"

/* n copies of the UTF-8 character c into b. */
static const char *
rep(char *b, size_t sz, const char *c, int n)
{
	size_t	 len = strlen(c), o = 0;
	int	 i;

	for (i = 0; i < n && o + len < sz; i++, o += len)
		memcpy(b + o, c, len);
	b[o] = '\0';
	return b;
}

int
main(void)
{
	char	 b[1024];

	is_str(password_check(NULL, "staff1"), "パスワードを入力してください。",
	    "NULL refused");
	is_str(password_check("", "staff1"), "パスワードを入力してください。",
	    "empty refused");
	/* 11 kana are 33 bytes: counted as characters, too short. */
	is_str(password_check("あいうえおかきくけこさ", "staff1"), SHORT,
	    "11 kana (33 bytes): too short");
	ok(password_check("あいうえおかきくけこさし", "staff1") == NULL,
	    "12 kana: accepted");
	is_str(password_check("Zq7-Kp2-Wm9", "staff1"), SHORT,
	    "11 ASCII characters: too short");
	ok(password_check("Zq7-Kp2-Wm9x", "staff1") == NULL,
	    "12 ASCII characters: accepted");
	/* 128 and 129: "Zq7-Kp2-Wm9x" repeated, cut to length. */
	rep(b, sizeof(b), "Zq7-Kp2-Wm9x", 11);
	b[128] = '\0';
	ok(strlen(b) == 128 && password_check(b, "staff1") == NULL,
	    "128 characters: accepted");
	rep(b, sizeof(b), "Zq7-Kp2-Wm9x", 11);
	b[129] = '\0';
	is_str(password_check(b, "staff1"), LONG, "129 characters: too long");
	is_str(password_check("Zq7-Kp2\x01Wm9xy", "staff1"), BAD,
	    "a control character refused");
	is_str(password_check("Zq7-Kp2\nWm9xy", "staff1"), BAD,
	    "a newline refused");
	is_str(password_check("Zq7-Kp2-Wm9x\xc2\x85", "staff1"), BAD,
	    "a C1 control (U+0085) refused");
	is_str(password_check("Zq7-Kp2-Wm9x\xe3\x81", "staff1"), BAD,
	    "a cut UTF-8 sequence refused");
	is_str(password_check("Zq7-Kp2-Wm9x\xc0\xaf", "staff1"), BAD,
	    "an overlong form refused");
	is_str(password_check("Zq7-Kp2-Wm9x\xed\xa0\x80", "staff1"), BAD,
	    "a surrogate refused");
	is_str(password_check("Long-Login-ID-1", "long-login-id-1"), SAME,
	    "the login ID (any case) refused");
	is_str(password_check("understanding", "staff1"), DICT,
	    "a dictionary word refused (cracklib)");
	is_str(password_check("Understanding1", "staff1"), DICT,
	    "a dictionary word with a capital and a digit refused");
	is_str(password_check("abcdefghijklmn", "staff1"), DICT,
	    "a run of letters refused (too systematic)");
	is_str(password_check("aaaaaaaaaaaaaa", "staff1"), DICT,
	    "one letter repeated refused");
	is_str(password_check("staff1staff1", "staff1"), DICT,
	    "the login ID twice refused (based on the user name)");
	ok(password_check("correct horse battery staple", "staff1") == NULL,
	    "a passphrase of words accepted");

	/* Temporary passwords: readable, accepted by the policy, new
	 * every time. */
	{
		char	 t[PASSWORD_TEMP_LEN + 1], u[PASSWORD_TEMP_LEN + 1];
		char	 small[PASSWORD_TEMP_LEN];
		int	 i, good = 1, readable = 1;

		ok(password_temporary(small, sizeof(small), "staff1") == -1,
		    "temporary: a buffer one byte short refused");
		for (i = 0; i < 50; i++) {
			if (password_temporary(t, sizeof(t), "staff1") != 0 ||
			    strlen(t) != PASSWORD_TEMP_LEN ||
			    password_check(t, "staff1") != NULL)
				good = 0;
			if (strpbrk(t, "01OoIil-_ ") != NULL)
				readable = 0;
		}
		ok(good, "temporary: 50 of 16 characters, each accepted"
		    " by password_check");
		ok(PASSWORD_TEMP_LEN >= 16, "temporary: at least 16 characters");
		ok(readable, "temporary: no 0/O/o, 1/l/I/i, no separators");
		ok(password_temporary(u, sizeof(u), "staff1") == 0 &&
		    strcmp(t, u) != 0, "temporary: two in a row differ");
	}
	return tap_done();
}
