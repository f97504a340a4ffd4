# RK_STATIC_LIBPQ
# ---------------
# --enable-static-cgi[=auto|yes|no]: whether the CGIs link libpq and
# OpenSSL statically, with lib/pqshim.c.  Sets and substitutes
# CGI_PQ_LIBS (libpq) and CGI_LIBS (what libpq and the CGIs need after
# it), and the conditional STATIC_CGI.  Call it after PKG_CHECK_MODULES
# for libpq and openssl, and after --enable-sanitizers is known
# ($enable_sanitizers).
#
# Why: a CGI starts for every request, and a dynamic libpq loads about 24
# libraries (libldap, GnuTLS, p11-kit, Kerberos...) at every exec.  Linked
# with -static against libpq.a, libpgcommon/libpgport
# (postgresql-server-dev-NN), libssl.a and libcrypto.a, plus lib/pqshim.c
# standing in for GSSAPI and LDAP (and for libpq's OpenSSL-based hashes
# and random bytes, see there), an exec maps one file.  The default is to
# do so when those archives are there; ASan cannot run -static, so
# sanitizer builds stay dynamic.  renrakucho-admin and tmplc are always
# dynamic.
AC_DEFUN([RK_STATIC_LIBPQ], [
AC_REQUIRE([PKG_PROG_PKG_CONFIG])
AC_ARG_ENABLE([static-cgi],
  [AS_HELP_STRING([--enable-static-cgi],
    [link the CGIs statically with libpq, OpenSSL and lib/pqshim.c (default: when the static libraries are installed and sanitizers are off)])],
  [], [enable_static_cgi=auto])
AC_PATH_PROG([PG_CONFIG], [pg_config])
AS_IF([test "x$enable_static_cgi" != xno], [
  AS_IF([test "x$enable_sanitizers" = xyes], [
    AS_IF([test "x$enable_static_cgi" = xyes],
      [AC_MSG_ERROR([--enable-static-cgi and --enable-sanitizers exclude each other (ASan does not support -static)])])
    AC_MSG_NOTICE([sanitizers: the CGIs are linked dynamically])
    enable_static_cgi=no
  ])
])
AS_IF([test "x$enable_static_cgi" != xno], [
  rk_pq_libdir=`$PKG_CONFIG --variable=libdir libpq`
  rk_ssl_libdir=`$PKG_CONFIG --variable=libdir openssl`
  AS_IF([test -n "$PG_CONFIG"], [rk_pg_pkglibdir=`$PG_CONFIG --pkglibdir`],
    [rk_pg_pkglibdir=])
  rk_missing=
  for rk_a in "$rk_pq_libdir/libpq.a" "$rk_pg_pkglibdir/libpgcommon_shlib.a" \
      "$rk_pg_pkglibdir/libpgport_shlib.a" "$rk_ssl_libdir/libssl.a" \
      "$rk_ssl_libdir/libcrypto.a"; do
    test -f "$rk_a" || rk_missing="$rk_missing $rk_a"
  done
  CGI_PQ_LIBS="-static $rk_pq_libdir/libpq.a"
  CGI_LIBS="$rk_pg_pkglibdir/libpgcommon_shlib.a $rk_pg_pkglibdir/libpgport_shlib.a $rk_ssl_libdir/libssl.a $rk_ssl_libdir/libcrypto.a -lm -pthread"
  AS_IF([test -z "$rk_missing"], [
    # Does it link?  The shim is compiled into the test program, as
    # Makefile.am links it: libpq.a, the shim, then CGI_LIBS.
    AC_MSG_CHECKING([whether a static libpq links])
    rk_save_LIBS=$LIBS
    rk_save_CPPFLAGS=$CPPFLAGS
    LIBS="$CGI_PQ_LIBS $CGI_LIBS"
    CPPFLAGS="$CPPFLAGS $PQ_CFLAGS -I$srcdir/lib"
    AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <libpq-fe.h>
#include "pqshim.c"]],
      [[return PQconnectdb("") == NULL;]])],
      [AC_MSG_RESULT([yes])], [AC_MSG_RESULT([no]); rk_missing=" (a test link failed: see config.log)"])
    LIBS=$rk_save_LIBS
    CPPFLAGS=$rk_save_CPPFLAGS
  ])
  AS_IF([test -n "$rk_missing"], [
    AS_IF([test "x$enable_static_cgi" = xyes],
      [AC_MSG_ERROR([--enable-static-cgi: missing$rk_missing (apt-get install postgresql-server-dev-NN, NN = libpq's major version)])])
    AC_MSG_WARN([static CGIs: missing$rk_missing; the CGIs are linked dynamically, several times slower per request (apt-get install postgresql-server-dev-NN for the static build)])
    enable_static_cgi=no
  ], [enable_static_cgi=yes])
])
AS_IF([test "x$enable_static_cgi" = xyes],
  [AC_MSG_NOTICE([CGIs: static (libpq, OpenSSL, lib/pqshim.c; no GSSAPI, no LDAP)])],
  [CGI_PQ_LIBS='$(PQ_LIBS)'
   CGI_LIBS='$(SSL_LIBS)'
   AC_MSG_NOTICE([CGIs: dynamic])])
AC_SUBST([CGI_PQ_LIBS])
AC_SUBST([CGI_LIBS])
AM_CONDITIONAL([STATIC_CGI], [test "x$enable_static_cgi" = xyes])
])
