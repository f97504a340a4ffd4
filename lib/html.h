/* Escapers, one per output context.  Only the code generated from
 * www/templates by tmplc calls these; pages never write markup. */
#ifndef RK_HTML_H
#define RK_HTML_H
#include "buf.h"

/* Element text: & < > escaped. */
void	html_text(struct buf *, const char *);
/* Attribute value inside double quotes: & < > " ' escaped. */
void	html_attr(struct buf *, const char *);
/* 1 if the string is a URL a page may link to: relative ("/x", "x",
 * "?q", "#f", but not "//host") or absolute http/https; 0 otherwise
 * (javascript:, data:, vbscript:, control characters, ...). */
int	html_url_ok(const char *);
/* A whole URL attribute: html_attr() of the URL if html_url_ok(),
 * otherwise "#" (and a log line). */
void	html_url(struct buf *, const char *);
/* One component inside a URL attribute with a fixed prefix
 * (href="/teams/{id}/messages"): percent-encodes everything but
 * unreserved characters, then attribute-safe. */
void	html_urlpart(struct buf *, const char *);
#endif
