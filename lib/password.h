/* The password policy: one check for every place a password is set (My
 * Profile, the first login's change, the staff forms of the facility
 * administrator and the operator, renrakucho-admin), with its messages. */
#ifndef RK_PASSWORD_H
#define RK_PASSWORD_H

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
#endif
