/* renrakucho-signer: the one process that reads the CA key.
 *
 *   renrakucho-signer init --ca-dir DIR --cn CN [--copy-cert PATH]
 *   renrakucho-signer server-cert --ca-dir DIR --san LIST [--days N]
 *   renrakucho-signer serve --ca-dir DIR --dsn CONNINFO [--listen PATH]
 *
 * init creates DIR/ca.key (0600) and DIR/ca.crt when absent and leaves
 * an existing CA as it is; --copy-cert copies ca.crt (0644) to where
 * nginx reads it.  server-cert signs the public key (PEM
 * SubjectPublicKeyInfo) on standard input as a TLS server certificate
 * and writes it on standard output: root keeps the server key.
 *
 * serve answers on a unix stream socket: the socket systemd passes
 * (LISTEN_FDS=1 for this pid: fd 3), else PATH, bound here.  Requests
 * are served one at a time, one per connection, one line each, read with
 * a bound and a timeout:
 *	PING			OK
 *	SIGN <id>		OK, the certificate PEM and the CA's, or ERR
 *	CRL [<days>]		OK and the CRL PEM (nextUpdate 7 days, or
 *				days, ahead)
 *	SEAL <seq> <hash>	OK and a seal line of the audit chain
 *				(lib/seal.h), or ERR
 * SIGN signs cert_issuance row id only if it exists, is not signed and
 * was recorded in the last SIGNER_FRESH, for a facility still active:
 * with the row's public key, O = the facility's name, CN = the row's
 * label, notAfter = the row's not_after; the serial, fingerprint and
 * time are written back in the same transaction as an audit event, and
 * the certificate is answered only once that committed.  A refused SIGN
 * is answered "ERR <reason>" and audited (action signer.sign, outcome
 * denied).  Each request is logged as one line on standard error.
 *
 * SEAL signs, with DIR/seal.key (Ed25519, made by init beside ca.key),
 * only a (seq, hash) that is an event of the chain in the database now
 * (audit_event, 004_audit_chain.sql), with the signer's own clock; each
 * SEAL is audited (signer.seal: success, or denied with the reason).
 * init also writes DIR/seal.pub, and --copy-cert copies it beside the
 * CA certificate's copy, where auditors find it.
 *
 * The CRL lists every revoked device certificate not yet a day past its
 * expiry, and every certificate signed more than SIGNER_GRACE ago for
 * which no device_cert row exists: an issuance that failed after
 * signing (the CGI's transaction rolled back, the process died) leaves a
 * certificate nobody holds the key of outside that process, but it is
 * revoked all the same so that it can never be used. */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "db.h"
#include "log.h"
#include "pki.h"
#include "pki_ca.h"
#include "pki_int.h"
#include "seal.h"

#define SIGNER_PROG	"renrakucho-signer"
#define SIGNER_LINE_MAX	128
#define SIGNER_READ_TIMEOUT	5		/* seconds to read a request */
#define SIGNER_FRESH	"5 minutes"
#define SIGNER_GRACE	"10 minutes"
#define SIGNER_CRL_DAYS	7
#define SIGNER_SERVER_DAYS 825

struct signer_opts {
	const char	*ca_dir;
	const char	*cn;
	const char	*copy_cert;
	const char	*san;
	const char	*days;
	const char	*dsn;
	const char	*listen;
};

static volatile sig_atomic_t signer_stop;

static void
signer_usage(void)
{
	fprintf(stderr, "usage: %s init --ca-dir DIR --cn CN "
	    "[--copy-cert PATH]\n"
	    "       %s server-cert --ca-dir DIR --san LIST [--days N] "
	    "< public-key.pem\n"
	    "       %s serve --ca-dir DIR --dsn CONNINFO [--listen PATH]\n",
	    SIGNER_PROG, SIGNER_PROG, SIGNER_PROG);
	exit(2);
}

