/*
 * tmplc: the template compiler (build time only; the one user of libxml2).
 *
 *	tmplc -o PREFIX FILE.xhtml ...
 *
 * Parses each well-formed XHTML template, works out the context of every
 * slot (element text, attribute value, whole URL, URL component) and
 * writes PREFIX.h (one struct per template, one struct per loop, the
 * prototypes) and PREFIX.c (the fixed parts as string literals, each slot
 * through the escaper of its context, see html.h).  Anything doubtful is
 * a compile error ("file:line: message", exit 1) rather than a guess: a
 * template that cannot be compiled safely must break the build.
 *
 * Template language (namespace urn:renrakucho:template, prefix t):
 *	<t:text name="x"/>		element text, html_text
 *	attr="..{x}.."			html_attr, or html_url / html_urlpart
 *					in URL attributes; {{ is a literal {
 *	<t:if name="x">, <t:unless>	int x
 *	<t:loop name="rows">		rows[0..rows_n), slots inside belong
 *					to struct tmpl_NAME_rows
 *	t:checked="x" (and friends)	boolean attribute when int x is set
 *	<t:content/>			layout only: splits _begin and _end
 *	<t:fragment>			root of a fragment template
 *
 * Output is HTML: void elements without end tags, every other element
 * with one, comments and the XHTML and template namespace declarations
 * dropped.  Whitespace-only text spanning lines becomes one newline, and
 * is dropped just inside t:if/t:unless (and after <t:loop>), so pages do
 * not fill with blank lines; other text is kept as written.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#define TNS		"urn:renrakucho:template"
#define XHTMLNS		"http://www.w3.org/1999/xhtml"
#define MAXFILE		(1024 * 1024)	/* no template is anywhere near */
#define MAXNAME		64

/* A growable string; the compiler simply exits when memory runs out. */
struct sb {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

enum fkind {
	F_STR,		/* const char *: text or attribute slot */
	F_INT,		/* int: t:if, t:unless, boolean attribute */
	F_LOOP		/* const struct ... *x; size_t x_n; */
};

struct scope;

struct field {
	char		*name;
	enum fkind	 kind;
	struct scope	*loop;		/* F_LOOP: the item's scope */
	struct field	*next;
};

/* The fields of one struct: the template's own or one loop item's. */
struct scope {
	char		*tag;		/* struct tag, "tmpl_home_teams" */
	int		 depth;		/* 0: the template, n: n-th loop */
	struct field	*fields;
	struct field	**last;
};

struct tpl {
	const char	*file;		/* as given, for messages */
	char		*name;
	int		 layout;
	struct scope	*top;
	struct sb	 code;		/* function bodies */
	struct sb	 lit;		/* fixed text not yet written */
	int		 indent;
	int		 ncontent;	/* t:content seen */
	int		 incond;	/* inside t:if/t:unless/t:loop */
	int		 inraw;		/* inside <script> or <style> */
	int		 inpre;		/* inside <pre> or <textarea> */
};

static const char	*progname = "tmplc";
static int		 nerrors;
static const char	*curfile;	/* for libxml2's messages */

/* Struct tags and function names of all templates, to refuse clashes. */
static char		**symbols;
static size_t		 nsymbols;

static void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = calloc(1, n)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		exit(1);
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*p = xmalloc(n);

	memcpy(p, s, n);
	return p;
}

static void
sb_put(struct sb *b, const char *s, size_t n)
{
	char	*p;
	size_t	 cap;

	if (n > (size_t)-1 / 4 - b->len) {
		fprintf(stderr, "%s: output too large\n", progname);
		exit(1);
	}
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->p, cap)) == NULL) {
			fprintf(stderr, "%s: out of memory\n", progname);
			exit(1);
		}
		b->p = p;
		b->cap = cap;
	}
	if (n > 0)	/* s may be NULL then (an empty buffer's) */
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_puts(struct sb *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
sb_printf(struct sb *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fprintf(stderr, "%s: vsnprintf failed\n", progname);
		exit(1);
	}
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_put(b, s, (size_t)n);
	free(s);
}

static void __attribute__((format(printf, 3, 4)))
tpl_err(struct tpl *t, const xmlNode *n, const char *fmt, ...)
{
	va_list	 ap;
	long	 line;

	/* Whole-file problems are reported on line 1. */
	line = n != NULL ? xmlGetLineNo(n) : 1;
	fprintf(stderr, "%s:%ld: ", t->file, line > 0 ? line : 1);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	nerrors++;
}

/* libxml2's own errors, in the same "file:line: message" form. */
static void
xml_error(void *arg, xmlErrorPtr e)
{
	size_t	 n;

	(void)arg;
	n = e->message != NULL ? strlen(e->message) : 0;
	while (n > 0 && e->message[n - 1] == '\n')
		n--;
	fprintf(stderr, "%s:%d: %s%.*s\n", curfile, e->line,
	    e->level == XML_ERR_WARNING ? "warning: " : "", (int)n,
	    e->message != NULL ? e->message : "");
	if (e->level != XML_ERR_WARNING)
		nerrors++;
}

