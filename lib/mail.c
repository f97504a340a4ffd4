/* The mail outbox (see mail.h): queueing, and delivery through the
 * sendmail command as base64 text/plain with an RFC 2047 subject. */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "log.h"
#include "mail.h"

#define MAIL_SUBJECT_MAX	512

const char *
mail_subject(char *buf, size_t n, const char *what)
{
	int	 w;

	w = snprintf(buf, n, "【%s】%s", cfg_get(CFG_SERVICE_NAME), what);
	if (w < 0 || (size_t)w >= n) {
		log_err("mail subject too long: %s", what);
		return NULL;
	}
	return buf;
}

int
mail_queue_account(PGconn *c, const char *account_id, const char *what,
    const char *body)
{
	char		 subject[MAIL_SUBJECT_MAX];
	const char *const p[] = { account_id, subject, body };

	if (mail_subject(subject, sizeof(subject), what) == NULL)
		return -1;

	/* mail_to_accounts (schema/functions/mail.sql): a placeholder
	 * address goes to the facility's representative address; a
	 * deleted account gets no mail. */
	return db_cmd(c, "SELECT mail_to_accounts(ARRAY[$1::bigint], $2, $3)",
	    3, p);
}

int
mail_queue_address(PGconn *c, const char *to, const char *what,
    const char *body)
{
	char		 subject[MAIL_SUBJECT_MAX];
	const char *const p[] = { to, subject, body };

	if (mail_subject(subject, sizeof(subject), what) == NULL)
		return -1;

	return db_cmd(c, "INSERT INTO mail_outbox (to_addr, subject, body)"
	    " VALUES ($1, $2, $3)", 3, p);
}

/* --- delivery ------------------------------------------------------- */

#define MAIL_ATTEMPTS		10
#define MAIL_B64_LINE		57	/* raw bytes per 76-character line */
#define MAIL_EWORD_RAW		45	/* raw bytes per encoded word */

/* Minutes to wait after the n-th failure (1-based; the last repeats). */
static const int mail_backoff[] = { 1, 5, 15, 60, 120, 240, 480, 720, 1440 };

/* A header value must stay one header: no CR, LF or other control. */
static int
mail_header_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void
mail_b64(FILE *f, const unsigned char *p, size_t n)
{
	unsigned char	 out[4 * ((MAIL_B64_LINE + 2) / 3) + 1];

	EVP_EncodeBlock(out, p, (int)n);
	fputs((const char *)out, f);
}

/* RFC 2047 B encoding, split on UTF-8 character boundaries so that each
 * encoded word decodes to whole characters, folded between words. */
