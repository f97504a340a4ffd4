/* Portal /certificate-pickup: pickup number + pickup password -> the
 * device certificate's PKCS#12, once, within its time, rate-limited.
 * No client certificate and no session here, hence no CSRF token: the
 * front line refuses a POST from another origin instead
 * (APP_POST_ORIGIN), and every attempt is audited. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "cfg.h"
#include "db.h"
#include "pickup.h"
#include "tmpl.h"

enum key {
	KEY_NO,
	KEY_PASSWORD,
	KEY__MAX
};

/* Bounds as the portal's form (maxlength) */
static const struct req_key keys[KEY__MAX] = {
	/* KEY_NO */		{ "pickup_no", req_v_line, 1, 64 },
	/* KEY_PASSWORD */	{ "pickup_password", req_v_line, 1, 128 },
};

static void
pickup_refuse(struct app *a, int status, const char *msg)
{
	struct tmpl_pickup_error t;

	memset(&t, 0, sizeof(t));
	t.message = msg;
	t.form_url = "/certificate/#pickup";
	t.secretariat = cfg_get(CFG_SECRETARIAT_NAME);
	buf_reset(&a->body);
	a->status = status;
	app_layout_begin(a, "証明書を取得できませんでした");
	tmpl_pickup_error(&a->body, &t);
	app_layout_end(a);
}

static void
pickup_audit(struct app *a, const char *object_id, const char *serial,
    const char *outcome, const char *detail)
{
	struct audit	 e;

	memset(&e, 0, sizeof(e));
	e.cert_serial = serial;
	e.remote_addr = a->req.remote_addr != NULL && *a->req.remote_addr ?
	    a->req.remote_addr : NULL;
	e.action = "pickup";
	e.object_type = "pickup";
	e.object_id = object_id;
	e.outcome = outcome;
	e.detail = detail;
	audit_write(a->db, &e);
}

static const char *const result_detail[] = {
	/* PICKUP_OK */		"portal",
	/* PICKUP_BAD */	"wrong number or password",
	/* PICKUP_USED */	"already fetched",
	/* PICKUP_EXPIRED */	"expired",
	/* PICKUP_LOCKED */	"locked",
	/* PICKUP_ERROR */	"error",
};

/* A POST from another site's page (APP_POST_ORIGIN). */
static void
page_refused(struct app *a)
{
	pickup_audit(a, NULL, NULL, "denied", "foreign origin");
	pickup_refuse(a, 403, "このページからは受け付けられません。"
	    "ポータルの証明書取得のページから操作してください。");
}

/* The form itself is the portal's static page. */
static void
page_get(struct app *a)
{
	app_redirect(a, "/certificate/#pickup");
}

static void
page_post(struct app *a)
{
	struct pickup_bundle b;
	enum pickup_result rc;
	const char	*no = app_val(a, KEY_NO), *pw = app_val(a, KEY_PASSWORD);

	if (no == NULL || pw == NULL) {
		pickup_audit(a, NULL, NULL, "failure", "missing input");
		pickup_refuse(a, 422, "証明書取得用Noと証明書取得用パスワードを"
		    "入力してください。");
		return;
	}
	if (db_begin(a->db) == -1)
		goto dberr;
	rc = pickup_fetch(a->db, no, pw, a->req.remote_addr, &b);
	if (rc == PICKUP_ERROR)
		goto dberr;
	pickup_audit(a, rc == PICKUP_OK ? b.pickup_id : NULL,
	    rc == PICKUP_OK ? b.serial : NULL,
	    rc == PICKUP_OK ? "success" : "failure", result_detail[rc]);
	/* The failure counters are kept: commit whatever the outcome. */
	if (db_commit(a->db) == -1) {
		pickup_bundle_free(&b);
		goto dberr;
	}
	switch (rc) {
	case PICKUP_OK:
		if (pickup_serve(a, &b) == -1)
			app_error(a, 500, "エラー", "もう一度お試しください。");
		break;
	case PICKUP_USED:
		pickup_refuse(a, 410, "この証明書は既に取得されています。"
		    "証明書は一度しか取得できません。取得していない場合は、"
		    "すぐに施設管理者または事務局にご連絡ください。");
		break;
	case PICKUP_EXPIRED:
		pickup_refuse(a, 410, "証明書の取得期限（発行から72時間）が"
		    "過ぎたか、取り消されています。もう一度発行を依頼して"
		    "ください。");
		break;
	case PICKUP_LOCKED:
		pickup_refuse(a, 429, "パスワードの誤りが続いたため、取得できなく"
		    "なっています。しばらく待つか、もう一度発行を依頼して"
		    "ください。");
		break;
	default:
		pickup_refuse(a, 403, "証明書取得用Noまたはパスワードが"
		    "違います。お知らせした内容を確かめて、もう一度入力して"
		    "ください。");
		break;
	}
	pickup_bundle_free(&b);
	return;
dberr:
	app_dberr(a);
}

static void
page_pickup(struct app *a)
{
	if (a->req.method == REQ_POST)
		page_post(a);
	else
		page_get(a);
}

static const struct app_page pages[] = {
	{ "/certificate-pickup", APP_GET | APP_POST, APP_NOCERT,
	    page_pickup, .post = APP_POST_ORIGIN, .refused = page_refused },
};

int
main(void)
{
	return app_main("certificate-pickup", pages,
	    sizeof(pages) / sizeof(pages[0]), keys, KEY__MAX, 4 * 1024);
}