/* Never read anything but the template itself (DTDs, entities). */
static xmlParserInputPtr
no_loader(const char *url, const char *id, xmlParserCtxtPtr ctx)
{
	(void)ctx;
	fprintf(stderr, "%s: refusing to load external entity %s\n",
	    curfile, url != NULL ? url : (id != NULL ? id : "?"));
	nerrors++;
	return NULL;
}

static int
symbol_add(struct tpl *t, const xmlNode *n, const char *kind,
    const char *sym)
{
	size_t	 i, len;
	char	**p, *key;

	/* Struct tags and functions are separate name spaces in C. */
	len = strlen(kind) + strlen(sym) + 2;
	key = xmalloc(len);
	snprintf(key, len, "%s %s", kind, sym);
	for (i = 0; i < nsymbols; i++)
		if (strcmp(symbols[i], key) == 0) {
			tpl_err(t, n, "%s clashes with another template's",
			    key);
			free(key);
			return -1;
		}
	if ((p = realloc(symbols, (nsymbols + 1) * sizeof(*p))) == NULL) {
		fprintf(stderr, "%s: out of memory\n", progname);
		exit(1);
	}
	symbols = p;
	symbols[nsymbols++] = key;
	return 0;
}

/*
 * Field and template names become C identifiers: lower case first so no
 * name can be a macro from the headers (NULL, EOF) or reserved (_X), and
 * no trailing underscore, which the compiler keeps for itself.
 */
static int
ident_ok(const char *s)
{
	static const char *const kw[] = {
		"auto", "break", "case", "char", "const", "continue",
		"default", "do", "double", "else", "enum", "extern", "float",
		"for", "goto", "if", "inline", "int", "long", "register",
		"restrict", "return", "short", "signed", "sizeof", "static",
		"struct", "switch", "typedef", "union", "unsigned", "void",
		"volatile", "while", "asm", "typeof", "unix", "linux",
		"offsetof", NULL
	};
	size_t	 i, n;

	n = strlen(s);
	if (n == 0 || n > MAXNAME || s[n - 1] == '_')
		return 0;
	if (s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	for (i = 0; kw[i] != NULL; i++)
		if (strcmp(s, kw[i]) == 0)
			return 0;
	return 1;
}

static struct scope *
scope_new(const char *tag, int depth)
{
	struct scope	*s = xmalloc(sizeof(*s));

	s->tag = xstrdup(tag);
	s->depth = depth;
	s->last = &s->fields;
	return s;
}

/* Is name already a member (a field, or the _n of a loop)? */
static struct field *
scope_find(struct scope *s, const char *name, int *count)
{
	struct field	*f;
	size_t		 n;

	*count = 0;
	for (f = s->fields; f != NULL; f = f->next) {
		if (strcmp(f->name, name) == 0)
			return f;
		n = strlen(f->name);
		if (f->kind == F_LOOP && strncmp(name, f->name, n) == 0 &&
		    strcmp(name + n, "_n") == 0) {
			*count = 1;
			return f;
		}
	}
	return NULL;
}

static const char *
kind_name(enum fkind k)
{
	switch (k) {
	case F_STR:
		return "a text slot";
	case F_INT:
		return "a condition";
	default:
		return "a loop";
	}
}

static struct field *
scope_field(struct tpl *t, const xmlNode *n, struct scope *s,
    const char *name, enum fkind kind)
{
	struct field	*f;
	char		*tag, *cnt;
	int		 count;
	size_t		 len;

	if (!ident_ok(name)) {
		tpl_err(t, n, "\"%s\" is not a valid slot name "
		    "([a-z][A-Za-z0-9_]*, not a C keyword)", name);
		return NULL;
	}
	if ((f = scope_find(s, name, &count)) != NULL) {
		if (count) {
			tpl_err(t, n, "\"%s\" is the count of loop \"%s\"",
			    name, f->name);
			return NULL;
		}
		if (f->kind != kind || kind == F_LOOP) {
			tpl_err(t, n, "\"%s\" used as %s and as %s",
			    name, kind_name(f->kind), kind_name(kind));
			return NULL;
		}
		return f;
	}
	if (kind == F_LOOP) {
		len = strlen(name) + 3;
		cnt = xmalloc(len);
		snprintf(cnt, len, "%s_n", name);
		f = scope_find(s, cnt, &count);
		free(cnt);
		if (f != NULL) {
			tpl_err(t, n, "loop \"%s\" clashes with \"%s\"",
			    name, f->name);
			return NULL;
		}
	}
	f = xmalloc(sizeof(*f));
	f->name = xstrdup(name);
	f->kind = kind;
	if (kind == F_LOOP) {
		len = strlen(s->tag) + strlen(name) + 2;
		tag = xmalloc(len);
		snprintf(tag, len, "%s_%s", s->tag, name);
		f->loop = scope_new(tag, s->depth + 1);
		if (symbol_add(t, n, "struct", tag) == -1) {
			free(tag);
			return NULL;
		}
		free(tag);
	}
	*s->last = f;
	s->last = &f->next;
	return f;
}

/* The C expression for the current item: t, l1, l2 ... */
static const char *
scope_var(const struct scope *s)
{
	static char	 v[32];

	if (s->depth == 0)
		return "t";
	snprintf(v, sizeof(v), "l%d", s->depth);
	return v;
}

static void
code_indent(struct tpl *t)
{
	int	 i;

	for (i = 0; i < t->indent; i++)
		sb_put(&t->code, "\t", 1);
}

/* Write the pending fixed text as one C string literal. */
static void
lit_flush(struct tpl *t)
{
	size_t		 i;
	unsigned char	 c;
	char		 oct[8];

	if (t->lit.len == 0)
		return;
	code_indent(t);
	sb_puts(&t->code, "fixed(b, \"");
	for (i = 0; i < t->lit.len; i++) {
		c = (unsigned char)t->lit.p[i];
		if (c == '"' || c == '\\') {
			sb_put(&t->code, "\\", 1);
			sb_put(&t->code, (char *)&c, 1);
		} else if (c == '\n') {
			sb_puts(&t->code, "\\n");
			/* One source line per output line, for reading. */
			if (i + 1 < t->lit.len) {
				sb_puts(&t->code, "\"\n");
				code_indent(t);
				sb_puts(&t->code, "    \"");
			}
		} else if (c == '?' && i > 0 && t->lit.p[i - 1] == '?') {
			sb_puts(&t->code, "\\?");	/* no trigraphs */
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(oct, sizeof(oct), "\\%03o", c);
			sb_puts(&t->code, oct);
		} else
			sb_put(&t->code, (char *)&c, 1);
	}
	sb_printf(&t->code, "\", %zu);\n", t->lit.len);
	t->lit.len = 0;
}

static void
lit_puts(struct tpl *t, const char *s)
{
	sb_puts(&t->lit, s);
}

/* Fixed text re-escaped for HTML: & < > always, " too in attributes. */
static void
lit_escape(struct tpl *t, const char *s, int attr)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&':
			lit_puts(t, "&amp;");
			break;
		case '<':
			lit_puts(t, "&lt;");
			break;
		case '>':
			lit_puts(t, "&gt;");
			break;
		case '"':
			lit_puts(t, attr ? "&quot;" : "\"");
			break;
		default:
			sb_put(&t->lit, s, 1);
			break;
		}
}