static void
mail_subject_header(FILE *f, const char *s)
{
	size_t	 len = strlen(s), i = 0, n;

	fputs("Subject:", f);
	while (i < len) {
		n = len - i < MAIL_EWORD_RAW ? len - i : MAIL_EWORD_RAW;
		while (i + n < len && n > 0 &&
		    ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n--;
		/* No character starts within a word's length (not UTF-8):
		 * cut there rather than write empty words forever. */
		if (n == 0)
			n = MAIL_EWORD_RAW;
		fputs(i == 0 ? " =?UTF-8?B?" : "\n =?UTF-8?B?", f);
		mail_b64(f, (const unsigned char *)s + i, n);
		fputs("?=", f);
		i += n;
	}
	fputs("\n", f);
}

const char *
mail_send(const char *id, const char *to, const char *subject,
    const char *body)
{
	static char	 why[128];
	const char	*from = cfg_get(CFG_MAIL_FROM), *dom;
	unsigned char	 rnd[8];
	char		 date[64];
	time_t		 now = time(NULL);
	struct tm	 tm;
	size_t		 i, n, len = strlen(body);
	FILE		*f;
	int		 st;

	if (!mail_header_ok(to) || !mail_header_ok(subject) ||
	    !mail_header_ok(from) || *to == '\0')
		return "refused: control character in a header";
	if ((dom = strrchr(from, '@')) == NULL || !mail_header_ok(dom))
		dom = "@localhost";
	if (auth_random_bytes(rnd, sizeof(rnd)) == -1 ||
	    localtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z",
	    &tm) == 0)
		return "cannot make the headers";
	/* The recipient is in To: (sendmail -t), never on a command line. */
	fflush(NULL);
	if ((f = popen(cfg_get(CFG_SENDMAIL), "w")) == NULL)
		return "cannot run the sendmail command";
	fprintf(f, "From: %s\nTo: %s\n", from, to);
	mail_subject_header(f, subject);
	fprintf(f, "Date: %s\nMessage-ID: <outbox-%s.", date, id);
	for (i = 0; i < sizeof(rnd); i++)
		fprintf(f, "%02x", rnd[i]);
	fprintf(f, "%s>\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: base64\n\n", dom);
	for (i = 0; i < len; i += n) {
		n = len - i < MAIL_B64_LINE ? len - i : MAIL_B64_LINE;
		mail_b64(f, (const unsigned char *)body + i, n);
		fputc('\n', f);
	}
	st = pclose(f);
	if (st == -1)
		return "sendmail: wait failed";
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return NULL;
	if (WIFEXITED(st))
		snprintf(why, sizeof(why), "sendmail exited with status %d",
		    WEXITSTATUS(st));
	else
		snprintf(why, sizeof(why), "sendmail killed by signal %d",
		    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return why;
}

/* Delivers the next due message in its own transaction: 1 sent, 0
 * failed (rescheduled or given up), 2 nothing due, -1 database error. */
static int
mail_deliver_one(PGconn *c, int *gaveup)
{
	PGresult	*r = NULL;
	const char	*why, *p[4];
	char		 mins[16];
	long		 att;
	int		 rc = -1;

	if (db_begin(c) == -1)
		return -1;
	/* Another deliverer (cron overlapping) skips what this one holds. */
	r = db_exec(c, "SELECT id, to_addr, subject, body, attempts"
	    " FROM mail_outbox WHERE sent_at IS NULL"
	    " AND next_attempt_at <= now() ORDER BY id LIMIT 1"
	    " FOR UPDATE SKIP LOCKED", 0, NULL);
	if (r == NULL)
		goto out;
	if (PQntuples(r) == 0) {
		rc = db_commit(c) == -1 ? -1 : 2;
		goto out;
	}
	p[0] = db_get(r, 0, "id");
	why = mail_send(p[0], db_get(r, 0, "to_addr"),
	    db_get(r, 0, "subject"), db_get(r, 0, "body"));
	if (why == NULL) {
		if (db_cmd(c, "UPDATE mail_outbox SET sent_at = now(),"
		    " attempts = attempts + 1, last_error = NULL"
		    " WHERE id = $1::bigint", 1, p) == -1)
			goto out;
		rc = db_commit(c) == -1 ? -1 : 1;
		goto out;
	}
	att = strtol(db_get(r, 0, "attempts"), NULL, 10) + 1;
	*gaveup = att >= MAIL_ATTEMPTS;
	snprintf(mins, sizeof(mins), "%d", mail_backoff[att - 1 <
	    (long)(sizeof(mail_backoff) / sizeof(mail_backoff[0])) ?
	    att - 1 : (long)(sizeof(mail_backoff) / sizeof(mail_backoff[0])) -
	    1]);
	p[1] = *gaveup ? "gave up" : why;
	p[2] = mins;
	p[3] = *gaveup ? "t" : "f";
	/* Given up: never due again, the row stays for the record. */
	if (db_cmd(c, "UPDATE mail_outbox SET attempts = attempts + 1,"
	    " last_error = $2, next_attempt_at = CASE WHEN $4::boolean"
	    " THEN 'infinity' ELSE now() + make_interval(mins => $3::int) END"
	    " WHERE id = $1::bigint", 4, p) == -1)
		goto out;
	log_err("message %s: %s", p[0], why);
	rc = db_commit(c) == -1 ? -1 : 0;
out:
	PQclear(r);
	if (rc == -1)
		db_rollback(c);
	return rc;
}

int
mail_deliver(PGconn *c, long limit, struct mail_counts *n)
{
	long	 i;
	int	 rc, g;

	memset(n, 0, sizeof(*n));
	for (i = 0; i < limit; i++) {
		g = 0;
		if ((rc = mail_deliver_one(c, &g)) == -1)
			return -1;
		if (rc == 2)
			break;
		if (rc == 1)
			n->sent++;
		else if (g)
			n->gaveup++;
		else
			n->failed++;
	}
	return 0;
}
