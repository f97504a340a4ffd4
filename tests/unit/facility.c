/* facility_check, account_check and cert_serial: the checks the web
 * forms and renrakucho-admin share -- the schema's limits (a facility
 * name of 200 characters, not 201), the web form's messages, the
 * placeholder domain kept for the system's own addresses. */
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "cert.h"
#include "facility.h"
#include "tap.h"

/* n copies of the 3-byte character 事, NUL-terminated, in a static
 * buffer. */
static const char *
chars(size_t n)
{
	static char	 b[3 * 256 + 1];
	size_t		 i;

	for (i = 0; i < n && i < 256; i++)
		memcpy(b + 3 * i, "事", 3);
	b[3 * i] = '\0';
	return b;
}

int
main(void)
{
	char	 serial[41];

	ok(facility_check(FACILITY_F_NAME, chars(200)) == NULL,
	    "a facility name of 200 characters (600 bytes) is accepted");
	is_str(facility_check(FACILITY_F_NAME, chars(201)),
	    "事業所名を200文字までの1行で入力してください。",
	    "201 characters: the web form's message");
	ok(facility_check(FACILITY_F_NAME, NULL) != NULL,
	    "the name is required");
	ok(facility_check(FACILITY_F_NAME, "a\nb") != NULL,
	    "the name is one line");
	ok(facility_check(FACILITY_F_ADDRESS, NULL) == NULL &&
	    facility_check(FACILITY_F_ADDRESS, "") == NULL &&
	    facility_check(FACILITY_F_PHONE, NULL) == NULL,
	    "address and phone may be left out");
	ok(facility_check(FACILITY_F_MCODE, "32203") == NULL &&
	    facility_check(FACILITY_F_MCODE, "322030") == NULL,
	    "a municipality code of 5 or 6 digits");
	is_str(facility_check(FACILITY_F_MCODE, "3220X"),
	    "市区町村コードは5桁または6桁の数字です。",
	    "a letter in the code: the web form's message");
	ok(facility_check(FACILITY_F_MCODE, "1234") != NULL &&
	    facility_check(FACILITY_F_MCODE, "1234567") != NULL,
	    "4 or 7 digits refused");
	ok(facility_check(FACILITY_F_PHONE, "0853-00-0000") == NULL &&
	    facility_check(FACILITY_F_PHONE, "+81 (853) 000") == NULL,
	    "a phone number of digits, hyphens, +, () and spaces");
	is_str(facility_check(FACILITY_F_PHONE, "call me"),
	    "電話番号は数字とハイフンで30文字までです。",
	    "letters in the phone number refused");
	ok(facility_check(FACILITY_F_EMAIL, "info@example.jp") == NULL,
	    "a representative address");
	ok(facility_check(FACILITY_F_EMAIL, "fwd-1-a@PLACEHOLDER.invalid")
	    != NULL, "a placeholder address is not a representative one");

	ok(account_check(ACCOUNT_F_KANA, "ヤマダ　はなこ") == NULL,
	    "kana: katakana, hiragana, spaces");
	is_str(account_check(ACCOUNT_F_KANA, "Yamada"),
	    "ふりがなはカタカナまたはひらがなで100文字までで入力してください。",
	    "kana: latin letters refused with the form's message");
	ok(account_check(ACCOUNT_F_PROFESSION, "看護師") == NULL &&
	    account_check(ACCOUNT_F_PROFESSION, "事務職") != NULL,
	    "profession: one of the form's list");
	ok(account_check(ACCOUNT_F_EMAIL, "fwd-1-a@placeholder.invalid") !=
	    NULL, "a placeholder address is not typed in");
	ok(account_check(ACCOUNT_F_NAME, NULL) == NULL,
	    "an option not given is not checked");

	ok(cert_serial("0a1B", serial) && strcmp(serial, "0A1B") == 0,
	    "a serial is upper-cased");
	ok(!cert_serial("", serial) && !cert_serial("xyz", serial) &&
	    !cert_serial(
	    "00000000000000000000000000000000000000001", serial),
	    "empty, non-hex and 41-digit serials refused");
	return tap_done();
}
