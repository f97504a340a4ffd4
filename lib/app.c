/* The CGI front line: the page table, method, page, certificate,
 * session, team membership, CSRF and the page's view statement are
 * checked here before any handler runs; the response is built in memory
 * and written once, so any failure can still become an error page. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "log.h"
#include "pki.h"
#include "team.h"
#include "tmpl.h"
#include "upload.h"

#define APP_RUN_SECONDS	60	/* fcgiwrap has no timeout of its own */

static const char *const app_csp =
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none';"
    " base-uri 'none'; form-action 'self'; object-src 'none'";

static const char *
app_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status >= 500 ? "Internal Server Error" : "Error";
	}
}

const char *
app_help_url(const char *anchor, char *b, size_t n)
{
	snprintf(b, n, "%slogin-help/%s%s", cfg_get(CFG_PORTAL_URL),
	    anchor != NULL ? "#" : "", anchor != NULL ? anchor : "");
	return b;
}

const char *
app_val(const struct app *a, size_t key)
{
	if (key >= a->req.nkeys || !a->req.vals[key].valid)
		return NULL;
	return a->req.vals[key].s;
}

int
app_refuse_invalid(struct app *a, size_t key)
{
	if (key >= a->req.nkeys || !a->req.vals[key].present ||
	    a->req.vals[key].valid)
		return 0;
	app_error(a, 400, "ページの指定が正しくありません",
	    "アドレスに正しくない指定が含まれています。画面のリンクから"
	    "開き直してください。");
	return 1;
}

void
app_header(struct app *a, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL) {
		log_err("header %s refused: CR/LF", name);
		return;
	}
	buf_printf(&a->hdr, "%s: %s\r\n", name, value);
}

/* The layout's slots, the same for its beginning and its end. */
static void
app_layout_fill(struct app *a, struct tmpl_layout *t, const char *title,
    char *help, size_t helpsz)
{
	memset(t, 0, sizeof(*t));
	t->title = title;
	t->service_name = cfg_get(CFG_SERVICE_NAME);
	t->logged_in = a->logged_in;
	if (a->logged_in) {
		t->user_name = a->user.name;
		t->facility_name = a->user.facility_name;
		t->csrf = a->user.csrf;
		t->is_operator = a->user.is_operator;
		t->is_facility_admin = a->user.is_facility_admin;
		t->is_staff = a->user.is_staff;
	}
	t->help_url = app_help_url(NULL, help, helpsz);
	/* The secretariat's contact, from the configuration. */
	t->secretariat_name = cfg_get(CFG_SECRETARIAT_NAME);
	t->secretariat_phone = cfg_get(CFG_SECRETARIAT_PHONE);
	t->has_phone = *t->secretariat_phone != '\0';
	t->secretariat_hours = cfg_get(CFG_SECRETARIAT_HOURS);
	t->has_hours = t->has_phone && *t->secretariat_hours != '\0';
	t->secretariat_email = cfg_get(CFG_SECRETARIAT_EMAIL);
	t->has_email = *t->secretariat_email != '\0';
}

void
app_layout_begin(struct app *a, const char *title)
{
	char			 help[512];
	struct tmpl_layout	 t;

	app_layout_fill(a, &t, title, help, sizeof(help));
	tmpl_layout_begin(&a->body, &t);
}

void
app_layout_end(struct app *a)
{
	char			 help[512];
	struct tmpl_layout	 t;

	app_layout_fill(a, &t, NULL, help, sizeof(help));
	tmpl_layout_end(&a->body, &t);
}

void
app_error(struct app *a, int status, const char *title, const char *message)
{
	char			 help[512], st[8];
	struct tmpl_error	 t;

	buf_reset(&a->body);
	buf_reset(&a->hdr);
	a->status = status;
	a->ctype = "text/html; charset=utf-8";
	/* The database is away (a restart or a failover): come back soon. */
	if (status == 503)
		app_header(a, "Retry-After", "30");
	snprintf(st, sizeof(st), "%d", status);
	memset(&t, 0, sizeof(t));
	t.title = title;
	t.message = message;
	t.status = st;
	t.help_url = app_help_url(status == 403 ? "no-certificate" : NULL,
	    help, sizeof(help));
	if (a->logged_in) {
		t.has_back = 1;
		t.back_url = "/home";
	}
	app_layout_begin(a, title);
	tmpl_error(&a->body, &t);
	app_layout_end(a);
}

