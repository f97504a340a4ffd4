/* renrakucho-admin audit report: one day's access patterns (Japan
 * time) for the secretariat's daily check, as plain text:
 *
 *  - accounts that viewed more distinct patients than usual: more than
 *    audit_report_min_patients (20) and more than 3 times the account's
 *    median over the previous 30 days (days without a view count as 0);
 *    a view is a successful patient.view, message.view,
 *    consent.download, message.attachment, receipts.view or
 *    receipts.export with a patient;
 *  - registration lookups (patient.lookup) outside audit_work_hours
 *    (07:00-20:00, the end excluded);
 *  - access outside the patient's teams refused (the events of
 *    auditor_refused, schema/functions/auditor.sql).
 *
 * With --mail (renrakucho-audit-report.timer) a report that lists
 * anything is queued to audit_report_to (else secretariat_email) in
 * the transaction of its audit event, cli.audit.report.  --once: at
 * most one run per day reported across the web nodes (adm_once.c), the
 * claim in that transaction too, so a second run mails nothing. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "mail.h"
#include "adm.h"

#define REP_MAIL_MAX	19000	/* bytes of body; mail_outbox takes 20000 */

/* The day's bounds as timestamptz: $1 is the day. */
#define REP_FROM	"($1::date)::timestamp AT TIME ZONE 'Asia/Tokyo'"
#define REP_UNTIL	"($1::date + 1)::timestamp AT TIME ZONE 'Asia/Tokyo'"

/* $1 day, $2 the minimum. */
static const char rep_views_sql[] =
    "WITH v AS (SELECT e.account_id,"
    "  (e.at AT TIME ZONE 'Asia/Tokyo')::date AS day,"
    "  count(DISTINCT e.patient_id) AS n"
    " FROM audit_event e"
    " WHERE e.outcome = 'success' AND e.patient_id IS NOT NULL"
    " AND e.account_id IS NOT NULL"
    " AND e.action IN ('patient.view', 'message.view', 'consent.download',"
    "  'message.attachment', 'receipts.view', 'receipts.export')"
    " AND e.at >= ($1::date - 30)::timestamp AT TIME ZONE 'Asia/Tokyo'"
    " AND e.at < " REP_UNTIL
    " GROUP BY 1, 2),"
    " t AS (SELECT v.account_id, v.n,"
    "  (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY coalesce(o.n, 0))"
    "   FROM generate_series($1::date - 30, $1::date - 1, interval '1 day')"
    "    g(d) LEFT JOIN v o ON o.account_id = v.account_id"
    "    AND o.day = g.d::date)::numeric AS median"
    " FROM v WHERE v.day = $1::date)"
    " SELECT a.login, a.name, f.name AS facility, t.n,"
    " trim_scale(round(t.median, 1)) AS median,"
    " trim_scale(round(greatest($2::numeric, 3 * t.median), 1)) AS threshold"
    " FROM t JOIN account a ON a.id = t.account_id"
    " JOIN facility f ON f.id = a.facility_id"
    " WHERE t.n > greatest($2::numeric, 3 * t.median)"
    " ORDER BY t.n DESC, a.login";

/* $1 day, $2 and $3 the working hours. */
static const char rep_lookups_sql[] =
    "SELECT to_char(e.at AT TIME ZONE 'Asia/Tokyo', 'HH24:MI') AS time,"
    " coalesce(a.login, e.login) AS login, a.name, f.name AS facility,"
    " CASE WHEN e.outcome = 'denied' THEN 'refused: ' || e.detail"
    "  ELSE e.detail END AS what"
    " FROM audit_event e LEFT JOIN account a ON a.id = e.account_id"
    " LEFT JOIN facility f ON f.id = a.facility_id"
    " WHERE e.action = 'patient.lookup'"
    " AND e.at >= " REP_FROM " AND e.at < " REP_UNTIL
    " AND ((e.at AT TIME ZONE 'Asia/Tokyo')::time < $2::time"
    "  OR (e.at AT TIME ZONE 'Asia/Tokyo')::time >= $3::time)"
    " ORDER BY e.id";

