/* The password policy: one check for every place a password is set (My
 * Profile, the first login's change, the staff forms of the facility
 * administrator and the operator, renrakucho-admin), with its messages. */
#ifndef RK_PASSWORD_H
#define RK_PASSWORD_H
#include <stddef.h>

#define PASSWORD_MIN	12	/* characters (Unicode code points) */
#define PASSWORD_MAX	128
/* The longest password in bytes (4 per code point), for input bounds. */
#define PASSWORD_MAX_BYTES	(4 * PASSWORD_MAX)

/* NULL when pw (UTF-8) may be used by the account with login ID login
 * (may be NULL), else the Japanese message saying why not: not one line
 * of valid UTF-8, fewer than PASSWORD_MIN or more than PASSWORD_MAX
 * characters, the login ID, or refused by cracklib (a dictionary word
 * or a variant, too simple or systematic, based on the login ID). */
const char *password_check(const char *pw, const char *login);

/* A temporary password (a facility administrator's or an operator's
 * reset): PASSWORD_TEMP_LEN characters drawn uniformly from a readable
 * alphabet (no 0/O/o, 1/l/I/i), one that password_check accepts for
 * login, into out[PASSWORD_TEMP_LEN + 1].  0, or -1 (no randomness, or
 * no dictionary to check it with). */
#define PASSWORD_TEMP_LEN	16
int	password_temporary(char *out, size_t n, const char *login);
#endif