void
app_read_only(struct app *a, const char *why)
{
	if (strcmp(why, "team_closed") == 0)
		/* Not a fault: the team's support ended (meanwhile: a form
		 * opened before), and its archive is read-only. */
		app_error(a, 409, "この支援は終了しています",
		    "この支援チームの支援は終了したため、記録は閲覧のみできます。"
		    "投稿、👍、加入申請、メンバーの変更はできません。");
	else
		app_error(a, 409, "同意が撤回されています",
		    "この患者さんの同意は撤回されたため、記録は閲覧のみできます。"
		    "投稿、👍、加入申請、メンバーの変更、登録内容・共有情報シート"
		    "・同意書の変更はできません。");
}

void
app_dberr_say(struct app *a, const char *title, const char *message)
{
	if (team_closed_error() || team_withdrawn_error()) {
		const char *why = team_closed_error() ? "team_closed" :
		    "consent_withdrawn";

		db_rollback(a->db);
		app_read_only(a, why);
		return;
	}
	db_rollback(a->db);
	app_error(a, db_lost(a->db) ? 503 : 500, title != NULL ? title :
	    "ただいま利用できません", message != NULL ? message :
	    "システムで問題が発生しました。しばらく待ってから、もう一度"
	    "お試しください。");
}

void
app_dberr(struct app *a)
{
	app_dberr_say(a, NULL, NULL);
}

void
app_redirect(struct app *a, const char *path)
{
	if (path[0] != '/' || path[1] == '/' || path[1] == '\\') {
		log_err("redirect to %s refused", path);
		path = "/home";
	}
	buf_reset(&a->body);
	a->status = 303;
	app_header(a, "Location", path);
}

