/* libcurl, loaded only where fleet.sync fetches a manifest (common/dlib.h).
 *
 * Linking libcurl into the gate costs every boot of every node: its
 * dependencies (TLS, HTTP/2, IDN, LDAP, SSH, Kerberos, ...) are loaded and
 * relocated at each start, several milliseconds and megabytes before the
 * first check, and every forked check child copies their page tables. Only
 * fleet.sync needs it, and only when a manifest is configured, in its own
 * child: so it is dlopen()ed there. The names below make the code read as
 * plain libcurl. */
#ifndef FP_CHECKS_CURL_DL_H
#define FP_CHECKS_CURL_DL_H

#include <stdio.h>

/* Both protocol options are compiled in and one is chosen at run time, from
 * the libcurl that is loaded (fp_curl_version_num()): the bitmask form is
 * deprecated from 7.85, the string form does not exist before it. */
#define CURL_DISABLE_DEPRECATION 1
#include <curl/curl.h>
#ifndef CURLOPT_PROTOCOLS_STR /* headers older than 7.85: the values libcurl uses */
#define CURLOPT_PROTOCOLS_STR ((CURLoption)(CURLOPTTYPE_STRINGPOINT + 318))
#define CURLOPT_REDIR_PROTOCOLS_STR ((CURLoption)(CURLOPTTYPE_STRINGPOINT + 319))
#endif

#include "common/dlib.h"

static typeof(curl_global_init) *sym_curl_global_init;
static typeof(curl_global_cleanup) *sym_curl_global_cleanup;
static typeof(curl_easy_init) *sym_curl_easy_init;
static typeof(curl_easy_setopt) *sym_curl_easy_setopt;
static typeof(curl_easy_perform) *sym_curl_easy_perform;
static typeof(curl_easy_getinfo) *sym_curl_easy_getinfo;
static typeof(curl_easy_cleanup) *sym_curl_easy_cleanup;
static typeof(curl_easy_strerror) *sym_curl_easy_strerror;
static typeof(curl_free) *sym_curl_free;
static typeof(curl_url) *sym_curl_url;
static typeof(curl_url_cleanup) *sym_curl_url_cleanup;
static typeof(curl_url_get) *sym_curl_url_get;
static typeof(curl_url_set) *sym_curl_url_set;
static typeof(curl_version_info) *sym_curl_version_info;
static struct dlib libcurl = DLIB_INIT("libcurl.so.4");

/* 0, or -1 with the reason in err. */
static inline int fp_curl_load(char *err, size_t errsz)
{
    static const struct dlib_sym syms[] = {
        DLIB_SYM(curl_global_init),  DLIB_SYM(curl_global_cleanup), DLIB_SYM(curl_easy_init),
        DLIB_SYM(curl_easy_setopt),  DLIB_SYM(curl_easy_perform),   DLIB_SYM(curl_easy_getinfo),
        DLIB_SYM(curl_easy_cleanup), DLIB_SYM(curl_easy_strerror),  DLIB_SYM(curl_free),
        DLIB_SYM(curl_url),          DLIB_SYM(curl_url_cleanup),    DLIB_SYM(curl_url_get),
        DLIB_SYM(curl_url_set),      DLIB_SYM(curl_version_info),   { 0 },
    };
    char why[300];

    if (dlib_load(&libcurl, syms, why, sizeof(why)) < 0) {
        snprintf(err, errsz, "%s (install libcurl4)", why);
        return -1;
    }
    return 0;
}

/* The loaded libcurl's version, as LIBCURL_VERSION_NUM (0x075500 is 7.85.0);
 * 0 when unknown (taken as old). */
static inline unsigned fp_curl_version_num(void)
{
    curl_version_info_data *v = sym_curl_version_info ? sym_curl_version_info(CURLVERSION_NOW) : NULL;
    return v ? v->version_num : 0;
}

static inline const char *fp_curl_version(void)
{
    curl_version_info_data *v = sym_curl_version_info ? sym_curl_version_info(CURLVERSION_NOW) : NULL;
    return v && v->version ? v->version : "(unknown version)";
}

#define curl_global_init sym_curl_global_init
#define curl_global_cleanup sym_curl_global_cleanup
#define curl_easy_init sym_curl_easy_init
#undef curl_easy_setopt
#define curl_easy_setopt sym_curl_easy_setopt
#define curl_easy_perform sym_curl_easy_perform
#undef curl_easy_getinfo
#define curl_easy_getinfo sym_curl_easy_getinfo
#define curl_easy_cleanup sym_curl_easy_cleanup
#define curl_easy_strerror sym_curl_easy_strerror
#define curl_free sym_curl_free
#define curl_url sym_curl_url
#define curl_url_cleanup sym_curl_url_cleanup
#define curl_url_get sym_curl_url_get
#define curl_url_set sym_curl_url_set

#endif