static void __attribute__((format(printf, 2, 3)))
code_line(struct tpl *t, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	lit_flush(t);
	code_indent(t);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		exit(1);
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb_puts(&t->code, s);
	sb_puts(&t->code, "\n");
	free(s);
}

static int
is_tns(const xmlNode *n)
{
	return n->ns != NULL && n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, TNS) == 0;
}

static int
is_html(const xmlNode *n)
{
	return n->ns == NULL || (n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, XHTMLNS) == 0);
}

static int
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasecmp(s, *list) == 0)
			return 1;
	return 0;
}

static const char *const void_elems[] = {
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
	"meta", "source", "track", "wbr", NULL
};

/* Attributes whose value the browser follows as a URL. */
static const char *const url_attrs[] = {
	"href", "src", "action", "formaction", "poster", "cite", "data",
	"background", "longdesc", "usemap", "manifest", "ping", "codebase",
	"icon", "xml:base", NULL
};

static const char *const bool_attrs[] = {
	"checked", "selected", "disabled", "readonly", "required", "hidden",
	"open", "multiple", "autofocus", NULL
};

/*
 * Same rule as html_url_ok() (lib/html.c), applied to fixed URLs too so
 * a template cannot carry a javascript: link either.
 */
static int
url_ok(const char *s)
{
	const unsigned char	*u;
	size_t			 i;

	for (u = (const unsigned char *)s; *u != '\0'; u++)
		if (*u < 0x20 || *u == 0x7f)
			return 0;
	if (s[0] == ' ' || s[0] == '\\')
		return 0;
	if (s[0] == '/' && (s[1] == '/' || s[1] == '\\'))
		return 0;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 1;
	for (i = 1; s[i] != '\0' && strchr("abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.", s[i]) != NULL; i++)
		continue;
	if (s[i] != ':')
		return 1;
	return (i == 4 && strncasecmp(s, "http", 4) == 0) ||
	    (i == 5 && strncasecmp(s, "https", 5) == 0);
}

/* "prefix:local" or "local". */
static void
qname(char *dst, size_t n, const xmlNs *ns, const xmlChar *local)
{
	if (ns != NULL && ns->prefix != NULL)
		snprintf(dst, n, "%s:%s", ns->prefix, local);
	else
		snprintf(dst, n, "%s", local);
}

/* One piece of an attribute value: fixed text or a slot. */
struct seg {
	int	 slot;
	char	*s;
};

/*
 * Split an attribute value into fixed text and {slot}s; "{{" is a
 * literal "{".  Returns the number of segments, -1 on error.
 */