int
app_download(struct app *a, const char *ctype, const char *filename,
    const void *data, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf	 cd;
	const unsigned char *f;
	const char	*ext;
	char		 name[UPLOAD_NAME_MAX + 1];
	int		 rc = -1, ascii;

	memset(&cd, 0, sizeof(cd));
	/* Every name served is clean, whoever made it (a device label in a
	 * .p12's name too); the uploads' callers clean first, with their
	 * own default names. */
	if ((filename = upload_name(name, sizeof(name), filename, ctype,
	    "download")) == NULL)
		return -1;
	ascii = filename[0] != '\0';
	/* Images are shown (nosniff holds them to their sniffed type). */
	buf_puts(&cd, upload_inline(ctype) ? "inline" : "attachment");
	/* An ASCII fallback name (the name itself when it is plain ASCII),
	 * then the real one percent-encoded (RFC 6266, RFC 5987). */
	for (f = (const unsigned char *)filename; *f != '\0'; f++)
		if (*f < 0x20 || *f >= 0x7f || *f == '"' || *f == '\\' ||
		    *f == '%')
			ascii = 0;
	/* The fallback keeps a plain extension: download.pdf, .p12. */
	if ((ext = strrchr(filename, '.')) == NULL || ext[1] == '\0' ||
	    strlen(ext) > 9 || ext[strspn(ext + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789") + 1] != '\0')
		ext = upload_ext(ctype);
	if (ascii)
		buf_printf(&cd, "; filename=\"%s\"", filename);
	else
		buf_printf(&cd, "; filename=\"download%s\"", ext);
	buf_puts(&cd, "; filename*=UTF-8''");
	for (f = (const unsigned char *)filename; *f != '\0'; f++) {
		if ((*f >= 'A' && *f <= 'Z') || (*f >= 'a' && *f <= 'z') ||
		    (*f >= '0' && *f <= '9') || strchr("-._~", *f) != NULL)
			buf_put(&cd, f, 1);
		else {
			char	 e[3] = { '%', hex[*f >> 4], hex[*f & 15] };

			buf_put(&cd, e, 3);
		}
	}
	if (cd.oom)
		goto out;
	buf_reset(&a->body);
	buf_put(&a->body, data, len);
	if (a->body.oom)
		goto out;
	a->status = 200;
	a->ctype = ctype;
	app_header(a, "Content-Disposition", cd.p);
	rc = 0;
out:
	buf_free(&cd);
	return rc;
}

int
app_audit(struct app *a, const char *action, const char *object_type,
    const char *object_id, const char *patient_id, const char *outcome,
    const char *detail)
{
	struct audit	 e;
	int		 rc;

	memset(&e, 0, sizeof(e));
	e.account_id = a->logged_in ? a->user.account_id : NULL;
	e.login = a->logged_in ? a->user.login : NULL;
	e.cert_serial = a->req.ssl_serial != NULL && *a->req.ssl_serial != '\0' ?
	    a->req.ssl_serial : NULL;
	e.remote_addr = a->req.remote_addr != NULL && *a->req.remote_addr ?
	    a->req.remote_addr : NULL;
	e.action = action;
	e.object_type = object_type;
	e.object_id = object_id;
	e.patient_id = patient_id;
	e.outcome = outcome;
	e.detail = detail;
	/* In a transaction the INSERT goes out with the next statement or
	 * the COMMIT, which fail if it does: no page without its event. */
	rc = audit_write_later(a->db, &e);
	return rc;
}

/* Match a path against a pattern; '#' takes one numeric segment. */
static int
app_match(struct app *a, const char *pat, const char *path)
{
	size_t	 n, nid = 0;

	while (*pat != '\0') {
		if (*pat == '#') {
			if (*path < '1' || *path > '9')
				return 0;
			for (n = 0; path[n] >= '0' && path[n] <= '9'; n++)
				;
			if (n > 18 || nid == APP_IDS)
				return 0;
			memcpy(a->id[nid], path, n);
			a->id[nid++][n] = '\0';
			path += n;
			pat++;
			continue;
		}
		if (*pat++ != *path++)
			return 0;
	}
	if (*path != '\0')
		return 0;
	a->nid = nid;
	return 1;
}

/* The certificate nginx verified, in SHA-256, from $ssl_client_escaped_cert. */
static int
app_cert_sha256(struct app *a, char out[65])
{
	char	*pem;
	long	 n;
	int	 rc;

	if (a->req.ssl_cert == NULL || *a->req.ssl_cert == '\0')
		return -1;
	if ((pem = strdup(a->req.ssl_cert)) == NULL)
		return -1;
	if ((n = req_urldecode(pem, strlen(pem))) < 0) {
		free(pem);
		return -1;
	}
	pem[n] = '\0';
	rc = pki_pem_sha256(pem, out);
	free(pem);
	return rc;
}

/* Is the presented certificate an active device certificate?  1 yes,
 * 0 no, -1 database error. */
static int
app_cert_active(struct app *a, const char *sha)
{
	const char *const p[] = { a->req.ssl_serial, sha };
	PGresult	*r;
	int		 ok;

	r = db_exec(a->db, "SELECT 1 FROM device_cert WHERE serial = $1"
	    " AND sha256 = $2 AND revoked_at IS NULL AND not_after > now()",
	    2, p);
	if (r == NULL)
		return -1;
	ok = PQntuples(r) == 1;
	PQclear(r);
	return ok;
}

static void
app_copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s != NULL ? s : "");
}

static int
app_true(const char *v)
{
	return v != NULL && strcmp(v, "t") == 0;
}

/* A session cookie of the right shape (its digest is what is stored). */
static int
app_cookie_ok(const struct app *a)
{
	return a->req.session_cookie != NULL &&
	    strlen(a->req.session_cookie) == AUTH_TOKEN_LEN;
}

/* A session row (session_touch's columns; with team, session_team's
 * or a team page's view row) into a->user and a->team. */
static void
app_session_copy(struct app *a, const PGresult *r, int team)
{
	app_copy(a->user.session_id, sizeof(a->user.session_id),
	    db_get(r, 0, "session_id"));
	app_copy(a->user.csrf, sizeof(a->user.csrf), db_get(r, 0, "csrf"));
	app_copy(a->user.account_id, sizeof(a->user.account_id),
	    db_get(r, 0, "account_id"));
	app_copy(a->user.login, sizeof(a->user.login), db_get(r, 0, "login"));
	app_copy(a->user.name, sizeof(a->user.name), db_get(r, 0, "name"));
	app_copy(a->user.profession, sizeof(a->user.profession),
	    db_get(r, 0, "profession"));
	app_copy(a->user.facility_id, sizeof(a->user.facility_id),
	    db_get(r, 0, "facility_id"));
	app_copy(a->user.facility_name, sizeof(a->user.facility_name),
	    db_get(r, 0, "facility_name"));
	app_copy(a->user.last_login, sizeof(a->user.last_login),
	    db_get(r, 0, "last_login"));
	a->user.is_operator = app_true(db_get(r, 0, "is_operator"));
	a->user.is_facility_admin =
	    app_true(db_get(r, 0, "is_facility_admin"));
	/* A view row without the column: not known, so not staff (a
	 * staff page has no view statement: app_pages_check). */
	a->user.is_staff = PQfnumber(r, "is_staff") >= 0 &&
	    app_true(db_get(r, 0, "is_staff"));
	if (team)
		team_copy(&a->team, r, 0, a->id[0]);
	a->logged_in = 1;
}

/* Look the session of the cookie (its digest in a->view_token) up and
 * touch it (APP_TEAM: with my membership of the team in id[0]).  1 live,
 * 0 none, -1 error. */
static int
app_session_load(struct app *a, const char *sha)
{
	const char	*p[4];
	PGresult	*r;
	int		 team = a->page->need == APP_TEAM;

	p[0] = a->view_token;
	p[1] = a->req.ssl_serial;
	p[2] = sha;
	p[3] = a->id[0];
	/* sessions.sql: the check, the touch when due, and the team
	 * membership in one statement whose plans the server keeps. */
	r = db_exec(a->db, team ?
	    "SELECT session_id, csrf, account_id, login, name, profession,"
	    " is_operator, is_facility_admin, facility_id, facility_name,"
	    " last_login, team_patient_id, team_patient_name, team_lead,"
	    " " APP_SQL_IS_STAFF("s") " AS is_staff"
	    " FROM session_team($1, $2, $3, $4::bigint) s" :
	    "SELECT session_id, csrf, account_id, login, name,"
	    " profession, is_operator, is_facility_admin, facility_id,"
	    " facility_name, last_login,"
	    " " APP_SQL_IS_STAFF("s") " AS is_staff"
	    " FROM session_touch($1, $2, $3) s",
	    team ? 4 : 3, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;
	}
	app_session_copy(a, r, team);
	PQclear(r);
	return 1;
}

/* A session cookie that is live but bound to another certificate: the
 * cookie travelled to another device.  1 if so. */
static int
app_session_elsewhere(struct app *a)
{
	char		 h[65];
	const char	*p[2];
	PGresult	*r;
	int		 moved;

	if (!app_cookie_ok(a))
		return 0;
	auth_sha256_hex(a->req.session_cookie, AUTH_TOKEN_LEN, h);
	p[0] = h;
	p[1] = a->req.ssl_serial;
	r = db_exec(a->db, "SELECT 1 FROM session WHERE token_hash = $1"
	    " AND ended_at IS NULL AND cert_serial <> $2", 2, p);
	if (r == NULL)
		return 0;
	moved = PQntuples(r) == 1;
	PQclear(r);
	return moved;
}

int
app_session_start(struct app *a, const char *account_id)
{
	char		 tok[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1];
	char		 h[65], cookie[128];
	const char	*p[5];

	if (auth_token(tok, sizeof(tok)) == -1 ||
	    auth_token(csrf, sizeof(csrf)) == -1)
		return -1;
	auth_sha256_hex(tok, AUTH_TOKEN_LEN, h);
	p[0] = h;
	p[1] = csrf;
	p[2] = account_id;
	p[3] = a->req.ssl_serial;
	p[4] = a->req.remote_addr != NULL && *a->req.remote_addr ?
	    a->req.remote_addr : NULL;
	if (db_cmd(a->db, "INSERT INTO session (token_hash, csrf, account_id,"
	    " cert_serial, remote_addr) VALUES ($1, $2, $3::bigint, $4,"
	    " $5::inet)", 5, p) == -1)
		return -1;
	snprintf(cookie, sizeof(cookie), REQ_SESSION_COOKIE "=%s; Path=/;"
	    " Secure; HttpOnly; SameSite=Strict", tok);
	app_header(a, "Set-Cookie", cookie);
	return 0;
}

int
app_session_end(struct app *a, const char *reason)
{
	const char	*p[2];

	p[0] = a->user.session_id;
	p[1] = reason;
	if (db_cmd(a->db, "UPDATE session SET ended_at = now(),"
	    " end_reason = $2 WHERE id = $1::bigint AND ended_at IS NULL",
	    2, p) == -1)
		return -1;
	app_header(a, "Set-Cookie", REQ_SESSION_COOKIE "=; Path=/; Secure;"
	    " HttpOnly; SameSite=Strict; Max-Age=0");
	return 0;
}

/* Everything of *iov written, however the pipe splits it: 0 or -1. */
static int
app_writev(struct iovec *iov, int n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = writev(STDOUT_FILENO, iov, n)) <= 0)
			return -1;
		for (; n > 0 && (size_t)w >= iov->iov_len; iov++, n--)
			w -= (ssize_t)iov->iov_len;
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

