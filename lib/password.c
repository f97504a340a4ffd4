/* The password policy (password.h): length in code points (ASVS 2.1.1,
 * 2.1.2, 2.1.4: any Unicode), and cracklib's dictionary of common
 * passwords and words (Debian's cracklib-runtime builds it) rather than
 * a list of our own. */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <crack.h>

#include "auth.h"
#include "log.h"
#include "password.h"

/* Code points of one line of valid UTF-8 (no C0 or C1 control, no
 * DEL), or -1. */
static long
password_chars(const unsigned char *s)
{
	long		 n = 0;
	uint32_t	 cp;
	size_t		 len, i;

	while (*s != '\0') {
		if (s[0] < 0x80) {
			cp = s[0];
			len = 1;
		} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
			cp = s[0] & 0x1f;
			len = 2;
		} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
			cp = s[0] & 0x0f;
			len = 3;
		} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
			cp = s[0] & 0x07;
			len = 4;
		} else
			return -1;
		for (i = 1; i < len; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return -1;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return -1;
		s += len;
		n++;
	}
	return n;
}

const char *
password_check(const char *pw, const char *login)
{
	const char	*why;
	long		 n;

	if (pw == NULL || *pw == '\0')
		return "パスワードを入力してください。";
	if ((n = password_chars((const unsigned char *)pw)) < 0)
		return "パスワードに使えない文字（改行や制御文字）が含まれて"
		    "います。";
	if (n < PASSWORD_MIN)
		return "パスワードは12文字以上にしてください。";
	if (n > PASSWORD_MAX)
		return "パスワードは128文字までにしてください。";
	if (login != NULL && strcasecmp(pw, login) == 0)
		return "ログインIDと同じパスワードは使えません。";
	/* With the login ID as the user, cracklib looks no user up in the
	 * system's password file. */
	why = FascistCheckUser(pw, GetDefaultCracklibDict(),
	    login != NULL ? login : "-", NULL);
	if (why == NULL)
		return NULL;
	if (strstr(why, "dictionary") != NULL &&
	    strstr(why, "error") != NULL) {
		/* No dictionary: refuse rather than pass unchecked. */
		log_err("cracklib: %s (%s)", why, GetDefaultCracklibDict());
		return "パスワードを確認できませんでした。事務局にお問い合わせ"
		    "ください。";
	}
	return "よく使われる語や単純な並び、ログインIDに近いものは"
	    "パスワードに使えません。別のパスワードにしてください。";
}

int
password_temporary(char *out, size_t n, const char *login)
{
	static const char alpha[] =
	    "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz";
	int	 i;

	if (n < PASSWORD_TEMP_LEN + 1)
		return -1;
	/* 16 of 55 characters, about 92 bits: cracklib's refusing one
	 * (a run, a word) is rare; a few draws are enough. */
	for (i = 0; i < 8; i++) {
		if (auth_random_chars(out, PASSWORD_TEMP_LEN, alpha) == -1)
			return -1;
		if (password_check(out, login) == NULL)
			return 0;
	}
	log_err("password_temporary: eight draws refused");
	out[0] = '\0';
	return -1;
}
