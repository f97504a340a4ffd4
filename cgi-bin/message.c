/* /teams/{id}/messages: a support team's timeline, posting with
 * attachments, 👍, withdrawal, attachment downloads.  Members only: any
 * other account gets 404 for every page here, whatever the ids. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "form.h"
#include "log.h"
#include "mail.h"
#include "team.h"
#include "upload.h"
#include "tmpl.h"

#define MSG_PAGE	30
#define MSG_FILES	5
#define MSG_FILE_MAX	(10L * 1024 * 1024)
#define MSG_BODY_MAX	10000
#define MSG_NAME_MAX	255
/* Five full attachments plus the text and the multipart framing. */
#define MSG_BODY_LIMIT	((size_t)MSG_FILES * MSG_FILE_MAX + 256 * 1024)

enum key {
	KEY_CSRF,
	KEY_CLIENT_TOKEN,
	KEY_BODY,
	KEY_FILE1,
	KEY_FILE2,
	KEY_FILE3,
	KEY_FILE4,
	KEY_FILE5,
	KEY_FILE6,	/* declared only to refuse a 6th attachment */
	KEY_BEFORE,
	KEY_NOTICE,
	KEY__MAX
};

static const struct req_key keys[KEY__MAX] = {
	/* KEY_CSRF */	{ "csrf", req_v_token, AUTH_TOKEN_LEN, AUTH_TOKEN_LEN },
	/* KEY_CLIENT_TOKEN */	{ "client_token", req_v_token, 16, 64 },
	/* KEY_BODY */	{ "body", req_v_multiline, 1, MSG_BODY_MAX },
	/* KEY_FILE1 */	{ "file1", req_v_file, 0, MSG_FILE_MAX },
	/* KEY_FILE2 */	{ "file2", req_v_file, 0, MSG_FILE_MAX },
	/* KEY_FILE3 */	{ "file3", req_v_file, 0, MSG_FILE_MAX },
	/* KEY_FILE4 */	{ "file4", req_v_file, 0, MSG_FILE_MAX },
	/* KEY_FILE5 */	{ "file5", req_v_file, 0, MSG_FILE_MAX },
	/* KEY_FILE6 */	{ "file6", NULL, 0, 0 },
	/* KEY_BEFORE */	{ "before", req_v_int, 1, INT64_MAX },
	/* KEY_NOTICE */	{ "n", req_v_token, 1, 16 },
};

static void
fail_db(struct app *a)
{
	app_dberr_say(a, NULL, "システムで問題が発生しました。内容は保存"
	    "されていません。しばらく待ってから、もう一度お試しください。");
}

static void
msg_size(char *b, size_t n, long long size)
{
	if (size >= 1024 * 1024)
		snprintf(b, n, "%.1f MB", (double)size / (1024 * 1024));
	else if (size >= 1024)
		snprintf(b, n, "%lld KB", (size + 1023) / 1024);
	else
		snprintf(b, n, "%lld バイト", size);
}

/* One message of the page: rows point into r and into body (a copy
 * split at newlines). */
struct shown {
	char	*body;
	struct tmpl_message_timeline_messages_lines *lines;
	struct tmpl_message_timeline_messages_attachments *att;
	char	(*sizes)[32];
	char	(*names)[UPLOAD_NAME_MAX + 1];
	struct tmpl_message_timeline_messages_readers *readers;
	char	 read_count[12], member_count[12];
};

