/* form: field errors (the first message of a field kept), the summary
 * in the order the errors were found with anchors to the fields, the
 * values shown again (only text), and the summary's markup. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"
#include "req.h"
#include "tap.h"

enum key { KEY_NAME, KEY_NOTE, KEY_FILE, KEY__MAX };

static const struct req_key keys[KEY__MAX] = {
	/* KEY_NAME */	{ "name", req_v_line, 1, 10 },
	/* KEY_NOTE */	{ "note", req_v_line, 0, 10 },
	/* KEY_FILE */	{ "file", req_v_file, 0, 100 },
};

int
main(void)
{
	struct req	 r;
	struct form	 f;
	struct buf	 b;
	static char	 name[] = "山田<b>";
	static char	 bad[] = "a\xff";
	static char	 nul[] = "a\0b";
	static char	 file[] = "%PDF";

	memset(&r, 0, sizeof(r));
	r.keys = keys;
	r.nkeys = KEY__MAX;
	if ((r.vals = calloc(KEY__MAX, sizeof(*r.vals))) == NULL)
		return 1;

	form_init(&f, &r);
	ok(f.n == 0 && form_err(&f, KEY_NAME) == NULL, "empty form");
	form_error(&f, KEY_NOTE, NULL, "備考が長すぎます。");
	form_error(&f, KEY_NAME, "person-name", "氏名を入力してください。");
	form_error(&f, KEY_NAME, NULL, "二つ目");
	ok(f.n == 2, "one summary line per field");
	is_str(form_err(&f, KEY_NAME), "氏名を入力してください。",
	    "a field's first message is kept");
	is_str(f.list[0].href, "#note", "anchor: the key's name");
	is_str(f.list[1].href, "#person-name", "anchor: the id given");
	is_str(f.list[0].text, "備考が長すぎます。",
	    "summary in the order the errors were found");
	ok(form_err(&f, KEY_FILE) == NULL, "a field without error");
	ok(form_err(&f, FORM_KEYS_MAX) == NULL, "a key past the table");

	ok(form_value(&r, KEY_NAME) == NULL && *form_text(&r, KEY_NAME) == '\0',
	    "not sent: NULL, or \"\"");
	r.vals[KEY_NAME].present = 1;
	r.vals[KEY_NAME].s = name;
	r.vals[KEY_NAME].len = strlen(name);
	is_str(form_value(&r, KEY_NAME), "山田<b>",
	    "typed text shown again as typed (the template escapes it)");
	r.vals[KEY_NAME].s = bad;
	r.vals[KEY_NAME].len = 2;
	ok(form_value(&r, KEY_NAME) == NULL, "form-bad-utf8: not shown again");
	r.vals[KEY_NAME].s = nul;
	r.vals[KEY_NAME].len = 3;
	ok(form_value(&r, KEY_NAME) == NULL, "form-bad-nul: not shown again");
	r.vals[KEY_FILE].present = 1;
	r.vals[KEY_FILE].s = file;
	r.vals[KEY_FILE].len = 4;
	r.vals[KEY_FILE].filename = file;
	ok(form_value(&r, KEY_FILE) == NULL, "a file is never shown again");
	ok(form_value(&r, KEY__MAX) == NULL, "an undeclared key");

	memset(&b, 0, sizeof(b));
	form_init(&f, &r);
	form_summary(&b, &f);
	ok(b.len == 0, "no error: no summary");
	form_error(&f, KEY_NAME, NULL, "氏名に<>は使えません。");
	form_summary(&b, &f);
	ok(!b.oom && strcmp(b.p, "<div class=\"error-summary\" role=\"alert\""
	    " tabindex=\"-1\">\n<h2>入力内容を確認してください</h2>\n<ul>\n"
	    "<li><a href=\"#name\">氏名に&lt;&gt;は使えません。</a></li>\n"
	    "</ul>\n</div>") == 0, "summary markup, message escaped");
	buf_free(&b);
	free(r.vals);
	return tap_done();
}
