/* wareki: era boundaries (both ends of every era), 元年, impossible dates,
 * and the two-calendar display. */
#include <stdio.h>

#include "wareki.h"
#include "tap.h"

int
main(void)
{
	char	 b[128];

	ok(wareki_to_ymd(WAREKI_SHOWA, 10, 3, 4) == 19350304, "昭和10年3月4日");
	ok(wareki_to_ymd(WAREKI_MEIJI, 1, 1, 25) == 18680125, "明治元年1月25日: first day");
	ok(wareki_to_ymd(WAREKI_MEIJI, 1, 1, 24) == -1, "明治元年1月24日: before 明治");
	ok(wareki_to_ymd(WAREKI_MEIJI, 45, 7, 29) == 19120729, "明治45年7月29日: last day");
	ok(wareki_to_ymd(WAREKI_MEIJI, 45, 7, 30) == -1, "明治45年7月30日 is 大正");
	ok(wareki_to_ymd(WAREKI_TAISHO, 1, 7, 29) == -1, "大正元年7月29日 is 明治");
	ok(wareki_to_ymd(WAREKI_TAISHO, 1, 7, 30) == 19120730, "大正元年7月30日");
	ok(wareki_to_ymd(WAREKI_TAISHO, 15, 12, 24) == 19261224, "大正15年12月24日");
	ok(wareki_to_ymd(WAREKI_TAISHO, 15, 12, 25) == -1, "大正15年12月25日 is 昭和");
	ok(wareki_to_ymd(WAREKI_SHOWA, 1, 12, 24) == -1, "昭和元年12月24日 is 大正");
	ok(wareki_to_ymd(WAREKI_SHOWA, 64, 1, 7) == 19890107, "昭和64年1月7日");
	ok(wareki_to_ymd(WAREKI_SHOWA, 64, 1, 8) == -1, "昭和64年1月8日 is 平成");
	ok(wareki_to_ymd(WAREKI_HEISEI, 1, 1, 7) == -1, "平成元年1月7日 is 昭和");
	ok(wareki_to_ymd(WAREKI_HEISEI, 1, 1, 8) == 19890108, "平成元年1月8日");
	ok(wareki_to_ymd(WAREKI_HEISEI, 31, 4, 30) == 20190430, "平成31年4月30日");
	ok(wareki_to_ymd(WAREKI_HEISEI, 31, 5, 1) == -1, "平成31年5月1日 is 令和");
	ok(wareki_to_ymd(WAREKI_REIWA, 1, 4, 30) == -1, "令和元年4月30日 is 平成");
	ok(wareki_to_ymd(WAREKI_REIWA, 1, 5, 1) == 20190501, "令和元年5月1日");
	ok(wareki_to_ymd(WAREKI_SHOWA, 63, 2, 29) == 19880229, "昭和63年 leap day");
	ok(wareki_to_ymd(WAREKI_SHOWA, 62, 2, 29) == -1, "昭和62年2月29日 does not exist");
	ok(wareki_to_ymd(WAREKI_SHOWA, 10, 4, 31) == -1, "4月31日 does not exist");
	ok(wareki_to_ymd(WAREKI_SHOWA, 0, 1, 1) == -1, "year 0 refused");
	ok(wareki_to_ymd(WAREKI_SHOWA, 10, 13, 1) == -1, "month 13 refused");
	ok(wareki_to_ymd(WAREKI__MAX, 10, 1, 1) == -1, "unknown era refused");
	ok(wareki_era_by_key("showa") == WAREKI_SHOWA, "era by key");
	ok(wareki_era_by_key("edo") == WAREKI__MAX, "unknown key");
	ok(wareki_era_by_key(NULL) == WAREKI__MAX, "NULL key");
	is_str(wareki_format(19350304, b, sizeof(b)), "昭和10年3月4日 (1935年3月4日)",
	    "display in both calendars");
	is_str(wareki_format(19890108, b, sizeof(b)), "平成元年1月8日 (1989年1月8日)",
	    "元年 shown");
	is_str(wareki_format(18600101, b, sizeof(b)), "1860年1月1日",
	    "before 明治: 西暦 only");
	is_str(wareki_format(19350230, b, sizeof(b)), "", "impossible date: empty");
	return tap_done();
}