static int
split_lines(struct shown *s, struct tmpl_message_timeline_messages *m,
    const char *body)
{
	size_t	 n = 1, i;
	char	*p;

	if ((s->body = strdup(body)) == NULL)
		return -1;
	for (p = s->body; *p != '\0'; p++)
		n += *p == '\n';
	if ((s->lines = calloc(n, sizeof(*s->lines))) == NULL)
		return -1;
	for (i = 0, p = s->body; i < n; i++) {
		s->lines[i].text = p;
		s->lines[i].br = i + 1 < n;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	m->lines = s->lines;
	m->lines_n = n;
	return 0;
}

/* Where the page's rows are in timeline_view's result
 * (schema/functions/pages.sql): messages in rows m0 .. m0 + mn - 1, the
 * keyset page's attachments in rows x0 .. x0 + xn - 1, the members who
 * could read my own messages in rows r0 .. r0 + rn - 1. */
struct tl_rows {
	const PGresult	*r;
	int		 m0, mn, x0, xn, r0, rn;
	int		 closed;	/* the row of kind 'c', or 0: open */
	int		 withdrawn;	/* the row of kind 'w' (the consent
					 * withdrawn), or 0 */
};

/* The attachments of the shown messages (any of a message not shown are
 * left out). */
static int
add_attachments(const struct tl_rows *w, struct shown *sh,
    struct tmpl_message_timeline_messages *msgs, size_t n)
{
	const PGresult	*r = w->r;
	size_t		 i, k;
	int		 row, cnt, end = w->x0 + w->xn;

	for (i = 0; i < n; i++) {
		cnt = 0;
		for (row = w->x0; row < end; row++)
			cnt += strcmp(db_get(r, row, "message_id"),
			    msgs[i].id) == 0;
		if (cnt == 0 || msgs[i].withdrawn)
			continue;
		if ((sh[i].att = calloc(cnt, sizeof(*sh[i].att))) == NULL ||
		    (sh[i].sizes = calloc(cnt, sizeof(*sh[i].sizes))) == NULL ||
		    (sh[i].names = calloc(cnt, sizeof(*sh[i].names))) == NULL)
			return -1;
		for (row = w->x0, k = 0; row < end; row++) {
			if (strcmp(db_get(r, row, "message_id"), msgs[i].id))
				continue;
			sh[i].att[k].team_id = msgs[i].team_id;
			sh[i].att[k].message_id = msgs[i].id;
			sh[i].att[k].id = db_get(r, row, "id");
			/* Cleaned as it is served (rows stored before the
			 * cleaner); the extension rule needs the type,
			 * which the stored names already follow. */
			if ((sh[i].att[k].name = upload_name(sh[i].names[k],
			    sizeof(sh[i].names[k]), db_get(r, row, "file_name"),
			    NULL, "添付ファイル")) == NULL)
				return -1;
			msg_size(sh[i].sizes[k], sizeof(sh[i].sizes[k]),
			    strtoll(db_get(r, row, "size"), NULL, 10));
			sh[i].att[k].size = sh[i].sizes[k];
			k++;
		}
		msgs[i].has_attachments = 1;
		msgs[i].attachments = sh[i].att;
		msgs[i].attachments_n = k;
	}
	return 0;
}

/* 既読 n/m on each of my own messages shown: m the team's other live
 * members, n those who have viewed it (their first view in "created",
 * NULL for not yet), named in the order they first read it. */
static int
add_receipts(const struct tl_rows *w, struct shown *sh,
    struct tmpl_message_timeline_messages *msgs, size_t n)
{
	const PGresult	*r = w->r;
	size_t		 i, k, read;
	int		 row, cnt, end = w->r0 + w->rn;

	for (i = 0; i < n; i++) {
		if (!msgs[i].mine || msgs[i].withdrawn)
			continue;
		cnt = 0;
		read = 0;
		for (row = w->r0; row < end; row++)
			if (strcmp(db_get(r, row, "message_id"),
			    msgs[i].id) == 0) {
				cnt++;
				read += db_get(r, row, "created") != NULL;
			}
		if (read > 0 && (sh[i].readers = calloc(read,
		    sizeof(*sh[i].readers))) == NULL)
			return -1;
		for (row = w->r0, k = 0; row < end && k < read; row++) {
			if (strcmp(db_get(r, row, "message_id"), msgs[i].id) ||
			    db_get(r, row, "created") == NULL)
				continue;
			sh[i].readers[k].name = db_get(r, row, "name");
			sh[i].readers[k].at = db_get(r, row, "created");
			k++;
		}
		snprintf(sh[i].read_count, sizeof(sh[i].read_count), "%zu",
		    read);
		snprintf(sh[i].member_count, sizeof(sh[i].member_count), "%d",
		    cnt);
		msgs[i].has_receipt = 1;
		msgs[i].read_count = sh[i].read_count;
		msgs[i].member_count = sh[i].member_count;
		msgs[i].has_readers = read > 0;
		msgs[i].readers = sh[i].readers;
		msgs[i].readers_n = read;
	}
	return 0;
}

static const struct {
	const char	*code;
	const char	*text;
} notices[] = {
	{ "posted", "メッセージを投稿しました。" },
	{ "withdrawn", "メッセージを取り消しました。" },
};

/*
 * The timeline page from its rows (w): one page of messages (keyset: id
 * below ?before) and their attachments.  f is the refused post form or
 * NULL.  0, or -1 (nothing rendered).
 */
static int
timeline_render(struct app *a, struct form *f, const struct tl_rows *w)
{
	static const char *const labels[MSG_FILES] = {
		"添付ファイル1", "添付ファイル2", "添付ファイル3",
		"添付ファイル4", "添付ファイル5" };
	struct tmpl_message_timeline	 tp;
	struct tmpl_message_timeline_messages msgs[MSG_PAGE];
	struct tmpl_message_timeline_files files[MSG_FILES];
	struct tmpl_message_timeline_errors errs[FORM_ERRORS_MAX];
	struct shown			 sh[MSG_PAGE];
	char				 tok[AUTH_TOKEN_LEN + 1], title[400];
	char				 reason[700];
	char				 anchors[MSG_PAGE][24], errid[MSG_FILES][16];
	const char			*before = app_val(a, KEY_BEFORE), *v;
	const PGresult			*r = w->r;
	size_t				 i, n;
	int				 row, rc = -1;

	memset(&tp, 0, sizeof(tp));
	memset(msgs, 0, sizeof(msgs));
	memset(files, 0, sizeof(files));
	memset(sh, 0, sizeof(sh));
	n = (size_t)w->mn;
	tp.has_older = n > MSG_PAGE;
	if (n > MSG_PAGE)
		n = MSG_PAGE;
	for (i = 0; i < n; i++) {
		row = w->m0 + (int)i;
		msgs[i].id = db_get(r, row, "id");
		msgs[i].team_id = a->team.team_id;
		msgs[i].csrf = a->user.csrf;
		msgs[i].has_before = before != NULL;
		msgs[i].before = before;
		snprintf(anchors[i], sizeof(anchors[i]), "m%s", msgs[i].id);
		msgs[i].anchor = anchors[i];
		msgs[i].author = db_get(r, row, "author");
		msgs[i].profession = db_get(r, row, "author_profession");
		msgs[i].facility = db_get(r, row, "facility");
		msgs[i].created = db_get(r, row, "created");
		msgs[i].mine = *db_get(r, row, "mine") == 't';
		msgs[i].open = w->closed == 0 && w->withdrawn == 0;
		msgs[i].withdrawn = *db_get(r, row, "withdrawn") == 't';
		msgs[i].liked = *db_get(r, row, "liked") == 't';
		msgs[i].like_count = db_get(r, row, "likes");
		if ((v = db_get(r, row, "likers")) != NULL) {
			msgs[i].has_likers = 1;
			msgs[i].likers = v;
		}
		if (!msgs[i].withdrawn &&
		    split_lines(&sh[i], &msgs[i], db_get(r, row, "body")))
			goto out;
	}
	tp.older = n > 0 ? msgs[n - 1].id : "";
	if (add_attachments(w, sh, msgs, n) == -1 ||
	    add_receipts(w, sh, msgs, n) == -1)
		goto out;

	tp.read_only = w->closed > 0 || w->withdrawn > 0;
	if (w->withdrawn > 0) {
		tp.withdrawn = 1;
		tp.withdrawn_text = db_get(r, w->withdrawn, "body");
	}
	if (w->closed > 0) {
		tp.closed = 1;
		tp.closed_on = db_get(r, w->closed, "created");
		tp.closed_by = db_get(r, w->closed, "author");
		v = db_get(r, w->closed, "file_name");
		if (v != NULL && *v != '\0') {
			snprintf(reason, sizeof(reason), "%s：%s",
			    team_close_label(db_get(r, w->closed, "body")), v);
			tp.close_reason = reason;
		} else
			tp.close_reason = team_close_label(db_get(r, w->closed,
			    "body"));
	}
	tp.patient_name = a->team.patient_name;
	tp.patient_id = a->team.patient_id;
	tp.team_id = a->team.team_id;
	tp.csrf = a->user.csrf;
	tp.messages = msgs;
	tp.messages_n = n;
	tp.has_messages = n > 0;
	tp.has_newer = before != NULL;
	if ((v = app_val(a, KEY_NOTICE)) != NULL)
		for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++)
			if (strcmp(v, notices[i].code) == 0) {
				tp.notice_shown = 1;
				tp.notice = notices[i].text;
			}
	for (i = 0; i < MSG_FILES; i++) {
		files[i].key = keys[KEY_FILE1 + i].name;
		files[i].label = labels[i];
		snprintf(errid[i], sizeof(errid[i]), "%s-error",
		    keys[KEY_FILE1 + i].name);
		files[i].error_id = errid[i];
		if (f != NULL && form_err(f, KEY_FILE1 + i) != NULL) {
			files[i].has_error = 1;
			files[i].error_text = form_err(f, KEY_FILE1 + i);
		}
	}
	tp.files = files;
	tp.files_n = MSG_FILES;
	if (f != NULL) {
		tp.client_token = app_val(a, KEY_CLIENT_TOKEN);
		tp.body = form_text(&a->req, KEY_BODY);
		tp.body_error = form_err(f, KEY_BODY) != NULL;
		tp.body_error_text = form_err(f, KEY_BODY);
		for (i = 0; i < f->n; i++) {
			errs[i].anchor = f->list[i].href;
			errs[i].text = f->list[i].text;
		}
		tp.has_error = f->n > 0;
		tp.errors = errs;
		tp.errors_n = f->n;
	} else {
		/* A fresh one-time token for each form shown. */
		if (auth_token(tok, sizeof(tok)) == -1)
			goto out;
		tp.client_token = tok;
	}
	snprintf(title, sizeof(title), "メッセージ（%s）",
	    a->team.patient_name);
	app_layout_begin(a, title);
	tmpl_message_timeline(&a->body, &tp);
	app_layout_end(a);
	rc = 0;
out:
	for (i = 0; i < MSG_PAGE; i++) {
		free(sh[i].body);
		free(sh[i].lines);
		free(sh[i].att);
		free(sh[i].sizes);
		free(sh[i].names);
		free(sh[i].readers);
	}
	return rc;
}