static void
app_write(struct app *a)
{
	struct buf	 out;
	struct iovec	 iov[2];

	memset(&out, 0, sizeof(out));
	if (a->body.oom || a->hdr.oom) {
		a->status = 500;
		buf_reset(&a->hdr);
		buf_reset(&a->body);
		buf_puts(&a->body, "Internal Server Error\n");
		a->ctype = "text/plain; charset=utf-8";
	}
	buf_printf(&out, "Status: %d %s\r\n", a->status,
	    app_status_text(a->status));
	if (a->status != 303)
		buf_printf(&out, "Content-Type: %s\r\n", a->ctype);
	buf_printf(&out, "Content-Length: %zu\r\n", a->body.len);
	buf_printf(&out, "Content-Security-Policy: %s\r\n", app_csp);
	buf_puts(&out, "X-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Referrer-Policy: no-referrer\r\n"
	    "Strict-Transport-Security: max-age=31536000\r\n"
	    "Cache-Control: no-store\r\n");
	buf_put(&out, a->hdr.p, a->hdr.len);
	buf_puts(&out, "\r\n");
	/* The head, then the body as it is: no copy of a page into it. */
	if (!out.oom) {
		iov[0].iov_base = out.p;
		iov[0].iov_len = out.len;
		iov[1].iov_base = a->body.p;
		iov[1].iov_len = a->req.method != REQ_HEAD ? a->body.len : 0;
		(void)app_writev(iov, 2);
	}
	buf_free(&out);
}

