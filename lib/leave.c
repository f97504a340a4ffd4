/* Leaving without orphaning a team (see leave.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "leave.h"
#include "req.h"

int
leave_load(PGconn *c, const char *account, int lock, int names,
    struct leave *l)
{
	const char *const p[] = { account, names ? "t" : "f" };
	PGresult	*r;
	int		 i, j, n;

	memset(l, 0, sizeof(*l));
	if (lock && db_cmd(c, "SELECT t.id FROM team t JOIN team_member me"
	    " ON me.team_id = t.id AND me.account_id = $1::bigint"
	    " AND me.role = 'lead' WHERE t.closed_at IS NULL"
	    " ORDER BY t.id FOR UPDATE OF t", 1, p) == -1)
		return -1;
	if ((r = db_exec(c, "SELECT t.id AS team_id,"
	    " CASE WHEN $2::boolean THEN p.name END AS patient,"
	    " ca.id AS cand_id, ca.name AS cand_name, ca.profession,"
	    " f.name AS facility"
	    " FROM team t JOIN patient p ON p.id = t.patient_id"
	    " JOIN team_member me ON me.team_id = t.id"
	    " AND me.account_id = $1::bigint AND me.role = 'lead'"
	    " LEFT JOIN (team_member cm JOIN account ca ON ca.id = cm.account_id"
	    " AND ca.is_staff AND ca.deleted_at IS NULL"
	    " JOIN facility f ON f.id = ca.facility_id)"
	    " ON cm.team_id = t.id AND cm.account_id <> $1::bigint"
	    " WHERE t.closed_at IS NULL AND NOT "
	    LEAVE_SQL_LIVE_LEAD("t.id", "$1::bigint")
	    " ORDER BY t.id, ca.kana, ca.id", 2, p)) == NULL)
		return -1;
	l->r = r;
	n = PQntuples(r);
	if (n > 0 && ((l->t = calloc(n, sizeof(*l->t))) == NULL)) {
		leave_free(l);
		return -1;
	}
	for (i = 0; i < n; i = j) {
		struct leave_team *t;

		for (j = i; j < n && strcmp(db_get(r, j, "team_id"),
		    db_get(r, i, "team_id")) == 0; j++)
			;
		if (l->n == LEAVE_MAX)
			break;
		t = &l->t[l->n++];
		t->team_id = db_get(r, i, "team_id");
		t->patient = PQgetisnull(r, i, 1) ? NULL :
		    db_get(r, i, "patient");
		snprintf(t->key, sizeof(t->key), "successor%d", l->n);
		if (PQgetisnull(r, i, 2)) {
			l->orphans++;
			continue;
		}
		if ((t->c = calloc(j - i, sizeof(*t->c))) == NULL) {
			leave_free(l);
			return -1;
		}
		for (t->n = 0; t->n < j - i; t->n++) {
			struct leave_cand *k = &t->c[t->n];

			k->id = db_get(r, i + t->n, "cand_id");
			k->name = db_get(r, i + t->n, "cand_name");
			k->profession = db_get(r, i + t->n, "profession");
			k->facility = db_get(r, i + t->n, "facility");
			snprintf(k->value, sizeof(k->value), "%s-%s",
			    t->team_id, k->id);
		}
	}
	return 0;
}

int
leave_choose(struct leave *l, const struct req *q, size_t base,
    const char **err, int *bad)
{
	const struct req_val *v;
	int		 i, j, k, found;

	*bad = 0;
	*err = NULL;
	for (i = 0; i < LEAVE_MAX; i++) {
		v = &q->vals[base + i];
		if (!v->present || v->len == 0)
			continue;
		found = 0;
		for (j = 0; v->valid && !found && j < l->n; j++)
			for (k = 0; k < l->t[j].n; k++)
				if (strcmp(v->s, l->t[j].c[k].value) == 0) {
					if (l->t[j].chosen != NULL)
						break;
					l->t[j].chosen = l->t[j].c[k].id;
					l->t[j].c[k].chosen = 1;
					found = 1;
					break;
				}
		if (!found) {
			*bad = 1;
			*err = LEAVE_MSG_BAD;
		}
	}
	if (*bad)
		return 0;
	for (j = 0; j < l->n; j++)
		if (l->t[j].n > 0 && l->t[j].chosen == NULL) {
			*err = LEAVE_MSG_MISSING;
			return 0;
		}
	return 1;
}

int
leave_promote(PGconn *c, const struct leave *l, char *detail, size_t n)
{
	const char	*p[2];
	struct buf	 b;
	int		 i, promoted = 0;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < l->n; i++) {
		if (l->t[i].chosen == NULL)
			continue;
		p[0] = l->t[i].team_id;
		p[1] = l->t[i].chosen;
		if (db_cmd(c, "UPDATE team_member SET role = 'lead'"
		    " WHERE team_id = $1::bigint AND account_id = $2::bigint",
		    2, p) == -1) {
			buf_free(&b);
			return -1;
		}
		buf_printf(&b, "%s team %s account %s", promoted++ ?
		    "," : "successors:", p[0], p[1]);
	}
	if (l->orphans > 0)
		buf_printf(&b, "%s%d teams without a lead", promoted ? "; " :
		    "", l->orphans);
	if (b.oom) {
		buf_free(&b);
		return -1;
	}
	snprintf(detail, n, "%s", b.p != NULL ? b.p : "");
	buf_free(&b);
	return 0;
}

void
leave_free(struct leave *l)
{
	int	 i;

	for (i = 0; i < l->n; i++)
		free(l->t[i].c);
	free(l->t);
	PQclear(l->r);
	memset(l, 0, sizeof(*l));
}