/* $1 day. */
static const char rep_refused_sql[] =
    "SELECT to_char(r.at AT TIME ZONE 'Asia/Tokyo', 'HH24:MI') AS time,"
    " r.account_login AS login, r.account_name AS name,"
    " r.facility_name AS facility, r.action,"
    " CASE WHEN r.patient_id IS NOT NULL THEN 'patient ' || r.patient_id"
    "  ELSE coalesce(r.object_type, '') || ' ' || coalesce(r.object_id, '')"
    " END AS what, r.detail"
    " FROM auditor_refused_events(" REP_FROM ", " REP_UNTIL ") r"
    " ORDER BY r.id";

/* "login (name, facility)" of row i. */
static void
rep_who(struct buf *b, const PGresult *r, int i)
{
	const char	*name = db_get(r, i, "name");
	const char	*fac = db_get(r, i, "facility");

	buf_printf(b, "%s", db_get(r, i, "login") != NULL ?
	    db_get(r, i, "login") : "(nobody)");
	if (name != NULL)
		buf_printf(b, " (%s, %s)", name, fac != NULL ? fac : "");
}

/* HH:MM-HH:MM into start and end ("07:00", "20:00"): 0 or -1. */
static int
rep_hours(const char *s, char start[6], char end[6])
{
	int	 i;

	if (strlen(s) != 11 || s[5] != '-')
		return -1;
	for (i = 0; i < 11; i++)
		if (i != 2 && i != 5 && i != 8 && (s[i] < '0' || s[i] > '9'))
			return -1;
	if (s[2] != ':' || s[8] != ':' || s[0] > '2' || s[6] > '2' ||
	    s[3] > '5' || s[9] > '5' || memcmp(s, s + 6, 5) >= 0)
		return -1;
	memcpy(start, s, 5);
	start[5] = '\0';
	memcpy(end, s + 6, 5);
	end[5] = '\0';
	return 0;
}

