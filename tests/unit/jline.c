/* jline: the strict parser of audit export's JSON lines: values and
 * escapes decoded, \u00e9 and a surrogate pair as UTF-8, and each kind
 * of malformed line refused with its reason. */
#include <stdio.h>
#include <string.h>

#include "jline.h"
#include "tap.h"

/* The value of key in line, "(null)" for null, or the parser's reason
 * as "ERR why" (static: the tests are short). */
static const char *
get(const char *line, const char *key)
{
	static char	 out[256];
	struct jline	 j;
	enum jline_type	 t;
	const char	*why, *v;

	if (jline_parse(line, strlen(line), &j, &why) == -1)
		snprintf(out, sizeof(out), "ERR %s", why);
	else if (!jline_get(&j, key, &v, &t))
		snprintf(out, sizeof(out), "ABSENT");
	else
		snprintf(out, sizeof(out), "%s", v != NULL ? v : "(null)");
	jline_free(&j);
	return out;
}

/* The reason line is refused, or "OK". */
static const char *
bad(const char *line)
{
	static char	 out[128];
	struct jline	 j;
	const char	*why;

	if (jline_parse(line, strlen(line), &j, &why) == -1)
		snprintf(out, sizeof(out), "%s", why);
	else
		snprintf(out, sizeof(out), "OK");
	jline_free(&j);
	return out;
}

int
main(void)
{
	static const char row[] = "{\"id\":12,\"seq\":7,\"login\":null,"
	    "\"detail\":\"a \\\"q\\\" \\\\ b\\nc\\r\\td\",\"ok\":true,"
	    "\"no\":false,\"hash\":\"0a1b\"}";
	struct jline	 j;
	enum jline_type	 t;
	const char	*why, *v;

	is_str(get(row, "id"), "12", "a number's text");
	is_str(get(row, "seq"), "7", "another number");
	is_str(get(row, "login"), "(null)", "null is NULL");
	is_str(get(row, "detail"), "a \"q\" \\ b\nc\r\td",
	    "escapes \\\" \\\\ \\n \\r \\t decoded");
	is_str(get(row, "ok"), "t", "true as PostgreSQL writes it");
	is_str(get(row, "no"), "f", "false likewise");
	is_str(get(row, "hash"), "0a1b", "a plain string");
	is_str(get(row, "nope"), "ABSENT", "a key not there is absent");
	ok(jline_parse(row, strlen(row), &j, &why) == 0 && j.n == 7 &&
	    jline_get(&j, "login", &v, &t) && t == JLINE_NULL &&
	    jline_get(&j, "id", &v, &t) && t == JLINE_NUM &&
	    jline_get(&j, "ok", &v, &t) && t == JLINE_TRUE,
	    "seven keys with their types");
	jline_free(&j);

	is_str(get("{\"d\":\"caf\\u00e9\"}", "d"), "caf\xc3\xa9",
	    "\\u00e9 is é in UTF-8");
	is_str(get("{\"d\":\"\\u9023\\u7D61\"}", "d"), "連絡",
	    "\\uXXXX of the BMP, either case of hex");
	is_str(get("{\"d\":\"\\ud83d\\ude00\"}", "d"), "\xf0\x9f\x98\x80",
	    "a surrogate pair is one 4-byte character (U+1F600)");
	is_str(get("{\"d\":\"\\u0001\\/\"}", "d"), "\x01/",
	    "\\u0001 (as the export writes control characters) and \\/");
	is_str(get("{\"d\":\"連絡帳 😀\"}", "d"), "連絡帳 😀",
	    "UTF-8 as it is");
	is_str(get("{\"n\":-0.5e+3}", "n"), "-0.5e+3", "a number in full");
	is_str(get(" { \"a\" : 1 , \"b\" : \"x\" } ", "b"), "x",
	    "blanks between tokens");
	is_str(get("{}", "a"), "ABSENT", "an empty object");

	is_str(bad(""), "not a JSON object", "bad: empty line");
	is_str(bad("[1]"), "not a JSON object", "bad: an array");
	is_str(bad("{\"a\":1"), "expected ',' or '}'", "bad: cut short");
	is_str(bad("{\"a\":1}x"), "text after the object",
	    "bad: text after the object");
	is_str(bad("{\"a\":1,}"), "expected a key", "bad: trailing comma");
	is_str(bad("{a:1}"), "expected a key", "bad: unquoted key");
	is_str(bad("{\"a\" 1}"), "expected ':'", "bad: no colon");
	is_str(bad("{\"a\":1,\"a\":2}"), "duplicate key",
	    "bad: a duplicate key");
	is_str(bad("{\"a\":{\"b\":1}}"), "nested value", "bad: nesting");
	is_str(bad("{\"a\":[1]}"), "nested value", "bad: an array value");
	is_str(bad("{\"a\":nul}"), "expected a value", "bad: nul");
	is_str(bad("{\"a\":01}"), "expected ',' or '}'",
	    "bad: a leading zero");
	is_str(bad("{\"a\":1.}"), "malformed number", "bad: 1.");
	is_str(bad("{\"a\":-}"), "malformed number", "bad: -");
	is_str(bad("{\"a\":1e}"), "malformed number", "bad: 1e");
	is_str(bad("{\"a\":\"x}"), "unterminated string",
	    "bad: unterminated string");
	is_str(bad("{\"a\":\"x\\"), "unterminated string",
	    "bad: a backslash at the end");
	is_str(bad("{\"a\":\"\\x41\"}"), "bad escape", "bad: \\x");
	is_str(bad("{\"a\":\"\\u00g1\"}"), "bad \\u escape",
	    "bad: \\u with a non-hex digit");
	is_str(bad("{\"a\":\"\\u00e\"}"), "bad \\u escape",
	    "bad: \\u with three digits");
	is_str(bad("{\"a\":\"\\ud83d\"}"), "lone surrogate",
	    "bad: a high surrogate alone");
	is_str(bad("{\"a\":\"\\ud83dx\\ude00\"}"), "lone surrogate",
	    "bad: a high surrogate not followed by \\u");
	is_str(bad("{\"a\":\"\\ud83d\\u0041\"}"), "lone surrogate",
	    "bad: a high surrogate followed by no low one");
	is_str(bad("{\"a\":\"\\ude00\"}"), "lone surrogate",
	    "bad: a low surrogate alone");
	is_str(bad("{\"a\":\"\\u0000\"}"), "\\u0000 in a string",
	    "bad: \\u0000");
	is_str(bad("{\"a\":\"x\ty\"}"), "control character in a string",
	    "bad: a raw tab in a string");
	is_str(bad("{\"a\":\"\xc3\"}"), "not UTF-8",
	    "bad: a truncated UTF-8 sequence");
	is_str(bad("{\"a\":\"\xc0\xaf\"}"), "not UTF-8",
	    "bad: an overlong sequence");
	is_str(bad("{\"a\":\"\xed\xa0\x80\"}"), "not UTF-8",
	    "bad: a surrogate in UTF-8");
	is_str(bad("{\"a\":\"\xff\"}"), "not UTF-8", "bad: byte 0xff");
	/* A NUL inside the line (len counts it) is not text. */
	ok(jline_parse("{\"a\":\"x\0y\"}", 11, &j, &why) == -1 &&
	    strcmp(why, "control character in a string") == 0,
	    "bad: a NUL byte in a string");
	jline_free(&j);
	return tap_done();
}