static void
signer_parse(int argc, char **argv, struct signer_opts *o)
{
	const char	**v;
	int		  i;

	memset(o, 0, sizeof(*o));
	for (i = 2; i < argc; i += 2) {
		if (strcmp(argv[i], "--ca-dir") == 0)
			v = &o->ca_dir;
		else if (strcmp(argv[i], "--cn") == 0)
			v = &o->cn;
		else if (strcmp(argv[i], "--copy-cert") == 0)
			v = &o->copy_cert;
		else if (strcmp(argv[i], "--san") == 0)
			v = &o->san;
		else if (strcmp(argv[i], "--days") == 0)
			v = &o->days;
		else if (strcmp(argv[i], "--dsn") == 0)
			v = &o->dsn;
		else if (strcmp(argv[i], "--listen") == 0)
			v = &o->listen;
		else
			signer_usage();
		if (i + 1 >= argc || *v != NULL)
			signer_usage();
		*v = argv[i + 1];
	}
	if (o->ca_dir == NULL)
		signer_usage();
}

/* The whole of a small file (at most max bytes), NUL-terminated. */
static char *
signer_slurp(FILE *f, size_t max, size_t *lenp)
{
	char	*buf;
	size_t	 len;

	if ((buf = malloc(max + 1)) == NULL)
		return NULL;
	len = fread(buf, 1, max + 1, f);
	if (ferror(f) || len == 0 || len > max) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

/* --- init, server-cert ------------------------------------------------ */

/* DIR/seal.pub beside --copy-cert's copy of ca.crt. */
static int
signer_copy_pub(const struct signer_opts *o)
{
	char		 dst[4096];
	const char	*slash = strrchr(o->copy_cert, '/');
	char		*pem;
	size_t		 len;
	int		 rc;

	if (slash == NULL)
		snprintf(dst, sizeof(dst), "%s", SEAL_PUB);
	else if (snprintf(dst, sizeof(dst), "%.*s/%s",
	    (int)(slash - o->copy_cert), o->copy_cert, SEAL_PUB) >=
	    (int)sizeof(dst))
		return 1;
	if (seal_pub_pem(o->ca_dir, &pem, &len) == -1)
		return 1;
	rc = pki_write_file(dst, pem, len, 0644, 1) == -1 ? 1 : 0;
	free(pem);
	if (rc == 0)
		printf("copied %s/%s to %s\n", o->ca_dir, SEAL_PUB, dst);
	return rc;
}

static int
signer_init(const struct signer_opts *o)
{
	char		 kp[4096], cp[4096];
	struct stat	 st;
	FILE		*f;
	char		*pem;
	size_t		 len = 0;
	int		 hk, hc, rc;

	if (o->cn == NULL)
		signer_usage();
	if (pki_path(kp, sizeof(kp), o->ca_dir, "ca.key") == -1 ||
	    pki_path(cp, sizeof(cp), o->ca_dir, "ca.crt") == -1)
		return 1;
	hk = lstat(kp, &st) == 0;
	hc = lstat(cp, &st) == 0;
	if (hk && hc)
		printf("%s: the CA exists, left as it is\n", o->ca_dir);
	else if (hk || hc) {
		fprintf(stderr, "%s: %s: only one of ca.key and ca.crt: "
		    "refusing to replace it\n", SIGNER_PROG, o->ca_dir);
		return 1;
	} else {
		if (pki_ca_init(o->ca_dir, o->cn) == -1)
			return 1;
		printf("created %s\n", cp);
	}
	if ((rc = seal_keygen(o->ca_dir)) == -1)
		return 1;
	if (rc == 1)
		printf("created %s/%s\n", o->ca_dir, SEAL_PUB);
	if (o->copy_cert == NULL)
		return 0;
	if ((f = fopen(cp, "re")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", SIGNER_PROG, cp,
		    strerror(errno));
		return 1;
	}
	pem = signer_slurp(f, 65536, &len);
	fclose(f);
	if (pem == NULL) {
		fprintf(stderr, "%s: %s: unreadable\n", SIGNER_PROG, cp);
		return 1;
	}
	rc = pki_write_file(o->copy_cert, pem, len, 0644, 1) == -1 ? 1 : 0;
	free(pem);
	if (rc == 0)
		printf("copied %s to %s\n", cp, o->copy_cert);
	if (rc == 0)
		rc = signer_copy_pub(o);
	return rc;
}

static int
signer_server_cert(const struct signer_opts *o)
{
	char	 serial[41], sha[65];
	char	*pub, *chain, *end, *e;
	long	 days = SIGNER_SERVER_DAYS;

	if (o->san == NULL)
		signer_usage();
	if (o->days != NULL) {
		days = strtol(o->days, &e, 10);
		if (*o->days == '\0' || *e != '\0' || days < 1 ||
		    days > PKI_DAYS_MAX) {
			fprintf(stderr, "%s: --days: 1 to %d\n", SIGNER_PROG,
			    PKI_DAYS_MAX);
			return 2;
		}
	}
	if ((pub = signer_slurp(stdin, 4096, NULL)) == NULL) {
		fprintf(stderr, "%s: standard input: expected a PEM public "
		    "key of at most 4096 bytes\n", SIGNER_PROG);
		return 1;
	}
	chain = pki_ca_sign(o->ca_dir, pub, "renrakucho", "localhost",
	    time(NULL) + days * 86400, o->san, serial, sha);
	free(pub);
	if (chain == NULL)
		return 1;
	/* The server's certificate alone; nginx is given ca.crt apart. */
	if ((end = strstr(chain, "-----END CERTIFICATE-----\n")) != NULL)
		end[sizeof("-----END CERTIFICATE-----\n") - 1] = '\0';
	fputs(chain, stdout);
	free(chain);
	if (fflush(stdout) == EOF)
		return 1;
	fprintf(stderr, "%s: signed server certificate %s (%ld days)\n",
	    SIGNER_PROG, serial, days);
	return 0;
}

/* --- serve -------------------------------------------------------------- */

/* The whole of s on fd; errors are the client's loss only. */
static void
signer_send(int fd, const char *s, size_t len)
{
	ssize_t	 w;

	while (len > 0) {
		if ((w = write(fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		s += w;
		len -= (size_t)w;
	}
}

static void
signer_err(int fd, const char *text)
{
	char	 line[160];

	snprintf(line, sizeof(line), "ERR %s\n", text);
	signer_send(fd, line, strlen(line));
}

/* One audit event of the signer in the current transaction. */
static int
signer_audit(PGconn *c, const char *id, const char *outcome,
    const char *detail)
{
	const char *const p[] = { id, outcome, detail };

	return db_cmd(c, "INSERT INTO renrakucho.audit_event (login, action,"
	    " object_type, object_id, outcome, detail) VALUES"
	    " ('" SIGNER_PROG "', 'signer.sign', 'cert_issuance', $1, $2, $3)",
	    3, p);
}

/* A refused SIGN: audited in a transaction of its own, then answered. */
static void
signer_refuse(PGconn *c, int fd, const char *id, const char *why)
{
	db_rollback(c);
	if (db_begin(c) == -1 || signer_audit(c, id, "denied", why) == -1 ||
	    db_commit(c) == -1) {
		db_rollback(c);
		log_err("SIGN %s: refused (%s); the audit event failed",
		    id != NULL ? id : "-", why);
	} else
		log_err("SIGN %s: refused: %s", id != NULL ? id : "-", why);
	signer_err(fd, why);
}

static void
signer_sign(PGconn *c, int fd, const char *ca_dir, const char *arg)
{
	PGresult	*r = NULL;
	const char	*p[4];
	char		 serial[41], sha[65], detail[80];
	char		*chain = NULL, *e;
	long long	 na;
	size_t		 len = strlen(arg);

	if (len == 0 || len > 18 || strspn(arg, "0123456789") != len) {
		signer_refuse(c, fd, NULL, "malformed issuance id");
		return;
	}
	p[0] = arg;
	if (db_begin(c) == -1 || (r = db_exec(c, "SELECT i.label,"
	    " i.public_key, extract(epoch FROM i.not_after)::bigint AS na,"
	    " i.signed_at IS NOT NULL AS signed,"
	    " i.requested_at > now() - interval '" SIGNER_FRESH "' AS fresh,"
	    " f.name AS facility, f.status"
	    " FROM renrakucho.cert_issuance i"
	    " JOIN renrakucho.facility f ON f.id = i.facility_id"
	    " WHERE i.id = $1::bigint FOR UPDATE OF i", 1, p)) == NULL) {
		db_rollback(c);
		signer_err(fd, "database unavailable");
		return;
	}
	if (PQntuples(r) != 1) {
		signer_refuse(c, fd, arg, "no such issuance");
		goto out;
	}
	if (strcmp(db_get(r, 0, "signed"), "t") == 0) {
		signer_refuse(c, fd, arg, "issuance already signed");
		goto out;
	}
	if (strcmp(db_get(r, 0, "fresh"), "t") != 0) {
		signer_refuse(c, fd, arg, "issuance too old");
		goto out;
	}
	if (strcmp(db_get(r, 0, "status"), "active") != 0) {
		signer_refuse(c, fd, arg, "facility not active");
		goto out;
	}
	na = strtoll(db_get(r, 0, "na"), &e, 10);
	if ((chain = pki_ca_sign(ca_dir, db_get(r, 0, "public_key"),
	    db_get(r, 0, "facility"), db_get(r, 0, "label"), (time_t)na, NULL,
	    serial, sha)) == NULL) {
		signer_refuse(c, fd, arg, "cannot sign this issuance");
		goto out;
	}
	p[1] = serial;
	p[2] = sha;
	snprintf(detail, sizeof(detail), "serial %s", serial);
	if (db_cmd(c, "UPDATE renrakucho.cert_issuance SET serial = $2,"
	    " sha256 = $3, signed_at = now() WHERE id = $1::bigint", 3,
	    p) == -1 || signer_audit(c, arg, "success", detail) == -1 ||
	    db_commit(c) == -1) {
		db_rollback(c);
		log_err("SIGN %s: the database refused the record", arg);
		signer_err(fd, "database error");
		goto out;
	}
	log_info("SIGN %s: signed %s", arg, serial);
	signer_send(fd, "OK\n", 3);
	signer_send(fd, chain, strlen(chain));
out:
	free(chain);
	PQclear(r);
}

static void
signer_crl(PGconn *c, int fd, const char *ca_dir, const char *arg)
{
	PGresult	 *r;
	const char	**serials = NULL;
	time_t		 *when = NULL;
	char		 *pem = NULL, *e;
	size_t		  i, n, len = 0;
	long		  days = SIGNER_CRL_DAYS;

	if (arg != NULL) {
		days = strtol(arg, &e, 10);
		if (*arg == '\0' || *e != '\0' || days < 1 ||
		    days > PKI_DAYS_MAX) {
			signer_err(fd, "malformed CRL days");
			return;
		}
	}
	/* A certificate a day past its expiry is refused as expired. */
	if ((r = db_exec(c, "SELECT serial,"
	    " extract(epoch FROM revoked_at)::bigint AS revoked"
	    " FROM renrakucho.device_cert WHERE revoked_at IS NOT NULL"
	    " AND not_after > now() - interval '1 day'"
	    " UNION ALL SELECT i.serial,"
	    " extract(epoch FROM i.signed_at)::bigint"
	    " FROM renrakucho.cert_issuance i WHERE i.signed_at IS NOT NULL"
	    " AND i.signed_at < now() - interval '" SIGNER_GRACE "'"
	    " AND i.not_after > now() - interval '1 day'"
	    " AND NOT EXISTS (SELECT 1 FROM renrakucho.device_cert d"
	    " WHERE d.serial = i.serial) ORDER BY 2, 1", 0, NULL)) == NULL) {
		signer_err(fd, "database unavailable");
		return;
	}
	n = (size_t)PQntuples(r);
	if ((serials = calloc(n + 1, sizeof(*serials))) == NULL ||
	    (when = calloc(n + 1, sizeof(*when))) == NULL) {
		signer_err(fd, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		serials[i] = PQgetvalue(r, (int)i, 0);
		when[i] = (time_t)strtoll(PQgetvalue(r, (int)i, 1), NULL, 10);
	}
	if ((pem = pki_crl(ca_dir, serials, when, n, (int)days,
	    &len)) == NULL) {
		signer_err(fd, "cannot sign the CRL");
		goto out;
	}
	log_info("CRL: %zu revoked, next update in %ld days", n, days);
	signer_send(fd, "OK\n", 3);
	signer_send(fd, pem, len);
out:
	free(pem);
	free(serials);
	free(when);
	PQclear(r);
}

/* One signer.seal event in a transaction of its own. */
static int
signer_seal_audit(PGconn *c, const char *seq, const char *outcome,
    const char *detail)
{
	const char *const p[] = { seq, outcome, detail };

	if (db_begin(c) == -1 || db_cmd(c, "INSERT INTO"
	    " renrakucho.audit_event (login, action, object_type, object_id,"
	    " outcome, detail) VALUES ('" SIGNER_PROG "', 'signer.seal',"
	    " 'audit_event', $1, $2, $3)", 3, p) == -1 ||
	    db_commit(c) == -1) {
		db_rollback(c);
		return -1;
	}
	return 0;
}

/* SEAL <seq> <hash>: signed only when audit_event holds that seq with
 * that hash now. */
static void
signer_seal(PGconn *c, int fd, const char *ca_dir, const char *arg)
{
	PGresult	*r = NULL;
	struct seal	 s;
	const char	*p[2], *why = NULL;
	char		 seq[20], hash[65], detail[96], *e;
	long long	 n;
	size_t		 len;

	len = strcspn(arg, " ");
	if (len == 0 || len > 18 || strspn(arg, "0123456789") != len ||
	    arg[0] == '0' || arg[len] != ' ' || !seal_hash_ok(arg + len + 1)) {
		log_err("SEAL: malformed request");
		signer_err(fd, "malformed seal request");
		return;
	}
	memcpy(seq, arg, len);
	seq[len] = '\0';
	memcpy(hash, arg + len + 1, 65);
	n = strtoll(seq, &e, 10);
	p[0] = seq;
	p[1] = hash;
	if ((r = db_exec(c, "SELECT count(*) AS n FROM renrakucho.audit_event"
	    " WHERE seq = $1::bigint AND hash = decode($2, 'hex')", 2,
	    p)) == NULL || PQntuples(r) != 1) {
		signer_err(fd, "database unavailable");
		goto out;
	}
	if (strcmp(db_get(r, 0, "n"), "1") != 0)
		why = "no such chain event";
	else if (seal_sign(ca_dir, n, hash, &s) == -1)
		why = "cannot sign the seal";
	snprintf(detail, sizeof(detail), "%s%s", why != NULL ? why :
	    "hash ", why != NULL ? "" : hash);
	if (signer_seal_audit(c, seq, why != NULL ? "denied" : "success",
	    detail) == -1) {
		log_err("SEAL %s: the audit event failed", seq);
		signer_err(fd, "database error");
		goto out;
	}
	if (why != NULL) {
		log_err("SEAL %s: refused: %s", seq, why);
		signer_err(fd, why);
		goto out;
	}
	log_info("SEAL %s: sealed %s", seq, hash);
	signer_send(fd, "OK\n", 3);
	signer_send(fd, s.line, strlen(s.line));
	signer_send(fd, "\n", 1);
out:
	PQclear(r);
}

/* Reads one request line (bounded, timed) into line. 0/-1. */
static int
signer_readline(int fd, char *line, size_t n)
{
	size_t	 len = 0;
	ssize_t	 r;
	char	*nl;

	for (;;) {
		if (len + 1 >= n)
			return -1;
		if ((r = read(fd, line + len, n - len - 1)) == -1) {
			if (errno == EINTR && !signer_stop)
				continue;
			return -1;
		}
		if (r == 0)
			return -1;
		len += (size_t)r;
		line[len] = '\0';
		if ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			return strlen(line) == len - 1 ? 0 : -1;
		}
	}
}

/* Reads and drops what the client still sends (a few KiB at most, within
 * the receive timeout), so that closing does not reset the connection
 * before it has read the answer. */
static void
signer_drain(int fd)
{
	char	 buf[1024];
	size_t	 n = 0;
	ssize_t	 r;

	(void)shutdown(fd, SHUT_WR);
	while (n < 8 * sizeof(buf) &&
	    ((r = read(fd, buf, sizeof(buf))) > 0 || (r == -1 &&
	    errno == EINTR && !signer_stop)))
		if (r > 0)
			n += (size_t)r;
}

static void
signer_one(int fd, const struct signer_opts *o)
{
	struct timeval	 tv = { SIGNER_READ_TIMEOUT, 0 };
	char		 line[SIGNER_LINE_MAX];
	PGconn		*c = NULL;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		return;
	if (signer_readline(fd, line, sizeof(line)) == -1) {
		log_err("request unreadable, too long or timed out");
		signer_err(fd, "malformed request");
		signer_drain(fd);
		return;
	}
	if (strcmp(line, "PING") == 0) {
		signer_send(fd, "OK\n", 3);
		return;
	}
	if (strncmp(line, "SIGN ", 5) != 0 && strcmp(line, "CRL") != 0 &&
	    strncmp(line, "CRL ", 4) != 0 && strncmp(line, "SEAL ", 5) != 0) {
		log_err("unknown request");
		signer_err(fd, "unknown request");
		return;
	}
	/* A connection per request: a restarted PostgreSQL costs nothing
	 * here, and the signer holds nothing open while idle. */
	if ((c = db_connect_dsn(o->dsn)) == NULL) {
		signer_err(fd, "database unavailable");
		return;
	}
	if (strncmp(line, "SEAL ", 5) == 0)
		signer_seal(c, fd, o->ca_dir, line + 5);
	else if (line[0] == 'S')
		signer_sign(c, fd, o->ca_dir, line + 5);
	else
		signer_crl(c, fd, o->ca_dir, line[3] == ' ' ? line + 4 : NULL);
	PQfinish(c);
}

static void
signer_onsig(int sig)
{
	(void)sig;
	signer_stop = 1;
}

/* The listening socket: systemd's (LISTEN_FDS=1 for this process: fd
 * 3), else path bound here, mode 0660 (the directory is the gate). */
static int
signer_listen(const char *path)
{
	struct sockaddr_un	 sun;
	const char		*pid = getenv("LISTEN_PID"), *fds;
	char			*e;
	int			 fd;

	fds = getenv("LISTEN_FDS");
	if (pid != NULL && fds != NULL &&
	    strtol(pid, &e, 10) == (long)getpid() && *e == '\0') {
		if (strcmp(fds, "1") != 0) {
			log_err("LISTEN_FDS=%s: expected one socket", fds);
			return -1;
		}
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_FDNAMES");
		return 3;
	}
	if (path == NULL) {
		log_err("no socket from systemd and no --listen PATH");
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("%s: path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_err("socket: %s", strerror(errno));
		return -1;
	}
	/* A socket left by a signer that died: nobody listens on it. */
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0660) == -1 || listen(fd, 16) == -1) {
		log_err("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
signer_serve(const struct signer_opts *o)
{
	struct sigaction	 sa;
	int			 lfd, fd;

	if (o->dsn == NULL)
		signer_usage();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	/* No SA_RESTART: accept() returns on SIGTERM. */
	sa.sa_handler = signer_onsig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((lfd = signer_listen(o->listen)) == -1)
		return 1;
	log_info("serving (CA %s)", o->ca_dir);
	while (!signer_stop) {
		if ((fd = accept(lfd, NULL, NULL)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			log_err("accept: %s", strerror(errno));
			sleep(1);
			continue;
		}
		signer_one(fd, o);
		close(fd);
	}
	if (o->listen != NULL && lfd != 3)
		(void)unlink(o->listen);
	log_info("stopped");
	return 0;
}

int
main(int argc, char **argv)
{
	struct signer_opts	 o;

	log_setprog(SIGNER_PROG);
	if (argc < 2)
		signer_usage();
	signer_parse(argc, argv, &o);
	umask(022);
	if (strcmp(argv[1], "init") == 0)
		return signer_init(&o);
	if (strcmp(argv[1], "server-cert") == 0)
		return signer_server_cert(&o);
	if (strcmp(argv[1], "serve") == 0)
		return signer_serve(&o);
	signer_usage();
	return 2;
}
