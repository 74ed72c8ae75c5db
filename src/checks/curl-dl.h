/* libcurl, loaded only where fleet.sync fetches a manifest.
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

#include <dlfcn.h>
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

#define FP_LIBCURL_SONAME "libcurl.so.4"

struct fp_curl {
    CURLcode (*global_init)(long);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    void (*free)(void *);
    CURLU *(*url)(void);
    void (*url_cleanup)(CURLU *);
    CURLUcode (*url_get)(const CURLU *, CURLUPart, char **, unsigned int);
    CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
    curl_version_info_data *(*version_info)(CURLversion);
};

/* One per process (the fleet.sync child): filled by fp_curl_load(). */
static struct fp_curl fp_curl;

/* 0, or -1 with the reason in err. */
static inline int fp_curl_load(char *err, size_t errsz)
{
    void *h;

    if (fp_curl.easy_init)
        return 0;
    if (!(h = dlopen(FP_LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL))) {
        snprintf(err, errsz, "cannot load %s (install libcurl4): %s", FP_LIBCURL_SONAME,
                 dlerror());
        return -1;
    }
#define FP_CURL_SYM(field, name)                                                       \
    if (!(*(void **)&fp_curl.field = dlsym(h, name))) {                                 \
        snprintf(err, errsz, "%s: no %s", FP_LIBCURL_SONAME, name);                     \
        return -1;                                                                      \
    }
    FP_CURL_SYM(global_init, "curl_global_init")
    FP_CURL_SYM(global_cleanup, "curl_global_cleanup")
    FP_CURL_SYM(easy_setopt, "curl_easy_setopt")
    FP_CURL_SYM(easy_perform, "curl_easy_perform")
    FP_CURL_SYM(easy_getinfo, "curl_easy_getinfo")
    FP_CURL_SYM(easy_cleanup, "curl_easy_cleanup")
    FP_CURL_SYM(easy_strerror, "curl_easy_strerror")
    FP_CURL_SYM(free, "curl_free")
    FP_CURL_SYM(url, "curl_url")
    FP_CURL_SYM(url_cleanup, "curl_url_cleanup")
    FP_CURL_SYM(url_get, "curl_url_get")
    FP_CURL_SYM(url_set, "curl_url_set")
    FP_CURL_SYM(version_info, "curl_version_info")
    FP_CURL_SYM(easy_init, "curl_easy_init")
#undef FP_CURL_SYM
    return 0;
}

/* The loaded libcurl's version, as LIBCURL_VERSION_NUM (0x075500 is 7.85.0);
 * 0 when unknown (taken as old). */
static inline unsigned fp_curl_version_num(void)
{
    curl_version_info_data *v = fp_curl.version_info ? fp_curl.version_info(CURLVERSION_NOW) : NULL;
    return v ? v->version_num : 0;
}

static inline const char *fp_curl_version(void)
{
    curl_version_info_data *v = fp_curl.version_info ? fp_curl.version_info(CURLVERSION_NOW) : NULL;
    return v && v->version ? v->version : "(unknown version)";
}

#define curl_global_init fp_curl.global_init
#define curl_global_cleanup fp_curl.global_cleanup
#define curl_easy_init fp_curl.easy_init
#undef curl_easy_setopt
#define curl_easy_setopt fp_curl.easy_setopt
#define curl_easy_perform fp_curl.easy_perform
#undef curl_easy_getinfo
#define curl_easy_getinfo fp_curl.easy_getinfo
#define curl_easy_cleanup fp_curl.easy_cleanup
#define curl_easy_strerror fp_curl.easy_strerror
#define curl_free fp_curl.free
#define curl_url fp_curl.url
#define curl_url_cleanup fp_curl.url_cleanup
#define curl_url_get fp_curl.url_get
#define curl_url_set fp_curl.url_set

#endif