/* The value of the form's "csrf" key, if declared and valid. */
static const char *
app_form_csrf(const struct app *a)
{
	size_t	 i;

	for (i = 0; i < a->req.nkeys; i++)
		if (strcmp(a->req.keys[i].name, "csrf") == 0)
			return app_val(a, i);
	return NULL;
}

/* The portal's origin ("https://host:port") is the start of portal_url;
 * a browser's Origin header, when sent, must equal it. */
static int
app_origin_ok(void)
{
	const char	*o = getenv("HTTP_ORIGIN"), *portal, *p;
	size_t		 n;

	if (o == NULL)
		return 1;
	portal = cfg_get(CFG_PORTAL_URL);
	if ((p = strstr(portal, "://")) == NULL)
		return 0;
	n = (size_t)(p + 3 - portal);
	n += strcspn(portal + n, "/");
	return strlen(o) == n && strncasecmp(o, portal, n) == 0;
}

/* A POST by its page's rule (enum app_post): 1 if it passes, else 0
 * with the refusal answered (the page's own, or the front line's
 * "csrf" event and 403). */
static int
app_post_ok(struct app *a)
{
	const char	*csrf;
	int		 ok;

	if (a->req.method != REQ_POST)
		return 1;
	switch (a->page->post) {
	case APP_POST_CSRF:
		csrf = app_form_csrf(a);
		if (csrf != NULL && auth_streq(csrf, a->user.csrf))
			return 1;
		app_audit(a, "csrf", NULL, NULL, NULL, "denied", a->req.path);
		app_error(a, 403, "操作を受け付けられません",
		    "画面の有効期限が切れたか、正しくない送信です。画面を開き"
		    "直してから、もう一度操作してください。");
		return 0;
	case APP_POST_LOGIN:
		csrf = app_form_csrf(a);
		ok = csrf != NULL && a->req.login_cookie != NULL &&
		    auth_streq(csrf, a->req.login_cookie);
		break;
	case APP_POST_ORIGIN:
		ok = app_origin_ok();
		break;
	default:
		ok = 0;
		break;
	}
	if (!ok)
		a->page->refused(a);
	return ok;
}