static int
split_value(struct tpl *t, const xmlNode *n, const char *aname,
    const char *v, struct seg **out, int *nslots)
{
	struct seg	*segs;
	struct sb	 fixed = { NULL, 0, 0 };
	const char	*end;
	int		 nsegs = 0;
	char		*name;

	/* At most one segment per byte, plus one. */
	segs = xmalloc((strlen(v) + 2) * sizeof(*segs));
	*nslots = 0;
	while (*v != '\0') {
		if (v[0] == '{' && v[1] == '{') {
			sb_put(&fixed, "{", 1);
			v += 2;
			continue;
		}
		if (v[0] != '{') {
			sb_put(&fixed, v, 1);
			v++;
			continue;
		}
		if ((end = strchr(v, '}')) == NULL) {
			tpl_err(t, n, "attribute %s: unclosed \"{\" "
			    "(write \"{{\" for a literal brace)", aname);
			goto fail;
		}
		name = xmalloc((size_t)(end - v));
		memcpy(name, v + 1, (size_t)(end - v - 1));
		if (!ident_ok(name)) {
			tpl_err(t, n, "attribute %s: \"%s\" is not a valid "
			    "slot name", aname, name);
			free(name);
			goto fail;
		}
		if (fixed.len > 0) {
			segs[nsegs].slot = 0;
			segs[nsegs++].s = xstrdup(fixed.p);
			fixed.len = 0;
		}
		segs[nsegs].slot = 1;
		segs[nsegs++].s = name;
		(*nslots)++;
		v = end + 1;
	}
	if (fixed.len > 0) {
		segs[nsegs].slot = 0;
		segs[nsegs++].s = xstrdup(fixed.p);
	}
	free(fixed.p);
	*out = segs;
	return nsegs;
fail:
	while (nsegs > 0)
		free(segs[--nsegs].s);
	free(segs);
	free(fixed.p);
	return -1;
}

static void
attribute(struct tpl *t, const xmlNode *n, const xmlAttr *a,
    struct scope *s)
{
	char		 aname[256];
	xmlChar		*xv;
	struct seg	*segs = NULL;
	struct field	*f;
	int		 i, nsegs, nslots, url;

	qname(aname, sizeof(aname), a->ns, a->name);
	if ((xv = xmlNodeGetContent((const xmlNode *)a)) == NULL)
		xv = xmlStrdup((const xmlChar *)"");
	if ((nsegs = split_value(t, n, aname, (const char *)xv,
	    &segs, &nslots)) == -1)
		goto out;
	url = in_list(aname, url_attrs);

	if (nslots == 0) {
		if (url && !url_ok((const char *)xv)) {
			tpl_err(t, n, "attribute %s: URL \"%s\" not allowed",
			    aname, xv);
			goto out;
		}
		lit_puts(t, " ");
		lit_puts(t, aname);
		lit_puts(t, "=\"");
		for (i = 0; i < nsegs; i++)
			lit_escape(t, segs[i].s, 1);
		lit_puts(t, "\"");
		goto out;
	}

	/* Contexts where no escaping makes a value safe. */
	if (t->inraw) {
		tpl_err(t, n, "slot inside <script> or <style>");
		goto out;
	}
	if (strncasecmp(aname, "on", 2) == 0 ||
	    strcasecmp(aname, "style") == 0 ||
	    strcasecmp(aname, "srcdoc") == 0 ||
	    strcasecmp(aname, "srcset") == 0 ||
	    strcasecmp(aname, "xmlns") == 0 ||
	    strncasecmp(aname, "xlink:", 6) == 0) {
		tpl_err(t, n, "slot not allowed in attribute %s", aname);
		goto out;
	}
	if (strcasecmp((const char *)n->name, "meta") == 0 &&
	    xmlHasProp(n, (const xmlChar *)"http-equiv") != NULL) {
		tpl_err(t, n, "slot not allowed in <meta http-equiv>");
		goto out;
	}
	if (url && !(nsegs == 1 && segs[0].slot)) {
		/* A fixed prefix pins the scheme and host. */
		if (segs[0].slot ||
		    (segs[0].s[0] != '/' && segs[0].s[0] != '?') ||
		    segs[0].s[1] == '/' || segs[0].s[1] == '\\' ||
		    !url_ok(segs[0].s)) {
			tpl_err(t, n, "attribute %s: a URL with slots must "
			    "be exactly \"{slot}\" or start with a fixed "
			    "\"/path\" or \"?\"", aname);
			goto out;
		}
	}

	lit_puts(t, " ");
	lit_puts(t, aname);
	lit_puts(t, "=\"");
	for (i = 0; i < nsegs; i++) {
		if (!segs[i].slot) {
			lit_escape(t, segs[i].s, 1);
			continue;
		}
		if ((f = scope_field(t, n, s, segs[i].s, F_STR)) == NULL)
			goto out;
		code_line(t, "%s(b, %s->%s);", !url ? "html_attr" :
		    nsegs == 1 ? "html_url" : "html_urlpart",
		    scope_var(s), f->name);
	}
	lit_puts(t, "\"");
out:
	if (segs != NULL)
		for (i = 0; i < nsegs; i++)
			free(segs[i].s);
	free(segs);
	xmlFree(xv);
}

/* t:checked="x" and friends: " checked" when int x is set. */
static void
bool_attribute(struct tpl *t, const xmlNode *n, const xmlAttr *a,
    struct scope *s)
{
	xmlChar		*xv;
	struct field	*f;

