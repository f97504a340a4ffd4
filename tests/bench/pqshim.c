/* Link-time shim for a static libpq (prototype for the benchmark; the
 * proposed lib/pqshim.c is the same file).  Debian's libpq.a was built
 * with GSSAPI and LDAP; linking it statically would pull libgssapi_krb5,
 * libldap, GnuTLS, p11-kit and Kerberos into every CGI.  renrakucho uses
 * neither: the CGIs reach pgbouncer over a unix socket with SCRAM, and
 * connection parameters come from renrakucho.conf, never from an LDAP
 * service lookup.  Each function here fails the way the real one does
 * when nothing is available, so libpq falls back cleanly:
 * gss_acquire_cred fails -> no GSS encryption or authentication (a server
 * asking for GSSAPI gets "GSSAPI failed"); ldap_init returns NULL -> an
 * ldap:// service entry is an error.  Argument lists are not declared:
 * nothing here reads an argument. */
#include <stddef.h>
#include <stdint.h>

#define SHIM_GSS_FAILURE	(13u << 16)	/* GSS_S_FAILURE */

void	*GSS_C_NT_HOSTBASED_SERVICE = NULL;

uint32_t gss_acquire_cred() { return SHIM_GSS_FAILURE; }
uint32_t gss_delete_sec_context() { return SHIM_GSS_FAILURE; }
uint32_t gss_display_status() { return SHIM_GSS_FAILURE; }
uint32_t gss_import_name() { return SHIM_GSS_FAILURE; }
uint32_t gss_init_sec_context() { return SHIM_GSS_FAILURE; }
uint32_t gss_release_buffer() { return 0; }
uint32_t gss_release_cred() { return 0; }
uint32_t gss_release_name() { return 0; }
uint32_t gss_unwrap() { return SHIM_GSS_FAILURE; }
uint32_t gss_wrap() { return SHIM_GSS_FAILURE; }
uint32_t gss_wrap_size_limit() { return SHIM_GSS_FAILURE; }

void	*ldap_init() { return NULL; }
int	 ldap_count_entries() { return -1; }
char	*ldap_err2string() { return (char *)"LDAP is not available"; }
void	*ldap_first_entry() { return NULL; }
void	*ldap_get_values_len() { return NULL; }
int	 ldap_msgfree() { return 0; }
int	 ldap_result() { return -1; }
int	 ldap_search_st() { return -1; }
int	 ldap_set_option() { return -1; }
int	 ldap_simple_bind() { return -1; }
int	 ldap_unbind() { return 0; }
void	 ldap_value_free_len() { }
