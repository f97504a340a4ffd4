/* pickup: the key of a remote address's pickup failures: an IPv4
 * address as itself, an IPv6 address as its /64, so that the addresses
 * one host takes from its /64 share one counter. */
#include <stdio.h>
#include <string.h>

#include "pickup.h"
#include "tap.h"

static const char *
key(const char *addr)
{
	static char	 out[64];

	if (pickup_addr_key(addr, out, sizeof(out)) == -1)
		return "ERR";
	return out;
}

int
main(void)
{
	char	 small[8], a[64], b[64];

	is_str(key("192.0.2.7"), "192.0.2.7", "IPv4: the address itself");
	is_str(key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64",
	    "IPv6: its /64");
	snprintf(a, sizeof(a), "%s", key("2001:db8:1:2::1"));
	snprintf(b, sizeof(b), "%s", key("2001:db8:1:2:ffff::9"));
	is_str(a, b, "two IPv6 addresses in one /64: one key");
	is_str(a, "2001:db8:1:2::/64", "... the /64 itself");
	snprintf(b, sizeof(b), "%s", key("2001:db8:1:3::1"));
	is_str(b, "2001:db8:1:3::/64", "the neighbouring /64: its own key");
	ok(strcmp(a, b) != 0, "IPv6 addresses in neighbouring /64s: two keys");
	is_str(key("::1"), "::/64", "IPv6 loopback: its /64");
	is_str(key("::ffff:192.0.2.7"), "192.0.2.7",
	    "IPv4-mapped IPv6: the IPv4 address");
	is_str(key("fe80::1%eth0"), "ERR", "a scoped address is refused");
	is_str(key("2001:db8::1/64"), "ERR", "a network is no address");
	is_str(key(""), "ERR", "empty: refused");
	is_str(key("192.0.2.300"), "ERR", "a bad IPv4 address: refused");
	ok(pickup_addr_key("2001:db8:1:2::1", small, sizeof(small)) == -1,
	    "a buffer too small: refused");
	return tap_done();
}
