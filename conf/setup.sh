# Shared by run-demo and run-tests (sourced, bash): install the Debian
# packages the stack needs, then build and install the tree.
#
#   rk_install_packages [PKG...] as root; apt-get only for what is missing
#                                (RK_PACKAGES and the PKGs: run-tests adds
#                                RK_CLUSTER_PACKAGES for its cluster part)
#   rk_build BUILD_DIR PREFIX    autoreconf if needed, configure (static
#                                CGIs), make, install
#
# TOP must be set to the top of the source tree.

RK_PACKAGES="build-essential autoconf automake pkg-config libpq-dev
libxml2-dev libssl-dev postgresql postgresql-contrib pgbouncer fcgiwrap
curl openssl python3 clang libnss3-tools
debhelper dpkg-dev fakeroot lintian systemd debootstrap
postgresql-15-pgaudit libunistring-dev libcrack2-dev cracklib-runtime"
# The cluster test's (tests/cluster/run): Patroni and etcd, HAProxy,
# nftables (cutting a node off), socat (the signer's relay).
RK_CLUSTER_PACKAGES="patroni etcd-server haproxy nftables socat"

rk_pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

rk_install_packages() {
	local missing=() p
	command -v dpkg-query > /dev/null || {
		echo "setup: not a Debian system; install by hand: $RK_PACKAGES nginx" >&2
		return 1
	}
	for p in $RK_PACKAGES "$@"; do
		rk_pkg_installed "$p" || missing+=("$p")
	done
	# Any nginx flavour with the SSL module will do.
	if ! rk_pkg_installed nginx && ! rk_pkg_installed nginx-light &&
	    ! rk_pkg_installed nginx-core && ! rk_pkg_installed nginx-full &&
	    ! rk_pkg_installed nginx-extras; then
		missing+=(nginx)
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		if [ "$(id -u)" != 0 ]; then
			echo "setup: missing packages (run as root): ${missing[*]}" >&2
			return 1
		fi
		echo "setup: installing ${missing[*]}" >&2
		apt-get update -q || return 1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		    --no-install-recommends "${missing[@]}" || return 1
	fi
	rk_install_pg_server_dev
}

# The static CGIs (configure --enable-static-cgi) link libpgcommon and
# libpgport from postgresql-server-dev-NN (NN: libpq-dev's major version),
# taken at libpq-dev's own version when the archive still has it: a newer
# one would upgrade libpq-dev (and libpq5) with it.  It pulls in clang and
# llvm-NN-dev (the server's JIT headers), about a minute on a fresh
# machine.  Called before any PostgreSQL of ours starts.
rk_install_pg_server_dev() {
	local v pkg
	v=$(dpkg-query -W -f='${Version}' libpq-dev 2>/dev/null) || {
		echo "setup: libpq-dev is not installed" >&2
		return 1
	}
	pkg=postgresql-server-dev-${v%%.*}
	rk_pkg_installed "$pkg" && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "setup: missing package (run as root): $pkg" >&2
		return 1
	fi
	apt-get update -q || return 1
	if apt-cache madison "$pkg" |
	    awk -F ' *[|] *' -v v="$v" '$2 == v { f = 1 } END { exit !f }'; then
		pkg=$pkg=$v
	else
		echo "setup: $pkg $v is no longer in the archive;" \
		    "the current one upgrades libpq-dev with it" >&2
	fi
	echo "setup: installing $pkg" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends "$pkg" || return 1
}

# rk_build BUILD_DIR PREFIX: quiet unless something fails.
rk_build() {
	local b=$1 prefix=$2 log
	(
		set -e
		cd "$TOP"
		if [ ! -x configure ] || [ configure.ac -nt configure ] ||
		    [ ! -f Makefile.in ] || [ Makefile.am -nt Makefile.in ]; then
			echo "setup: autoreconf -fi" >&2
			autoreconf -fi
		fi
		mkdir -p "$b"
		cd "$b"
		# The static CGIs, always: a fresh machine fails here rather
		# than quietly building the slow ones.
		if [ ! -f Makefile ] || [ ../configure -nt config.status ] ||
		    ! ./config.status --config | grep -qF -- "'--prefix=$prefix'" ||
		    ! ./config.status --config | grep -qF -- "'--enable-static-cgi'"; then
			echo "setup: configure --prefix=$prefix --enable-static-cgi in $b" >&2
			../configure -q --prefix="$prefix" --enable-static-cgi
		fi
	) || return 1
	log=$TOP/$b/build.log
	echo "setup: make in $b (log: $log)" >&2
	# make install adds files and never removes one: a schema file that
	# left the tree would stay installed, and migrate would take it for a
	# pending delta.  The prefix is the stack's own, so start it afresh.
	if ! make -C "$TOP/$b" -j2 > "$log" 2>&1 ||
	    ! rm -rf "$prefix/share/renrakucho/schema" ||
	    ! make -C "$TOP/$b" install >> "$log" 2>&1; then
		tail -n 30 "$log" >&2
		echo "setup: build failed, see $log" >&2
		return 1
	fi
}
