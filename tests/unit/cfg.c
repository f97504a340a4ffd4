/* cfg: defaults, overrides, refusal of unknown keys and malformed lines. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cfg.h"
#include "tap.h"

static int
cfg_write(char *path, const char *text)
{
	int	 fd;

	snprintf(path, 64, "/tmp/cfg-test-XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Every key of the enum has its row in the reference: a name unlike
 * the others, a default, a description (the manual page prints them). */
static void
cfg_test_reference(void)
{
	const struct cfg_def	*d, *e;
	int			 k, j, bad = 0;

	for (k = 0; k < CFG__MAX; k++) {
		d = cfg_def((enum cfg_key)k);
		if (d == NULL || d->name == NULL || d->dflt == NULL ||
		    d->doc == NULL || d->doc[0] == '\0') {
			printf("# key %d: no name, default or description\n", k);
			bad++;
			continue;
		}
		for (j = 0; j < k; j++) {
			e = cfg_def((enum cfg_key)j);
			if (e->name != NULL && strcmp(e->name, d->name) == 0) {
				printf("# key %s twice\n", d->name);
				bad++;
			}
		}
	}
	ok(bad == 0, "every key has a name of its own, a default and a"
	    " description");
	ok(cfg_def(CFG__MAX) == NULL, "no reference row past the last key");
}

int
main(void)
{
	char	 p[64];

	cfg_test_reference();

	is_str(cfg_get(CFG_MUNICIPALITY_CODE), "32203", "default municipality code");
	is_str(cfg_get(CFG_CERT_DAYS), "730", "default certificate lifetime");
	ok(cfg_get(CFG__MAX) != NULL, "out-of-range key gives a string");

	ok(cfg_write(p, "# comment\n\n db_port = 7000 \n"
	    "service_name=電子連絡帳 テスト\nsecretariat_fax =\n") == 0,
	    "write config");
	ok(cfg_load_file(p) == 0, "good file loads");
	is_str(cfg_get(CFG_DB_PORT), "7000", "value trimmed");
	is_str(cfg_get(CFG_SERVICE_NAME), "電子連絡帳 テスト",
	    "UTF-8 value with inner space kept");
	is_str(cfg_get(CFG_SECRETARIAT_FAX), "", "empty value allowed");
	unlink(p);

	/* Checked keys: the service's name and the secretariat's contact. */
	ok(cfg_write(p, "service_name = ルピナスネット出雲\n"
	    "secretariat_name = 事務局 <&\"'> 担当\n"
	    "secretariat_phone = 0853-21-0000\n"
	    "secretariat_hours = 平日 8:30〜17:15\n"
	    "secretariat_email =\n") == 0, "write config");
	ok(cfg_load_file(p) == 0, "contact with markup characters loads");
	is_str(cfg_get(CFG_SECRETARIAT_NAME), "事務局 <&\"'> 担当",
	    "secretariat name kept as written (escaped where shown)");
	is_str(cfg_get(CFG_SECRETARIAT_HOURS), "平日 8:30〜17:15",
	    "secretariat hours");
	unlink(p);
	ok(cfg_write(p, "service_name = "
	    "一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十\n") == 0,
	    "write config");
	ok(cfg_load_file(p) == 0, "service name of 40 characters loads");
	unlink(p);
	ok(cfg_write(p, "service_name = "
	    "一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十一\n") == 0,
	    "write config");
	ok(cfg_load_file(p) == -1, "config-bad-service-name-41 refused");
	unlink(p);
	ok(cfg_write(p, "service_name =\n") == 0, "write config");
	ok(cfg_load_file(p) == -1, "config-bad-service-name-empty refused");
	unlink(p);
	ok(cfg_write(p, "secretariat_name = a\tb\n") == 0, "write config");
	ok(cfg_load_file(p) == -1, "config-bad-secretariat-tab refused");
	unlink(p);
	ok(cfg_write(p, "secretariat_phone = "
	    "0123456789012345678901234567890\n") == 0, "write config");
	ok(cfg_load_file(p) == -1, "config-bad-phone-31 refused");
	unlink(p);
	ok(cfg_write(p, "secretariat_email = not-an-address\n") == 0,
	    "write config");
	ok(cfg_load_file(p) == -1, "config-bad-secretariat-email refused");
	unlink(p);
	ok(cfg_write(p, "secretariat_hours = \xe3\x81\n") == 0,
	    "write config");
	ok(cfg_load_file(p) == -1, "config-bad-hours-utf8 refused");
	unlink(p);

	ok(cfg_write(p, "no_such_key = 1\n") == 0, "write config");
	ok(cfg_load_file(p) == -1, "config-bad-unknown-key refused");
	unlink(p);
	ok(cfg_write(p, "db_port 7000\n") == 0, "write config");
	ok(cfg_load_file(p) == -1, "config-bad-no-equals refused");
	unlink(p);
	ok(cfg_load_file("/nonexistent/renrakucho.conf") == -1,
	    "config-bad-missing-file refused");

	setenv("RENRAKUCHO_CONF", "/nonexistent/x.conf", 1);
	return tap_done();
}