/* A staff page (app_page.staff) for an account without the staff role:
 * the "staff.access" denied event and 403.  1 if it may go on. */
static int
app_staff_ok(struct app *a)
{
	if (!a->page->staff || a->user.is_staff)
		return 1;
	app_audit(a, "staff.access", NULL, NULL, NULL, "denied", a->req.path);
	app_error(a, 403, "利用者だけが利用できます",
	    "この画面は利用者（支援チームで患者さんを支援する職員）だけが"
	    "利用できます。患者さんの登録や支援チームへの参加が必要な場合は、"
	    "施設管理者に利用者の役割の付与をご依頼ください。");
	return 0;
}

/* No live session for this request: the certificate's own standing
 * decides the answer.  1 only on an APP_CERT page whose certificate is
 * active (its handler runs); otherwise the page is decided, 0. */
static int
app_without_session(struct app *a, const char *sha)
{
	int	 rc;

	if ((rc = app_cert_active(a, sha)) == -1) {
		app_dberr(a);
		return 0;
	}
	if (rc == 0) {
		app_audit(a, "certificate", "device_cert", a->req.ssl_serial,
		    NULL, "denied", "inactive or unknown certificate");
		app_error(a, 403, "この端末の証明書は使用できません",
		    "この端末の電子証明書は失効しているか、登録されていません。"
		    "施設管理者または事務局にお問い合わせください。");
		return 0;
	}
	if (a->page->need == APP_CERT)
		return 1;

	if (app_session_elsewhere(a)) {
		app_audit(a, "session", "session", NULL, NULL, "denied",
		    "session cookie presented with another certificate");
		app_error(a, 403, "別の端末のログイン情報です",
		    "このログイン情報は別の端末の証明書に結び付いています。"
		    "この端末でログインし直してください。");
		return 0;
	}
	/* A cookie that no longer opens a session: idle, expired or ended. */
	app_redirect(a, a->req.session_cookie != NULL ?
	    "/login?n=expired" : "/login");
	return 0;
}

/* The first four parameters of every view statement. */
static void
app_view_params(const struct app *a, const char *p[4])
{
	p[0] = a->view_token;
	p[1] = a->req.ssl_serial;
	p[2] = a->view_sha;
	p[3] = a->req.remote_addr != NULL && *a->req.remote_addr ?
	    a->req.remote_addr : NULL;
}

/*
 * Runs a view statement (alone, or with the open transaction's COMMIT)
 * and checks its session row as app_session_load checks session_touch's:
 * 1 with a->view set; 0 when the request is answered (no session, as
 * without a session; a team page's non-member, whose denied event the
 * statement wrote: the 404; an invalid key: params' 400); -1 on a
 * database error.
 */
static int
app_view_run(struct app *a, const struct app_view *v, int commit)
{
	const char	*p[4 + APP_VIEW_PARAMS], *kind;
	PGresult	*r;
	int		 n = 0;

	PQclear(a->view);
	a->view = NULL;
	app_view_params(a, p);
	if (v->params != NULL && (n = v->params(a, p + 4)) < 0)
		return 0;
	r = commit ? db_exec_commit(a->db, v->sql, 4 + n, p) :
	    db_exec_alone(a->db, v->sql, 4 + n, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0 || (kind = db_get(r, 0, "kind")) == NULL ||
	    strcmp(kind, "s") != 0) {
		/* The cookie opened no session: nothing was written. */
		PQclear(r);
		return app_without_session(a, a->view_sha);
	}
	app_session_copy(a, r, a->page->need == APP_TEAM);
	if (a->page->need == APP_TEAM && !a->team.member) {
		PQclear(r);
		team_not_found(a);
		return 0;
	}
	a->view = r;
	return 1;
}

int
app_view_commit(struct app *a, const struct app_view *v)
{
	return app_view_run(a, v, 1);
}