	if (!in_list((const char *)a->name, bool_attrs)) {
		tpl_err(t, n, "unknown template attribute t:%s", a->name);
		return;
	}
	if (t->inraw) {
		tpl_err(t, n, "slot inside <script> or <style>");
		return;
	}
	if ((xv = xmlNodeGetContent((const xmlNode *)a)) == NULL)
		return;
	if ((f = scope_field(t, n, s, (const char *)xv, F_INT)) != NULL) {
		code_line(t, "if (%s->%s)", scope_var(s), f->name);
		t->indent++;
		lit_puts(t, " ");
		lit_puts(t, (const char *)a->name);
		lit_flush(t);
		t->indent--;
	}
	xmlFree(xv);
}

static void walk(struct tpl *, const xmlNode *, struct scope *);

static void
walk_children(struct tpl *t, const xmlNode *n, struct scope *s)
{
	const xmlNode	*c;

	for (c = n->children; c != NULL; c = c->next)
		walk(t, c, s);
}

static int blank(const char *);

/* A whitespace-only text node that spans lines: template layout. */
static int
layout_ws(const xmlNode *n)
{
	return n != NULL && n->type == XML_TEXT_NODE && n->content != NULL &&
	    blank((const char *)n->content) &&
	    strchr((const char *)n->content, '\n') != NULL;
}

/*
 * The body of t:if, t:unless or t:loop.  The line breaks that only lay
 * out the template (after the start tag; before the end tag, except in a
 * loop where they separate the items) would become blank lines.
 */
static void
walk_body(struct tpl *t, const xmlNode *n, struct scope *s, int loop)
{
	const xmlNode	*c, *first, *last;

	first = n->children;
	last = n->last;
	if (!t->inpre && layout_ws(first))
		first = first->next;
	if (!t->inpre && !loop && last != NULL && last != first &&
	    layout_ws(last))
		last = last->prev;
	else if (!t->inpre && !loop && last == first && layout_ws(last))
		return;
	for (c = first; c != NULL; c = c->next) {
		walk(t, c, s);
		if (c == last)
			break;
	}
}

static int
has_content(const xmlNode *n)
{
	const xmlNode	*c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type != XML_COMMENT_NODE)
			return 1;
	return 0;
}

/* The name="x" of a t: element, which takes no other attribute. */
static const char *
t_name(struct tpl *t, const xmlNode *n, xmlChar **freeme)
{
	const xmlAttr	*a;

	*freeme = NULL;
	for (a = n->properties; a != NULL; a = a->next)
		if (a->ns != NULL || strcmp((const char *)a->name, "name")) {
			tpl_err(t, n, "t:%s: unexpected attribute %s",
			    n->name, a->name);
			return NULL;
		}
	*freeme = xmlGetNoNsProp(n, (const xmlChar *)"name");
	if (*freeme == NULL)
		tpl_err(t, n, "t:%s needs a name attribute", n->name);
	return (const char *)*freeme;
}

static void
t_element(struct tpl *t, const xmlNode *n, struct scope *s)
{
	const char	*local = (const char *)n->name, *name, *v;
	xmlChar		*xname = NULL;
	struct field	*f;

	if (t->inraw) {
		tpl_err(t, n, "t:%s inside <script> or <style>", local);
		return;
	}
	if (strcmp(local, "text") == 0) {
		if ((name = t_name(t, n, &xname)) == NULL)
			goto out;
		if (has_content(n)) {
			tpl_err(t, n, "t:text must be empty");
			goto out;
		}
		if ((f = scope_field(t, n, s, name, F_STR)) != NULL)
			code_line(t, "html_text(b, %s->%s);",
			    scope_var(s), f->name);
	} else if (strcmp(local, "if") == 0 ||
	    strcmp(local, "unless") == 0) {
		if ((name = t_name(t, n, &xname)) == NULL)
			goto out;
		if ((f = scope_field(t, n, s, name, F_INT)) == NULL)
			goto out;
		code_line(t, "if (%s%s->%s) {", local[0] == 'u' ? "!" : "",
		    scope_var(s), f->name);
		t->indent++;
		t->incond++;
		walk_body(t, n, s, 0);
		lit_flush(t);
		t->incond--;
		t->indent--;
		code_line(t, "}");
	} else if (strcmp(local, "loop") == 0) {
		if ((name = t_name(t, n, &xname)) == NULL)
			goto out;
		if ((f = scope_field(t, n, s, name, F_LOOP)) == NULL)
			goto out;
		v = scope_var(s);
		code_line(t, "for (size_t i%d = 0; %s->%s != NULL && "
		    "i%d < %s->%s_n; i%d++) {", f->loop->depth, v, f->name,
		    f->loop->depth, v, f->name, f->loop->depth);
		t->indent++;
		code_line(t, "const struct %s *l%d = &%s->%s[i%d];",
		    f->loop->tag, f->loop->depth, v, f->name,
		    f->loop->depth);
		code_line(t, "(void)l%d;", f->loop->depth);
		t->incond++;
		walk_body(t, n, f->loop, 1);
		lit_flush(t);
		t->incond--;
		t->indent--;
		code_line(t, "}");
	} else if (strcmp(local, "content") == 0) {
		if (!t->layout) {
			tpl_err(t, n, "t:content only in a layout "
			    "(root <html>)");
			goto out;
		}
		if (t->incond) {
			tpl_err(t, n, "t:content not allowed inside "
			    "t:if, t:unless or t:loop");
			goto out;
		}
		if (t->ncontent++ > 0) {
			tpl_err(t, n, "second t:content");
			goto out;
		}
		if (n->properties != NULL || has_content(n)) {
			tpl_err(t, n, "t:content takes no attributes and "
			    "no content");
			goto out;
		}
		lit_flush(t);
		sb_printf(&t->code, "}\n\nvoid\ntmpl_%s_end(struct buf *b, "
		    "const struct tmpl_%s *t)\n{\n\t(void)t;\n",
		    t->name, t->name);
	} else if (strcmp(local, "fragment") == 0) {
		tpl_err(t, n, "t:fragment only as the root element");
	} else
		tpl_err(t, n, "unknown template element t:%s", local);
out:
	xmlFree(xname);
}

