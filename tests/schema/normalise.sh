#!/bin/bash
# tests/schema/normalise.sh < DUMP > NORMALISED
#
# Makes a `pg_dump --schema-only` (owners and privileges kept) comparable
# between two databases built by different routes: the session settings
# at the top and pg_dump's \restrict lines go, each object's block (its
# "-- Name: ...; Type: ...; Owner: ..." header and statements) is kept
# whole, without empty lines, and the blocks are sorted, so the order the
# objects were created in does not matter.  COMMENT ON blocks are left
# out: comments document the schema and do not change what it does.
set -euo pipefail
export LC_ALL=C
awk '
	/^\\(un)?restrict / { next }
	/^SET (default_tablespace|default_table_access_method) = / { next }
	/^-- Name: / {
		flush()
		hdr = $0
		skip = ($0 ~ /; Type: COMMENT;/)
		next
	}
	hdr == "" { next }		# the preamble before the first object
	/^--$/ || /^$/ { next }
	/^-- PostgreSQL database dump complete$/ { next }
	{ body = body $0 "\n" }
	function flush() {
		if (hdr != "" && !skip)
			printf "%s\n%s%c", hdr, body, 0
		body = ""
	}
	END { flush() }
' | sort -z | tr '\0' '\n'
