/* The form layer: field errors, the summary with its anchors, and the
 * values shown again after a refusal (see form.h). */
#include <stdio.h>
#include <string.h>

#include "form.h"
#include "tmpl.h"

void
form_init(struct form *f, const struct req *r)
{
	memset(f, 0, sizeof(*f));
	f->req = r;
}

void
form_error(struct form *f, size_t k, const char *id, const char *msg)
{
	if (k >= FORM_KEYS_MAX || f->err[k] != NULL)
		return;
	f->err[k] = msg;
	if (f->n == FORM_ERRORS_MAX)
		return;
	if (id == NULL)
		id = k < f->req->nkeys ? f->req->keys[k].name : "";
	snprintf(f->list[f->n].href, sizeof(f->list[0].href), "#%s", id);
	f->list[f->n].text = msg;
	f->n++;
}

const char *
form_err(const struct form *f, size_t k)
{
	return k < FORM_KEYS_MAX ? f->err[k] : NULL;
}

const char *
form_value(const struct req *r, size_t k)
{
	const struct req_val *v;

	if (r->vals == NULL || k >= r->nkeys)
		return NULL;
	v = &r->vals[k];
	if (!v->present || v->s == NULL || v->filename != NULL ||
	    strlen(v->s) != v->len || req_utf8_len(v->s, v->len) < 0)
		return NULL;
	return v->s;
}

const char *
form_text(const struct req *r, size_t k)
{
	const char	*s = form_value(r, k);

	return s != NULL ? s : "";
}

void
form_summary(struct buf *b, const struct form *f)
{
	struct tmpl_form_errors		 t;
	struct tmpl_form_errors_errors	 rows[FORM_ERRORS_MAX];
	size_t				 i;

	if (f->n == 0)
		return;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < f->n; i++) {
		rows[i].href = f->list[i].href;
		rows[i].text = f->list[i].text;
	}
	t.errors = rows;
	t.errors_n = f->n;
	tmpl_form_errors(b, &t);
}