int
cmd_audit_report(struct adm *a, int argc, char **argv)
{
	const char		*day_s = NULL;
	int			 mail = 0, once = 0;
	const struct adm_opt	 opts[] = {
		{ "day", .val = &day_s },
		{ "mail", .flag = &mail },
		{ "once", .flag = &once },
		{ NULL }
	};
	PGresult		*r = NULL, *views = NULL, *looks = NULL;
	PGresult		*refused = NULL;
	struct buf		 b;
	const char		*p[3], *to;
	char			 day[11], start[6], end[6], detail[160];
	char			 subject[200];
	long long		 min;
	int			 rc, i, n;

	memset(&b, 0, sizeof(b));
	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (day_s != NULL && (strlen(day_s) != 10 || day_s[4] != '-' ||
	    day_s[7] != '-' || strspn(day_s, "0123456789-") != 10)) {
		adm_errx(a, "--day: expected YYYY-MM-DD: %s", day_s);
		return 2;
	}
	if (adm_ready(a) == -1)
		return 1;
	if (adm_num(a, "audit_report_min_patients",
	    cfg_get(CFG_AUDIT_REPORT_MIN_PATIENTS), 1, 100000, &min) == -1)
		return 1;
	if (rep_hours(cfg_get(CFG_AUDIT_WORK_HOURS), start, end) == -1) {
		adm_errx(a, "audit_work_hours: expected HH:MM-HH:MM, the start"
		    " first: %s", cfg_get(CFG_AUDIT_WORK_HOURS));
		return 1;
	}
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		return 1;
	rc = 1;
	p[0] = day_s;
	if ((r = db_exec(a->db, "SELECT coalesce($1::date,"
	    " (now() AT TIME ZONE 'Asia/Tokyo')::date - 1)::text AS day", 1,
	    p)) == NULL) {
		adm_dberr(a, "--day");
		goto out;
	}
	snprintf(day, sizeof(day), "%s", db_get(r, 0, "day"));
	if (once && (rc = adm_claim(a, day, ADM_DAY)) != -1)
		goto out;
	rc = 1;
	snprintf(detail, sizeof(detail), "%lld", min);
	p[0] = day;
	p[1] = detail;
	if ((views = db_exec(a->db, rep_views_sql, 2, p)) == NULL) {
		adm_dberr(a, "views");
		goto out;
	}
	p[1] = start;
	p[2] = end;
	if ((looks = db_exec(a->db, rep_lookups_sql, 3, p)) == NULL) {
		adm_dberr(a, "lookups");
		goto out;
	}
	if ((refused = db_exec(a->db, rep_refused_sql, 1, p)) == NULL) {
		adm_dberr(a, "refused");
		goto out;
	}

	n = PQntuples(views) + PQntuples(looks) + PQntuples(refused);
	buf_printf(&b, "renrakucho audit report, %s (Japan time)", day);
	if (n == 0)
		buf_puts(&b, ": nothing to report\n");
	else
		buf_puts(&b, "\n");
	if (PQntuples(views) > 0) {
		buf_printf(&b, "\nAccounts that viewed more patients than usual"
		    " (more than %lld and 3 times their daily median over the"
		    " previous 30 days):\n", min);
		for (i = 0; i < PQntuples(views); i++) {
			buf_puts(&b, "  ");
			rep_who(&b, views, i);
			buf_printf(&b, ": %s patients (median %s, threshold"
			    " %s)\n", db_get(views, i, "n"),
			    db_get(views, i, "median"),
			    db_get(views, i, "threshold"));
		}
	}
	if (PQntuples(looks) > 0) {
		buf_printf(&b, "\nRegistration lookups outside working hours"
		    " (%s-%s):\n", start, end);
		for (i = 0; i < PQntuples(looks); i++) {
			buf_printf(&b, "  %s  ", db_get(looks, i, "time"));
			rep_who(&b, looks, i);
			buf_printf(&b, ": %s\n", db_get(looks, i, "what") !=
			    NULL ? db_get(looks, i, "what") : "");
		}
	}
	if (PQntuples(refused) > 0) {
		buf_puts(&b, "\nRefused accesses outside the patient's"
		    " teams:\n");
		for (i = 0; i < PQntuples(refused); i++) {
			buf_printf(&b, "  %s  ", db_get(refused, i, "time"));
			rep_who(&b, refused, i);
			buf_printf(&b, ": %s %s (%s)\n",
			    db_get(refused, i, "action"),
			    db_get(refused, i, "what"),
			    db_get(refused, i, "detail"));
		}
	}
	if (b.oom) {
		adm_errx(a, "out of memory");
		goto out;
	}
	fputs(b.p, stdout);

	to = NULL;
	if (mail && n > 0) {
		to = cfg_get(CFG_AUDIT_REPORT_TO);
		if (*to == '\0')
			to = cfg_get(CFG_SECRETARIAT_EMAIL);
		if (*to == '\0') {
			adm_errx(a, "--mail: no recipient (audit_report_to and"
			    " secretariat_email are empty)");
			goto out;
		}
		if (b.len > REP_MAIL_MAX) {
			/* Cut at a line, so no character is split. */
			while (b.len > REP_MAIL_MAX || (b.len > 0 &&
			    b.p[b.len - 1] != '\n'))
				b.len--;
			b.p[b.len] = '\0';
			buf_printf(&b, "...\n(truncated: renrakucho-admin audit"
			    " report --day %s prints it all)\n", day);
		}
		snprintf(subject, sizeof(subject), "アクセス監査レポート %s",
		    day);
		if (b.oom || mail_queue_address(a->db, to, subject,
		    b.p) == -1) {
			adm_dberr(a, "mail_outbox");
			goto out;
		}
	}
	snprintf(detail, sizeof(detail), "day %s: views %d, lookups %d,"
	    " refused %d, mailed %s", day, PQntuples(views), PQntuples(looks),
	    PQntuples(refused), to != NULL ? "yes" : "no");
	if (adm_audit(a, "cli.audit.report", "audit_event", NULL,
	    detail) == -1 || adm_commit(a) == -1)
		goto out;
	if (to != NULL)
		fprintf(stderr, "%s: queued to %s\n", a->label, to);
	rc = 0;
out:
	PQclear(r);
	PQclear(views);
	PQclear(looks);
	PQclear(refused);
	buf_free(&b);
	return rc;
}