static void
html_element(struct tpl *t, const xmlNode *n, struct scope *s)
{
	char		 name[256];
	const xmlNs	*ns;
	const xmlAttr	*a;
	int		 isvoid, raw, pre;

	qname(name, sizeof(name), n->ns, n->name);
	isvoid = is_html(n) && in_list((const char *)n->name, void_elems);
	raw = is_html(n) && (strcasecmp((const char *)n->name, "script") == 0
	    || strcasecmp((const char *)n->name, "style") == 0);
	pre = is_html(n) && (strcasecmp((const char *)n->name, "pre") == 0
	    || strcasecmp((const char *)n->name, "textarea") == 0);

	lit_puts(t, "<");
	lit_puts(t, name);
	/* Namespace declarations other than XHTML's and ours (svg, ...). */
	for (ns = n->nsDef; ns != NULL; ns = ns->next) {
		if (ns->href == NULL ||
		    strcmp((const char *)ns->href, TNS) == 0 ||
		    strcmp((const char *)ns->href, XHTMLNS) == 0)
			continue;
		lit_puts(t, ns->prefix != NULL ? " xmlns:" : " xmlns");
		if (ns->prefix != NULL)
			lit_puts(t, (const char *)ns->prefix);
		lit_puts(t, "=\"");
		lit_escape(t, (const char *)ns->href, 1);
		lit_puts(t, "\"");
	}
	t->inraw += raw;
	for (a = n->properties; a != NULL; a = a->next) {
		if (a->ns != NULL && a->ns->href != NULL &&
		    strcmp((const char *)a->ns->href, TNS) == 0)
			bool_attribute(t, n, a, s);
		else
			attribute(t, n, a, s);
	}
	lit_puts(t, ">");
	if (isvoid) {
		if (has_content(n))
			tpl_err(t, n, "<%s> is a void element and must be "
			    "empty", name);
		t->inraw -= raw;
		return;
	}
	t->inpre += pre;
	walk_children(t, n, s);
	t->inpre -= pre;
	t->inraw -= raw;
	lit_puts(t, "</");
	lit_puts(t, name);
	lit_puts(t, ">");
}

static int
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

static void
text(struct tpl *t, const xmlNode *n)
{
	const char	*s = (const char *)n->content;

	if (s == NULL)
		return;
	if (t->inraw) {
		/* Written as is: the browser does not decode entities here. */
		if (strstr(s, "</") != NULL || strstr(s, "<!--") != NULL) {
			tpl_err(t, n, "\"</\" or \"<!--\" inside <script> "
			    "or <style>");
			return;
		}
		lit_puts(t, s);
		return;
	}
	if (!t->inpre && blank(s)) {
		/* Layout whitespace: one newline keeps pages small. */
		if (strchr(s, '\n') != NULL) {
			if (t->lit.len == 0 || t->lit.p[t->lit.len - 1] != '\n')
				lit_puts(t, "\n");
		} else
			lit_puts(t, s);
		return;
	}
	lit_escape(t, s, 0);
}

static void
walk(struct tpl *t, const xmlNode *n, struct scope *s)
{
	switch (n->type) {
	case XML_ELEMENT_NODE:
		if (is_tns(n))
			t_element(t, n, s);
		else
			html_element(t, n, s);
		break;
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		text(t, n);
		break;
	case XML_COMMENT_NODE:
		break;
	case XML_ENTITY_REF_NODE:
		tpl_err(t, n, "entity &%s; not allowed (write the character "
		    "or a character reference)", n->name);
		break;
	case XML_PI_NODE:
		tpl_err(t, n, "processing instruction not allowed");
		break;
	default:
		tpl_err(t, n, "unexpected node type %d", (int)n->type);
		break;
	}
}

