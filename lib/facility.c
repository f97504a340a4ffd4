/* The facility table's writes (see facility.h). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "db.h"
#include "facility.h"

static const struct req_key facility_keys[FACILITY_F__MAX] = {
	FACILITY_KEYS
};

static const char *const facility_msg[FACILITY_F__MAX] = {
	"事業所名を200文字までの1行で入力してください。",
	"所在地は300文字までの1行で入力してください。",
	"市区町村名を100文字までで入力してください。",
	"市区町村コードは5桁または6桁の数字です。",
	"代表メールアドレスの形式が正しくありません（例: info@example.jp）。",
	"電話番号は数字とハイフンで30文字までです。",
};

/* Field i as its validator left it in v. */
static const char *
facility_bad(enum facility_field i, const struct req_val *v)
{
	int	 bad;

	/* Optional fields may be left out or empty. */
	bad = !v->valid && !((i == FACILITY_F_ADDRESS ||
	    i == FACILITY_F_PHONE) && v->len == 0);
	if (!bad && i == FACILITY_F_MCODE)
		bad = strspn(v->s, "0123456789") != v->len;
	if (!bad && i == FACILITY_F_PHONE && v->valid)
		bad = strspn(v->s, "0123456789-+() ") != v->len;
	if (bad)
		return facility_msg[i];
	/* Placeholder mail is delivered to this address: it must be real. */
	if (i == FACILITY_F_EMAIL && account_is_placeholder(v->s))
		return "代表メールアドレスに転送用アドレス（"
		    ACCOUNT_PLACEHOLDER_DOMAIN "）は使えません。";
	return NULL;
}

const char *
facility_check(enum facility_field i, const char *s)
{
	struct req_val	 v;

	memset(&v, 0, sizeof(v));
	if (s != NULL) {
		v.present = 1;
		/* The validators of FACILITY_KEYS only read the value. */
		v.s = (char *)(uintptr_t)s;
		v.len = strlen(s);
		v.valid = facility_keys[i].valid(&v, &facility_keys[i]);
	}
	return facility_bad(i, &v);
}

int
facility_form_read(const struct req *r, size_t base, struct facility_form *f)
{
	const char	*msg;
	size_t		 i;

	f->base = base;
	form_init(&f->form, r);
	for (i = 0; i < FACILITY_F__MAX; i++) {
		f->fac.v[i] = form_value(r, base + i);
		if ((msg = facility_bad(i, &r->vals[base + i])) != NULL)
			form_error(&f->form, base + i, NULL, msg);
	}
	return (int)f->form.n;
}

int
facility_add(PGconn *c, const struct facility *f, char *id_out, size_t n)
{
	const char	*p[FACILITY_F__MAX];
	PGresult	*r;
	size_t		 i;

	for (i = 0; i < FACILITY_F__MAX; i++)
		p[i] = f->v[i] != NULL ? f->v[i] : "";
	r = db_exec(c, "INSERT INTO facility (name, address, municipality_name,"
	    " municipality_code, email, phone, status) VALUES ($1, $2, $3, $4,"
	    " $5, $6, 'active') RETURNING id", FACILITY_F__MAX, p);
	if (r == NULL)
		return -1;
	snprintf(id_out, n, "%s", db_get(r, 0, "id"));
	PQclear(r);
	return 0;
}

int
facility_update(PGconn *c, const char *id, const struct facility *f)
{
	const char	*p[FACILITY_F__MAX + 2];
	PGresult	*r;
	size_t		 i;
	int		 rc;

	p[0] = id;
	for (i = 0; i < FACILITY_F__MAX; i++)
		p[i + 1] = f->v[i] != NULL ? f->v[i] : "";
	p[FACILITY_F__MAX + 1] = f->suspended ? "suspended" : "active";
	r = db_exec(c, "UPDATE facility SET name = $2, address = $3,"
	    " municipality_name = $4, municipality_code = $5, email = $6,"
	    " phone = $7, status = $8 WHERE id = $1::bigint RETURNING id",
	    FACILITY_F__MAX + 2, p);
	if (r == NULL)
		return -1;
	rc = PQntuples(r) == 1;
	PQclear(r);
	return rc;
}