/* The timeline's ?before (the keyset page) for its view statement; a
 * GET with an invalid ?before or ?n is answered 400 here. */
static int
timeline_params(struct app *a, const char *p[APP_VIEW_PARAMS])
{
	if (a->req.method != REQ_POST && (app_refuse_invalid(a, KEY_BEFORE) ||
	    app_refuse_invalid(a, KEY_NOTICE)))
		return -1;
	p[0] = a->id[0];
	p[1] = app_val(a, KEY_BEFORE);
	return 2;
}

/*
 * The timeline: one statement (pages.sql timeline_view) checks the
 * session and my membership, records the first views, writes the audit
 * event and returns the session row, the messages (kind 'm'), their
 * attachments (kind 'a') and who may have read my own (kind 'r').  On a GET the front line sends it alone; after
 * a refused post (the form shown again over the page) it goes with the
 * post's failure event and the COMMIT of the transaction team_open
 * opened.  Either way it is committed in the round trip that brings the
 * rows.
 */
static const struct app_view timeline_view = {
	"SELECT v.*, " APP_SQL_VIEW_IS_STAFF("v") " AS is_staff"
	" FROM timeline_view($1, $2, $3, $4::inet, $5::bigint,"
	" $6::bigint) v", timeline_params
};

/* The timeline page from the view's rows in a->view; f is the refused
 * post form or NULL. */
