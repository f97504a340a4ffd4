/* The request: CGI environment, query string, urlencoded and multipart
 * bodies, cookies.  Each CGI declares its keys in a table of struct
 * req_key indexed by its own enum; handlers read only validated values. */
#ifndef RK_REQ_H
#define RK_REQ_H
#include <stddef.h>
#include <stdint.h>

enum req_method {
	REQ_GET,
	REQ_HEAD,
	REQ_POST,
	REQ_OTHER,
	REQ_METHOD__MAX
};

/* Why a whole request is refused (-> 400/413/415 page). */
enum req_err {
	REQ_OK = 0,
	REQ_ERR_ENCODING,	/* malformed %-encoding, NUL byte in a key */
	REQ_ERR_DUPLICATE,	/* the same declared key twice */
	REQ_ERR_TOO_LARGE,	/* body over the CGI's limit -> 413 */
	REQ_ERR_MULTIPART,	/* broken boundary, headers, truncated part */
	REQ_ERR_CTYPE,		/* POST content type not urlencoded/multipart */
	REQ_ERR_IO,		/* short read of CONTENT_LENGTH */
	REQ_ERR__MAX
};

struct req_key;

/* One parsed value.  s is NUL-terminated and owned by the request. */
struct req_val {
	int		 present;	/* the key was sent */
	int		 valid;		/* present and passed its validator */
	const char	*err;		/* Japanese reason when present && !valid */
	char		*s;		/* value (for a file: its content) */
	size_t		 len;
	int64_t		 num;		/* REQ_V_INT: the parsed number */
	char		*filename;	/* multipart file: client's file name */
	char		*ctype;		/* multipart file: declared type */
};

/* A validator checks v->s/v->len against key's bounds, fills v->num for
 * numbers, and returns 1 (valid) or 0 with v->err set. */
typedef int (*req_validator)(struct req_val *, const struct req_key *);

struct req_key {
	const char	*name;
	req_validator	 valid;
	int64_t		 min;	/* characters (code points) or number */
	int64_t		 max;
};

/* Stock validators.  All refuse invalid UTF-8, NUL, and (except
 * multiline) every control character. */
int	req_v_line(struct req_val *, const struct req_key *);	/* one line of text, min..max code points */
int	req_v_multiline(struct req_val *, const struct req_key *);	/* text with \n (\r\n folded to \n), tab */
int	req_v_int(struct req_val *, const struct req_key *);	/* decimal integer in [min, max] */
int	req_v_token(struct req_val *, const struct req_key *);	/* [A-Za-z0-9_-], min..max bytes */
int	req_v_login(struct req_val *, const struct req_key *);	/* login ID: printable ASCII, no space, min..max */
int	req_v_email(struct req_val *, const struct req_key *);	/* addr-spec, ASCII, one @, max bytes */
int	req_v_date(struct req_val *, const struct req_key *);	/* YYYY-MM-DD, real calendar date; num = yyyymmdd */
int	req_v_file(struct req_val *, const struct req_key *);	/* multipart file part, min..max bytes */

/* UTF-8 well-formedness (no overlongs, surrogates, > U+10FFFF); returns
 * the number of code points or -1. */
long	req_utf8_len(const char *, size_t);

struct req {
	enum req_method	 method;
	const char	*path;		/* DOCUMENT_URI: decoded, normalised by nginx */
	const char	*remote_addr;
	const char	*ssl_verify;	/* SSL_CLIENT_VERIFY, "" if unset */
	const char	*ssl_serial;	/* SSL_CLIENT_SERIAL, upper-case hex */
	const char	*ssl_cert;	/* SSL_CLIENT_CERT: URL-escaped PEM, "" if unset */
	const char	*ctype;		/* CONTENT_TYPE */
	const struct req_key *keys;
	size_t		 nkeys;
	struct req_val	*vals;		/* nkeys entries, indexed like keys */
	char		*session_cookie;	/* value of __Host-rk, or NULL */
	size_t		 body_len;
	char		*login_cookie;	/* value of __Host-rkl, or NULL */
	char		*body;		/* POST body (body_len bytes + NUL) */
	char		*path_buf;	/* SCRIPT_NAME + PATH_INFO fallback */
};

/* Reads the environment and, for POST, exactly CONTENT_LENGTH bytes from
 * fd (refusing more than limit: the body is then drained up to a bound
 * and REQ_ERR_TOO_LARGE returned).  GET/HEAD parse QUERY_STRING, POST the
 * body.  Fills r; returns REQ_OK or the reason for refusing. */
enum req_err	req_init(struct req *r, const struct req_key *keys,
		    size_t nkeys, size_t limit, int fd);
void		req_free(struct req *);

/* Parsers, exposed for the unit tests and fuzz harnesses.  They fill
 * r->vals for the declared keys and ignore others. */
enum req_err	req_parse_urlencoded(struct req *, const char *, size_t);
enum req_err	req_parse_multipart(struct req *, const char *ctype,
		    const char *body, size_t len);
/* Cookie header value -> r->session_cookie (name REQ_SESSION_COOKIE). */
enum req_err	req_parse_cookies(struct req *, const char *);
/* %XX and '+' decoding in place; -1 on malformed escapes. */
long		req_urldecode(char *s, size_t len);

#define REQ_SESSION_COOKIE "__Host-rk"
#define REQ_LOGIN_COOKIE "__Host-rkl"

/* Notes on the contract above (added with the implementation):
 * - The parsers allocate r->vals (nkeys entries) when it is NULL; a
 *   request zeroed except for keys/nkeys may be passed to them.
 * - A key whose validator is NULL is valid whenever present.
 * - Call req_free whether req_init succeeded or not.
 * - req_parse_cookies also fills login_cookie (REQ_LOGIN_COOKIE); a
 *   cookie sent twice, empty, or with non-cookie octets is absent.
 * - REQ_ERR_IO also reports an allocation failure (-> 500).
 * - path is "" when neither DOCUMENT_URI nor SCRIPT_NAME+PATH_INFO gives
 *   an absolute path; remote_addr, ssl_* and ctype are "" when unset.
 * - req_v_date: min/max, when > 0, bound num (yyyymmdd).
 * - req_v_login clamps min..max to 3..64, req_v_email max to 254. */
#endif