/* Post order: a loop item's struct before the struct pointing to it. */
static void
emit_struct(struct sb *h, const struct scope *s, const char *file)
{
	const struct field	*f;

	for (f = s->fields; f != NULL; f = f->next)
		if (f->kind == F_LOOP)
			emit_struct(h, f->loop, file);
	sb_printf(h, "/* %s */\nstruct %s {\n", file, s->tag);
	if (s->fields == NULL)
		sb_puts(h, "\tint\t unused_;\n");
	for (f = s->fields; f != NULL; f = f->next)
		switch (f->kind) {
		case F_STR:
			sb_printf(h, "\tconst char\t*%s;\n", f->name);
			break;
		case F_INT:
			sb_printf(h, "\tint\t\t %s;\n", f->name);
			break;
		case F_LOOP:
			sb_printf(h, "\tconst struct %s *%s;\n\tsize_t\t\t "
			    "%s_n;\n", f->loop->tag, f->name, f->name);
			break;
		}
	sb_puts(h, "};\n\n");
}

static void
scope_free(struct scope *s)
{
	struct field	*f, *next;

	for (f = s->fields; f != NULL; f = next) {
		next = f->next;
		if (f->loop != NULL)
			scope_free(f->loop);
		free(f->name);
		free(f);
	}
	free(s->tag);
	free(s);
}

static char *
read_file(const char *path, size_t *len)
{
	struct stat	 st;
	FILE		*f;
	char		*p;
	size_t		 n, cap;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s:0: %s\n", path, strerror(errno));
		return NULL;
	}
	/* The file's size, not MAXFILE, when it is known: a page's
	 * template is a few KiB. */
	if (fstat(fileno(f), &st) == 0 && st.st_size >= 0 &&
	    (uintmax_t)st.st_size < MAXFILE)
		cap = (size_t)st.st_size + 1;
	else
		cap = MAXFILE + 1;
	p = xmalloc(cap);
	n = fread(p, 1, cap, f);
	if (ferror(f) || n > MAXFILE) {
		fprintf(stderr, "%s:0: %s\n", path, ferror(f) ?
		    "read error" : "file too large");
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	*len = n;
	return p;
}

/* Compile one template, the file path or (mem != NULL, for the fuzz
 * harness) memlen bytes at mem under that name; append to the header h
 * and the code c. */
static int
compile(const char *path, const char *mem, size_t memlen, struct sb *h,
    struct sb *c)
{
	struct tpl	 t;
	xmlDocPtr	 doc = NULL;
	const xmlNode	*root, *n, *first, *last;
	const char	*base, *dot;
	char		*src = NULL, sym[256];
	size_t		 len;
	int		 before = nerrors, rc = -1;

	memset(&t, 0, sizeof(t));
	t.file = curfile = path;
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	dot = strrchr(base, '.');
	if (dot == NULL || strcmp(dot, ".xhtml") != 0 || dot - base > MAXNAME) {
		tpl_err(&t, NULL, "template file name must be NAME.xhtml");
		goto out;
	}
	t.name = xmalloc((size_t)(dot - base) + 1);
	memcpy(t.name, base, (size_t)(dot - base));
	if (!ident_ok(t.name)) {
		tpl_err(&t, NULL, "template name \"%s\" is not a valid C "
		    "identifier ([a-z][A-Za-z0-9_]*)", t.name);
		goto out;
	}
	if (mem != NULL) {
		if (memlen > MAXFILE) {
			tpl_err(&t, NULL, "file too large");
			goto out;
		}
		len = memlen;
	} else if ((src = read_file(path, &len)) == NULL) {
		nerrors++;
		goto out;
	}
	/* No entity substitution, no DTD loading, no network. */
	doc = xmlReadMemory(mem != NULL ? mem : src, (int)len, path, NULL,
	    XML_PARSE_NONET);
	if (doc == NULL || nerrors != before) {
		if (nerrors == before)
			tpl_err(&t, NULL, "not well-formed");
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		tpl_err(&t, (const xmlNode *)doc->intSubset, "no DOCTYPE in "
		    "templates (layouts get <!DOCTYPE html> written)");
		goto out;
	}
	if ((root = xmlDocGetRootElement(doc)) == NULL) {
		tpl_err(&t, NULL, "no root element");
		goto out;
	}
	snprintf(sym, sizeof(sym), "tmpl_%s", t.name);
	t.top = scope_new(sym, 0);
	if (symbol_add(&t, root, "struct", sym) == -1)
		goto out;
	t.indent = 1;

