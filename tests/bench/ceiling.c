/* The benchmark's ceiling: what every authenticated page must do, and
 * nothing else, in a CGI linked as the pages are (lib/, libpq and
 * OpenSSL as configured): connect to the database with the configured
 * settings (pgbouncer), write one audit event committed as a page's is
 * (synchronously), and print a page of the timeline's size (30 messages,
 * about 37 KB).  No session check, no page rows, no templates: its rate
 * is the most a page with a durable audit event could reach here
 * (tests/bench/run, the row "ceiling").  Its events have the action
 * bench.ceiling, in the bench's own database. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "cfg.h"
#include "db.h"

/* One message's share of a timeline page: its markup, two forms and a
 * body of a visit's length. */
static const char msg[] =
    "<article class=\"card message\" id=\"m1\">\n"
    "<div class=\"message-head\">\n<p class=\"message-meta\"><strong>"
    "斐川 次郎</strong>（看護師・出雲中央クリニック） <span class=\"muted\">"
    "2026年11月16日 05:26</span></p>\n<form method=\"post\" action=\""
    "/teams/2/messages/1/withdraw\" class=\"message-withdraw\">\n"
    "<input type=\"hidden\" name=\"csrf\" value=\"raKKh8KL9_2HkzsUHssYRCid"
    "GBKlrLWw2-4zkshCBP0\">\n<button type=\"submit\" class=\"btn btn-small "
    "btn-link\" data-confirm=\"このメッセージを取り消しますか？取り消すと元に"
    "戻せません。\">取り消し</button>\n</form>\n</div>\n<p class=\""
    "message-body\">ベンチのメッセージ：本日訪問しました。血圧・食事量とも"
    "変わりなく、ご家族からの相談もありません。次回は来週の予定です。</p>\n"
    "<div class=\"actions\">\n<form method=\"post\" action=\"/teams/2/"
    "messages/1/like\">\n<input type=\"hidden\" name=\"csrf\" value=\""
    "raKKh8KL9_2HkzsUHssYRCidGBKlrLWw2-4zkshCBP0\">\n<button type=\"submit\""
    " class=\"btn btn-small\" aria-pressed=\"false\">👍 2</button>\n</form>\n"
    "</div>\n<p class=\"muted\">👍 した人：ベンチ職員4200、ベンチ職員3960</p>"
    "\n</article>\n";

static void
answer(int status, const struct buf *body)
{
	char	 head[256];
	int	 n;

	n = snprintf(head, sizeof(head), "Status: %d\r\nContent-Type: text/html;"
	    " charset=utf-8\r\nContent-Length: %zu\r\nCache-Control: no-store"
	    "\r\n\r\n", status, body != NULL ? body->len : 0);
	if (write(STDOUT_FILENO, head, (size_t)n) != n)
		return;
	if (body != NULL && body->len > 0 &&
	    write(STDOUT_FILENO, body->p, body->len) != (ssize_t)body->len)
		return;
}

int
main(void)
{
	struct audit	 e;
	struct buf	 b;
	PGconn		*c;
	const char	*v;
	int		 i;

	if (cfg_load() == -1 || (c = db_connect()) == NULL) {
		answer(503, NULL);
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.cert_serial = (v = getenv("SSL_CLIENT_SERIAL")) != NULL && *v ? v :
	    NULL;
	e.remote_addr = (v = getenv("REMOTE_ADDR")) != NULL && *v ? v : NULL;
	e.action = "bench.ceiling";
	e.outcome = "success";
	if (audit_write(c, &e) == -1) {
		answer(500, NULL);
		return 0;
	}
	memset(&b, 0, sizeof(b));
	buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset="
	    "\"utf-8\"><title>ceiling</title></head><body><main>\n");
	/* As many as make the timeline's 37 KB with its layout. */
	for (i = 0; i < 32; i++)
		buf_puts(&b, msg);
	buf_puts(&b, "</main></body></html>\n");
	answer(b.oom ? 500 : 200, b.oom ? NULL : &b);
	buf_free(&b);
	PQfinish(c);
	return 0;
}
