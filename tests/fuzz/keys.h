/* Keys shared by the fuzz harnesses: one per stock validator, so every
 * validator runs on whatever the parsers produce. */
#ifndef RK_FUZZ_KEYS_H
#define RK_FUZZ_KEYS_H
#include "req.h"

enum fkey {
	F_NAME,
	F_NOTE,
	F_AGE,
	F_TOK,
	F_LOGIN,
	F_MAIL,
	F_DATE,
	F_FILE,
	F_RAW,
	F__MAX
};

static const struct req_key fkeys[F__MAX] = {
	{ "name", req_v_line, 1, 100 },		/* F_NAME */
	{ "note", req_v_multiline, 0, 2000 },	/* F_NOTE */
	{ "age", req_v_int, -1000, 1000 },	/* F_AGE */
	{ "tok", req_v_token, 8, 64 },		/* F_TOK */
	{ "login", req_v_login, 3, 64 },	/* F_LOGIN */
	{ "mail", req_v_email, 0, 254 },	/* F_MAIL */
	{ "dob", req_v_date, 0, 0 },		/* F_DATE */
	{ "file", req_v_file, 1, 4096 },	/* F_FILE */
	{ "raw", NULL, 0, 0 },			/* F_RAW */
};
#endif