static void
timeline(struct app *a, struct form *f)
{
	const PGresult	*r = a->view;
	const char	*kind;
	struct tl_rows	 w;
	int		 row, n;

	memset(&w, 0, sizeof(w));
	w.r = r;
	n = PQntuples(r);
	for (row = 1; row < n; row++) {
		kind = db_get(r, row, "kind");
		if (strcmp(kind, "m") == 0) {
			if (w.mn++ == 0)
				w.m0 = row;
		} else if (strcmp(kind, "a") == 0) {
			if (w.xn++ == 0)
				w.x0 = row;
		} else if (strcmp(kind, "r") == 0) {
			if (w.rn++ == 0)
				w.r0 = row;
		} else if (strcmp(kind, "c") == 0)
			w.closed = row;
		else if (strcmp(kind, "w") == 0)
			w.withdrawn = row;
	}
	if (timeline_render(a, f, &w) == -1) {
		fail_db(a);
		return;
	}
	if (f != NULL)
		a->status = 422;
}

static void
page_timeline(struct app *a)
{
	timeline(a, NULL);
}

/* Checks the post form; fills f with what to tell the author. */
static void
post_check(struct app *a, struct form *f, const char *types[MSG_FILES])
{
	const struct req_val *v = &a->req.vals[KEY_BODY];
	const char	*err = NULL;
	size_t		 i;

	form_init(f, &a->req);
	if (!v->present || v->len == 0)
		err = "メッセージを入力してください。";
	else if (!v->valid && req_utf8_len(v->s, v->len) < 0)
		err = "文字コードが正しくありません（UTF-8 ではない文字が"
		    "含まれています）。";
	else if (!v->valid && req_utf8_len(v->s, v->len) > MSG_BODY_MAX)
		err = "メッセージは10,000文字以内で入力してください。";
	else if (!v->valid)
		err = v->err;
	if (err != NULL)
		form_error(f, KEY_BODY, NULL, err);
	for (i = 0; i < MSG_FILES; i++) {
		v = &a->req.vals[KEY_FILE1 + i];
		types[i] = NULL;
		if (!v->present || (v->valid && v->len == 0))
			continue;
		err = NULL;
		if (!v->valid)
			err = v->len > (size_t)MSG_FILE_MAX ?
			    "10MBを超えるファイルは添付できません。" : v->err;
		else if ((types[i] = upload_sniff(v->s, v->len)) == NULL)
			err = "添付できるのは PDF・JPEG・PNG のファイルだけです。";
		else if (req_utf8_len(v->filename, strlen(v->filename)) >
		    MSG_NAME_MAX)
			err = "ファイル名が長すぎます（255文字まで）。";
		if (err != NULL)
			form_error(f, KEY_FILE1 + i, NULL, err);
	}
	if (a->req.vals[KEY_FILE6].present)
		form_error(f, KEY_FILE6, "file1", "添付ファイルは5つまでです。");
}