/* Everything before the handler; 1 to run it, 0 when a page (error or
 * redirect) is already decided. */
static int
app_front(struct app *a, const struct app_page *pages, size_t npages)
{
	char		 sha[65];
	size_t		 i;
	unsigned	 m;
	int		 any = 0, rc;

	/* Before any other use of OpenSSL: a CGI lives one request, so no
	 * clean-up at exit (freeing OpenSSL's tables cost more than a
	 * page's own work; the kernel frees everything at once). */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
	for (i = 0; i < npages; i++) {
		if (!app_match(a, pages[i].pattern, a->req.path))
			continue;
		any = 1;
		m = a->req.method == REQ_POST ? APP_POST :
		    a->req.method == REQ_GET || a->req.method == REQ_HEAD ?
		    APP_GET : 0;
		if (pages[i].methods & m) {
			a->page = &pages[i];
			break;
		}
	}
	if (a->page == NULL) {
		if (any) {
			app_error(a, 405, "この操作はできません",
			    "このページはその方法では利用できません。");
			return 0;
		}
		app_error(a, 404, "ページが見つかりません",
		    "お探しのページは見つかりませんでした。"
		    "アドレスをご確認ください。");
		return 0;
	}

	if (a->page->need != APP_NOCERT &&
	    (a->req.ssl_verify == NULL ||
	    strcmp(a->req.ssl_verify, "SUCCESS") != 0 ||
	    a->req.ssl_serial == NULL || *a->req.ssl_serial == '\0' ||
	    app_cert_sha256(a, sha) == -1)) {
		/* Fail closed: only nginx's own SSL_CLIENT_* count. */
		app_error(a, 403, "端末の証明書が確認できません",
		    "この端末から電子証明書が送信されていないか、確認できません"
		    "でした。証明書をインストールしてブラウザーを再起動して"
		    "ください。");
		return 0;
	}

	if ((a->db = db_connect()) == NULL) {
		app_error(a, 503, "ただいま利用できません",
		    "システムに接続できませんでした。しばらく待ってから、"
		    "もう一度お試しください。");
		return 0;
	}
	if (a->page->need == APP_NOCERT)
		return app_post_ok(a);
	if (a->page->need == APP_CERT)
		return app_without_session(a, sha) && app_post_ok(a);

	/* APP_SESSION, APP_TEAM. */
	if (!app_cookie_ok(a))
		return app_without_session(a, sha);
	auth_sha256_hex(a->req.session_cookie, AUTH_TOKEN_LEN, a->view_token);
	memcpy(a->view_sha, sha, sizeof(a->view_sha));
	if (a->page->view != NULL)
		rc = app_view_run(a, a->page->view, 0);
	else if ((rc = app_session_load(a, sha)) == 0)
		return app_without_session(a, sha);
	if (rc == -1) {
		app_dberr(a);
		return 0;
	}
	return rc == 1 && app_post_ok(a) && app_staff_ok(a);
}

/* The rule each need gives its POST pages. */
static const enum app_post app_need_post[APP_NEED__MAX] = {
	/* APP_CERT */		APP_POST_LOGIN,
	/* APP_SESSION */	APP_POST_CSRF,
	/* APP_NOCERT */	APP_POST_ORIGIN,
	/* APP_TEAM */		APP_POST_CSRF,
};

static int
app_has_key(const struct req_key *keys, size_t nkeys, const char *name)
{
	size_t	 i;

	for (i = 0; i < nkeys; i++)
		if (strcmp(keys[i].name, name) == 0)
			return 1;
	return 0;
}