	if (is_tns(root) && strcmp((const char *)root->name, "fragment") == 0) {
		if (root->properties != NULL) {
			tpl_err(&t, root, "t:fragment takes no attributes");
			goto out;
		}
		if (symbol_add(&t, root, "function", sym) == -1)
			goto out;
		sb_printf(c, "void\ntmpl_%s(struct buf *b, const struct "
		    "tmpl_%s *t)\n{\n\t(void)t;\n", t.name, t.name);
		/* Whitespace around the fragment's content is not output. */
		first = root->children;
		last = root->last;
		while (first != NULL && first->type == XML_TEXT_NODE &&
		    blank((const char *)first->content) && first != last)
			first = first->next;
		while (last != NULL && last->type == XML_TEXT_NODE &&
		    blank((const char *)last->content) && last != first)
			last = last->prev;
		if (first != NULL && !(first == last &&
		    first->type == XML_TEXT_NODE &&
		    blank((const char *)first->content)))
			for (n = first; n != NULL; n = n->next) {
				walk(&t, n, t.top);
				if (n == last)
					break;
			}
	} else if (is_html(root) &&
	    strcmp((const char *)root->name, "html") == 0) {
		t.layout = 1;
		snprintf(sym, sizeof(sym), "tmpl_%s_begin", t.name);
		if (symbol_add(&t, root, "function", sym) == -1)
			goto out;
		snprintf(sym, sizeof(sym), "tmpl_%s_end", t.name);
		if (symbol_add(&t, root, "function", sym) == -1)
			goto out;
		sb_printf(c, "void\ntmpl_%s_begin(struct buf *b, const struct "
		    "tmpl_%s *t)\n{\n\t(void)t;\n", t.name, t.name);
		lit_puts(&t, "<!DOCTYPE html>\n");
		walk(&t, root, t.top);
		lit_puts(&t, "\n");
		if (t.ncontent == 0 && nerrors == before)
			tpl_err(&t, root, "a layout needs one <t:content/>");
	} else {
		tpl_err(&t, root, "root element must be <html> (layout) or "
		    "<t:fragment>");
		goto out;
	}
	lit_flush(&t);
	if (nerrors != before)
		goto out;
	sb_put(c, t.code.p, t.code.len);
	sb_puts(c, "}\n\n");

	emit_struct(h, t.top, base);
	if (t.layout)
		sb_printf(h, "void\ttmpl_%s_begin(struct buf *, "
		    "const struct tmpl_%s *);\nvoid\ttmpl_%s_end(struct buf *, "
		    "const struct tmpl_%s *);\n\n", t.name, t.name, t.name,
		    t.name);
	else
		sb_printf(h, "void\ttmpl_%s(struct buf *, "
		    "const struct tmpl_%s *);\n\n", t.name, t.name);
	rc = 0;
out:
	if (t.top != NULL)
		scope_free(t.top);
	free(t.code.p);
	free(t.lit.p);
	free(t.name);
	free(src);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return rc;
}

static int
write_file(const char *path, const struct sb *b)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL) {
		fprintf(stderr, "%s:0: %s\n", path, strerror(errno));
		return -1;
	}
	if (fwrite(b->p, 1, b->len, f) != b->len || fflush(f) != 0 ||
	    ferror(f)) {
		fprintf(stderr, "%s:0: write error\n", path);
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "%s:0: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: %s -o prefix template.xhtml ...\n", progname);
	exit(1);
}

int
main(int argc, char *argv[])
{
	struct sb	 h = { NULL, 0, 0 }, c = { NULL, 0, 0 };
	const char	*prefix = NULL;
	char		 hpath[4096], cpath[4096], htmp[4096], ctmp[4096];
	int		 ch, i, rc = 1;

	while ((ch = getopt(argc, argv, "o:")) != -1)
		switch (ch) {
		case 'o':
			prefix = optarg;
			break;
		default:
			usage();
		}
	argc -= optind;
	argv += optind;
	if (prefix == NULL || argc == 0)
		usage();
	if ((size_t)snprintf(hpath, sizeof(hpath), "%s.h", prefix) >=
	    sizeof(hpath) - 8)
		usage();
	snprintf(cpath, sizeof(cpath), "%s.c", prefix);
	snprintf(htmp, sizeof(htmp), "%s.h.tmp", prefix);
	snprintf(ctmp, sizeof(ctmp), "%s.c.tmp", prefix);

	LIBXML_TEST_VERSION
	xmlSetStructuredErrorFunc(NULL, xml_error);
	xmlSetExternalEntityLoader(no_loader);

	sb_puts(&h, "/* Generated by tmplc from www/templates; do not edit. */\n"
	    "#ifndef RK_TMPL_H\n#define RK_TMPL_H\n#include <stddef.h>\n"
	    "#include \"buf.h\"\n\n");
	sb_puts(&c, "/* Generated by tmplc from www/templates; do not edit. */\n"
	    "#include <stddef.h>\n\n#include \"buf.h\"\n#include \"html.h\"\n"
	    "#include \"tmpl.h\"\n\n"
	    "/* The fixed parts of the templates; pages cannot reach it. */\n"
	    "static void __attribute__((unused))\n"
	    "fixed(struct buf *b, const char *s, size_t n)\n{\n"
	    "\tbuf_put(b, s, n);\n}\n\n");
	for (i = 0; i < argc; i++)
		compile(argv[i], NULL, 0, &h, &c);
	sb_puts(&h, "#endif\n");
	if (nerrors > 0)
		goto out;
	if (write_file(htmp, &h) == -1 || write_file(ctmp, &c) == -1)
		goto out;
	/* The .c last: make's rule has lib/tmpl.c as its target. */
	if (rename(htmp, hpath) == -1 || rename(ctmp, cpath) == -1) {
		fprintf(stderr, "%s:0: rename: %s\n", prefix, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		/* No stale output that make would take as up to date. */
		unlink(htmp);
		unlink(ctmp);
		unlink(hpath);
		unlink(cpath);
	}
	free(h.p);
	free(c.p);
	for (i = 0; (size_t)i < nsymbols; i++)
		free(symbols[i]);
	free(symbols);
	xmlCleanupParser();
	return rc;
}