/* Hex of n bytes for decode($x, 'hex'): parameters are text. */
static char *
hexdup(const unsigned char *d, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char	*s;
	size_t	 i;

	if ((s = malloc(2 * n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		s[2 * i] = hex[d[i] >> 4];
		s[2 * i + 1] = hex[d[i] & 15];
	}
	s[2 * n] = '\0';
	return s;
}

static int
store_attachment(struct app *a, const char *msg_id, int n,
    const struct req_val *v, const char *type)
{
	const char	*p[5];
	char		 num[12], name[UPLOAD_NAME_MAX + 1], *hex;
	int		 rc;

	if ((hex = hexdup((const unsigned char *)v->s, v->len)) == NULL)
		return -1;
	snprintf(num, sizeof(num), "%d", n);
	p[0] = msg_id;
	p[1] = num;
	p[2] = upload_name(name, sizeof(name), v->filename, type,
	    "添付ファイル");
	if (p[2] == NULL) {
		free(hex);
		return -1;
	}
	p[3] = type;
	p[4] = hex;
	rc = db_cmd(a->db, "INSERT INTO message_attachment (message_id, n,"
	    " name, type, size, sha256, data) SELECT $1::bigint, $2::smallint,"
	    " $3, $4, octet_length(d), encode(sha256(d), 'hex'), d"
	    " FROM (SELECT decode($5, 'hex') AS d) x", 5, p);
	free(hex);
	return rc;
}

/*
 * Mail the other members who want it, at most once per member and team
 * in 10 minutes (message_notify, schema/functions/mail.sql).  Queued: it
 * goes out with the audit event and the COMMIT, which report its
 * failure.  0 or -1.
 */
static int
notify_members(struct app *a, const char *team_id)
{
	const char	*p[4];
	char		 subject[256];
	struct buf	 body;
	int		 rc = -1;

	memset(&body, 0, sizeof(body));
	/* Never the patient or the text: only that there is news. */
	buf_printf(&body, "参加している支援チームに新しいメッセージが"
	    "あります。\n内容は%sにログインしてご確認ください。\n\n%slogin\n\n"
	    "このメールは送信専用です。通知が不要な場合は、マイプロファイル"
	    "で設定を変更できます。\n", cfg_get(CFG_SERVICE_NAME),
	    cfg_get(CFG_APP_URL));
	if (body.oom || (p[2] = mail_subject(subject, sizeof(subject),
	    "新しいメッセージがあります")) == NULL)
		goto out;
	p[0] = team_id;
	p[1] = a->user.account_id;
	p[3] = body.p;
	rc = db_cmd_later(a->db, "SELECT message_notify($1::bigint,"
	    " $2::bigint, $3, $4)", 4, p);
out:
	buf_free(&body);
	return rc;
}

static void
page_post(struct app *a)
{
	struct form	 f;
	const char	*types[MSG_FILES], *p[4];
	char		 path[96], detail[64], msg_id[24];
	PGresult	*r;
	size_t		 i;
	int		 rc, nfiles = 0;

	if (app_val(a, KEY_CLIENT_TOKEN) == NULL) {
		/* Our own form always carries one. */
		app_error(a, 400, "送信内容が正しくありません",
		    "画面を開き直してから、もう一度投稿してください。");
		return;
	}
	post_check(a, &f, types);
	if ((rc = team_open(a, "message.post")) == -1)
		goto err;
	if (rc == 0)
		return;
	if (f.n > 0) {
		/* The form again with its errors, under the timeline. */
		if (app_audit(a, "message.post", "team", a->team.team_id,
		    a->team.patient_id, "failure", "invalid input") == -1 ||
		    (rc = app_view_commit(a, &timeline_view)) == -1)
			goto err;
		if (rc == 1)
			timeline(a, &f);
		return;
	}

	p[0] = a->team.team_id;
	p[1] = a->user.account_id;
	p[2] = a->req.vals[KEY_BODY].s;
	p[3] = app_val(a, KEY_CLIENT_TOKEN);
	r = db_exec(a->db, "INSERT INTO message (team_id, author_id, body,"
	    " client_token) VALUES ($1::bigint, $2::bigint, $3, $4)"
	    " ON CONFLICT (author_id, client_token) DO NOTHING RETURNING id",
	    4, p);
	if (r == NULL)
		goto err;
	if (PQntuples(r) == 0) {
		/* The same form again (double click, resend after a
		 * timeout): it is already stored once. */
		PQclear(r);
		if (app_audit(a, "message.post", "team", a->team.team_id, a->team.patient_id,
		    "failure", "duplicate submission") == -1 ||
		    db_commit(a->db) == -1)
			goto err;
		snprintf(path, sizeof(path), "/teams/%s/messages", a->team.team_id);
		app_redirect(a, path);
		return;
	}
	snprintf(msg_id, sizeof(msg_id), "%s", db_get(r, 0, "id"));
	PQclear(r);
	for (i = 0; i < MSG_FILES; i++)
		if (types[i] != NULL && store_attachment(a, msg_id, ++nfiles,
		    &a->req.vals[KEY_FILE1 + i], types[i]) == -1)
			goto err;
	snprintf(detail, sizeof(detail), "attachments: %d", nfiles);
	if (notify_members(a, a->team.team_id) == -1 ||
	    app_audit(a, "message.post", "message", msg_id, a->team.patient_id,
	    "success", detail) == -1 || db_commit(a->db) == -1)
		goto err;
	snprintf(path, sizeof(path), "/teams/%s/messages?n=posted", a->team.team_id);
	app_redirect(a, path);
	return;
err:
	fail_db(a);
}

/* Back to the page the form was on (?before kept), at the message. */
static void
back_to(struct app *a, const char *notice)
{
	const char	*before = app_val(a, KEY_BEFORE);
	struct buf	 path;

	memset(&path, 0, sizeof(path));
	buf_printf(&path, "/teams/%s/messages", a->id[0]);
	if (notice != NULL)
		buf_printf(&path, "?n=%s", notice);
	if (before != NULL)
		buf_printf(&path, "%cbefore=%s", notice != NULL ? '&' : '?',
		    before);
	buf_printf(&path, "#m%s", a->id[1]);
	app_redirect(a, path.oom ? "/home" : path.p);
	buf_free(&path);
}

/*
 * The message a->id[1] of team a->id[0] as its member sees it, locked
 * against a concurrent withdrawal, in the transaction team_open() opens.
 * 1 found (*withdrawn, *mine set), 0 not a member or not a message of
 * this team (404 page rendered), -1 error.
 */
static int
message_open(struct app *a, const char *action, int *withdrawn, int *mine)
{
	const char	*p[3] = { a->id[1], a->id[0], a->user.account_id };
	PGresult	*r;
	int		 rc;

	if ((rc = team_open(a, action)) != 1)
		return rc;
	r = db_exec(a->db, "SELECT withdrawn_at IS NOT NULL AS withdrawn,"
	    " author_id = $3::bigint AS mine FROM message"
	    " WHERE id = $1::bigint AND team_id = $2::bigint FOR SHARE", 3, p);
	if (r == NULL)
		return -1;
	if ((rc = PQntuples(r) == 1)) {
		*withdrawn = *db_get(r, 0, "withdrawn") == 't';
		*mine = *db_get(r, 0, "mine") == 't';
	} else {
		db_rollback(a->db);
		team_not_found(a);
	}
	PQclear(r);
	return rc;
}

static void
page_like(struct app *a)
{
	const char	*p[2] = { a->id[1], a->user.account_id };
	const char	*action = "message.unlike";
	PGresult	*r;
	int		 rc, withdrawn, mine;

	if ((rc = message_open(a, "message.like", &withdrawn, &mine)) == -1)
		goto err;
	if (rc == 0)
		return;
	if (withdrawn) {
		db_rollback(a->db);
		app_error(a, 409, "👍できません",
		    "このメッセージは取り消されたため、👍できません。");
		return;
	}
	/* Pressing again takes the 👍 back. */
	if ((r = db_exec(a->db, "DELETE FROM message_like WHERE message_id ="
	    " $1::bigint AND account_id = $2::bigint RETURNING 1", 2, p)) == NULL)
		goto err;
	rc = PQntuples(r);
	PQclear(r);
	if (rc == 0) {
		action = "message.like";
		if (db_cmd(a->db, "INSERT INTO message_like (message_id,"
		    " account_id) VALUES ($1::bigint, $2::bigint)"
		    " ON CONFLICT DO NOTHING", 2, p) == -1)
			goto err;
	}
	if (app_audit(a, action, "message", a->id[1], a->team.patient_id,
	    "success", NULL) == -1 || db_commit(a->db) == -1)
		goto err;
	back_to(a, NULL);
	return;
err:
	fail_db(a);
}

static void
page_withdraw(struct app *a)
{
	const char	*p[2] = { a->id[1], a->user.account_id };
	int		 rc, withdrawn, mine;

	if ((rc = message_open(a, "message.withdraw", &withdrawn, &mine)) == -1)
		goto err;
	if (rc == 0)
		return;
	if (!mine) {
		db_rollback(a->db);
		app_error(a, 403, "取り消せません",
		    "取り消せるのは、ご自分が投稿したメッセージだけです。");
		return;
	}
	if (!withdrawn && (db_cmd(a->db, "UPDATE message SET withdrawn_at ="
	    " now(), withdrawn_by = $2::bigint WHERE id = $1::bigint", 2,
	    p) == -1 || app_audit(a, "message.withdraw", "message", a->id[1],
	    a->team.patient_id, "success", NULL) == -1))
		goto err;
	if (db_commit(a->db) == -1)
		goto err;
	back_to(a, "withdrawn");
	return;
err:
	fail_db(a);
}

static void
page_attachment(struct app *a)
{
	const char	*p[3] = { a->id[0], a->id[1], a->id[2] };
	const char	*type;
	char		 name[UPLOAD_NAME_MAX + 1];
	unsigned char	*data = NULL;
	size_t		 len;
	PGresult	*r = NULL;
	int		 rc;

	if ((rc = team_open(a, "message.attachment")) == -1)
		goto err;
	if (rc == 0)
		return;
	r = db_exec(a->db, "SELECT x.name, x.type, x.data"
	    " FROM message_attachment x JOIN message m ON m.id = x.message_id"
	    " WHERE m.team_id = $1::bigint AND x.message_id = $2::bigint"
	    " AND x.id = $3::bigint AND m.withdrawn_at IS NULL", 3, p);
	if (r == NULL)
		goto err;
	if (PQntuples(r) != 1) {
		PQclear(r);
		db_rollback(a->db);
		team_not_found(a);
		return;
	}
	/* app_download keeps the type pointer past PQclear: a constant. */
	if ((type = upload_type(db_get(r, 0, "type"))) == NULL ||
	    (data = PQunescapeBytea((const unsigned char *)db_get(r, 0,
	    "data"), &len)) == NULL)
		goto err;
	if (app_audit(a, "message.attachment", "message_attachment",
	    a->id[2], a->team.patient_id, "success", NULL) == -1 ||
	    db_commit(a->db) == -1 ||
	    upload_name(name, sizeof(name), db_get(r, 0, "name"), type,
	    "添付ファイル") == NULL ||
	    app_download(a, type, name, data, len) == -1)
		goto err;
	PQfreemem(data);
	PQclear(r);
	return;
err:
	if (data != NULL)
		PQfreemem(data);
	PQclear(r);
	fail_db(a);
}

static const struct app_page pages[] = {
	{ "/teams/#/messages", APP_GET, APP_TEAM, page_timeline,
	    .view = &timeline_view },
	{ "/teams/#/messages", APP_POST, APP_TEAM, page_post },
	{ "/teams/#/messages/#/like", APP_POST, APP_TEAM, page_like },
	{ "/teams/#/messages/#/withdraw", APP_POST, APP_TEAM,
	    page_withdraw },
	{ "/teams/#/messages/#/attachments/#", APP_GET, APP_TEAM,
	    page_attachment },
};

int
main(void)
{
	return app_main("message", pages, sizeof(pages) / sizeof(pages[0]),
	    keys, KEY__MAX, MSG_BODY_LIMIT);
}