int
app_pages_check(const struct app_page *pages, size_t npages,
    const struct req_key *keys, size_t nkeys, char *why, size_t n)
{
	const struct app_page *pg;
	size_t		 i;
	int		 session;

	for (i = 0; i < npages; i++) {
		pg = &pages[i];
#define APP_FAULT(msg) do { snprintf(why, n, "page %zu (%s): %s", i, \
	pg->pattern != NULL ? pg->pattern : "?", msg); return -1; } while (0)
		if (pg->pattern == NULL || pg->pattern[0] != '/')
			APP_FAULT("pattern must start with /");
		if (pg->fn == NULL)
			APP_FAULT("no handler");
		if (pg->methods == 0 || (pg->methods & ~(APP_GET | APP_POST)))
			APP_FAULT("methods must be APP_GET and/or APP_POST");
		if ((unsigned)pg->need >= APP_NEED__MAX)
			APP_FAULT("unknown need");
		if ((unsigned)pg->post >= APP_POST__MAX)
			APP_FAULT("unknown POST rule");
		session = pg->need == APP_SESSION || pg->need == APP_TEAM;
		if (pg->need == APP_TEAM && strchr(pg->pattern, '#') == NULL)
			APP_FAULT("APP_TEAM needs the team's '#' in the pattern");
		if (pg->methods & APP_POST) {
			if (pg->post != app_need_post[pg->need])
				APP_FAULT(session ? "a POST page with a session"
				    " must take the session's CSRF check" :
				    pg->need == APP_CERT ? "a POST page before"
				    " the session must take the login token"
				    " check" : "a POST page without a"
				    " certificate must take the origin check");
			if (pg->post != APP_POST_ORIGIN &&
			    !app_has_key(keys, nkeys, "csrf"))
				APP_FAULT("a POST page needs a declared csrf key");
			if (session && pg->refused != NULL)
				APP_FAULT("the session's CSRF refusal is the"
				    " front line's own");
			if (!session && pg->refused == NULL)
				APP_FAULT("the POST rule needs a refusal handler");
		} else if (pg->post != APP_POST_CSRF || pg->refused != NULL)
			APP_FAULT("a POST rule on a page without POST");
		if (pg->staff && (!session || pg->view != NULL))
			APP_FAULT("a staff page needs a session and no view"
			    " statement (the front line reads the role with"
			    " the session)");
		if (pg->view != NULL) {
			if (!session)
				APP_FAULT("a view statement on a page without"
				    " a session");
			if (pg->methods != APP_GET)
				APP_FAULT("a view statement commits its event"
				    " alone: GET pages only");
			if (pg->view->sql == NULL)
				APP_FAULT("a view without its statement");
		}
#undef APP_FAULT
	}
	return 0;
}

int
app_main(const char *prog, const struct app_page *pages, size_t npages,
    const struct req_key *keys, size_t nkeys, size_t limit)
{
	struct app	 a;
	enum req_err	 e;

	char		 why[256];

	log_setprog(prog);
	/* Bound our own run time: nothing above us will. */
	alarm(APP_RUN_SECONDS);
	memset(&a, 0, sizeof(a));
	a.status = 200;
	a.ctype = "text/html; charset=utf-8";

	/* A page table that would let a page past a check is refused
	 * before anything of the request is read or believed. */
	if (app_pages_check(pages, npages, keys, nkeys, why,
	    sizeof(why)) == -1) {
		log_err("page table refused: %s", why);
		(void)cfg_load();
		app_error(&a, 500, "設定の誤り",
		    "システムの設定に誤りがあります。事務局にお問い合わせ"
		    "ください。");
		goto out;
	}

	/* The whole body is read before anything is answered. */
	e = req_init(&a.req, keys, nkeys, limit, STDIN_FILENO);
	if (cfg_load() == -1) {
		app_error(&a, 500, "設定の誤り",
		    "システムの設定に誤りがあります。事務局にお問い合わせ"
		    "ください。");
		goto out;
	}
	switch (e) {
	case REQ_OK:
		break;
	case REQ_ERR_TOO_LARGE:
		app_error(&a, 413, "送信された内容が大きすぎます",
		    "送信できる大きさの上限を超えています。ファイルを小さく"
		    "するか、分けて送信してください。");
		goto out;
	case REQ_ERR_CTYPE:
		app_error(&a, 415, "送信の形式が正しくありません",
		    "この形式の送信は受け付けられません。");
		goto out;
	default:
		app_error(&a, 400, "送信内容が正しくありません",
		    "送信された内容を読み取れませんでした。画面を開き直して"
		    "から、もう一度お試しください。");
		goto out;
	}
	if (app_front(&a, pages, npages))
		a.page->fn(&a);
	PQclear(a.view);
	a.view = NULL;
out:
	app_write(&a);
	if (a.db != NULL)
		PQfinish(a.db);
	req_free(&a.req);
	buf_free(&a.hdr);
	buf_free(&a.body);
	return 0;
}
