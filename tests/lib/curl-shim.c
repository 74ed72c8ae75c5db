/* A libcurl.so.4 for tests (t1200): it forwards every call to the real
 * libcurl (REAL_LIBCURL, the absolute path it is built with), except that
 *   FP_SHIM_REFUSE=N     option number N is refused (CURLE_UNKNOWN_OPTION),
 *                        as a libcurl too old for it, or built without it
 *   FP_SHIM_VERSION=HEX  curl_version_info() reports this version_num
 *   FP_SHIM_LOG=FILE     every option set is appended to FILE, one number a line
 * The gate loads it when LD_LIBRARY_PATH points at its directory.
 * x86_64 only: setopt's third argument (long, pointer or curl_off_t) is
 * forwarded as one 64-bit register. */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* our own definitions below: no type-checking macros, and curl_url_get's
 * first parameter is const in some versions of the header, not in others */
#define CURL_DISABLE_TYPECHECK 1
#define curl_url_get curl_url_get_as_declared
#include <curl/curl.h>
#undef curl_url_get

#ifndef REAL_LIBCURL
#error "build with -DREAL_LIBCURL='\"/path/to/libcurl.so.4\"'"
#endif

static void *real(const char *name)
{
    static void *h;
    if (!h)
        h = dlopen(REAL_LIBCURL, RTLD_NOW | RTLD_LOCAL);
    return h ? dlsym(h, name) : NULL;
}

#define FWD(ret, name, params, args) \
    ret name params { return ((ret(*) params)real(#name)) args; }
FWD(CURLcode, curl_global_init, (long f), (f))
FWD(CURL *, curl_easy_init, (void), ())
FWD(CURLcode, curl_easy_perform, (CURL *h), (h))
FWD(const char *, curl_easy_strerror, (CURLcode c), (c))
FWD(CURLU *, curl_url, (void), ())
FWD(CURLUcode, curl_url_get, (CURLU *u, CURLUPart p, char **o, unsigned f), (u, p, o, f))
FWD(CURLUcode, curl_url_set, (CURLU *u, CURLUPart p, const char *c, unsigned f), (u, p, c, f))

void curl_global_cleanup(void)
{
    ((void (*)(void))real("curl_global_cleanup"))();
}

void curl_easy_cleanup(CURL *h)
{
    ((void (*)(CURL *))real("curl_easy_cleanup"))(h);
}

void curl_free(void *p)
{
    ((void (*)(void *))real("curl_free"))(p);
}

void curl_url_cleanup(CURLU *u)
{
    ((void (*)(CURLU *))real("curl_url_cleanup"))(u);
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO i, ...)
{
    va_list ap;
    va_start(ap, i);
    void *p = va_arg(ap, void *);
    va_end(ap);
    return ((CURLcode(*)(CURL *, CURLINFO, ...))real("curl_easy_getinfo"))(h, i, p);
}

CURLcode curl_easy_setopt(CURL *h, CURLoption o, ...)
{
    const char *refuse = getenv("FP_SHIM_REFUSE"), *log = getenv("FP_SHIM_LOG");
    va_list ap;
    va_start(ap, o);
    void *p = va_arg(ap, void *);
    va_end(ap);
    if (log) {
        FILE *f = fopen(log, "a");
        if (f) {
            fprintf(f, "%d\n", (int)o);
            fclose(f);
        }
    }
    if (refuse && atoi(refuse) == (int)o)
        return CURLE_UNKNOWN_OPTION;
    return ((CURLcode(*)(CURL *, CURLoption, ...))real("curl_easy_setopt"))(h, o, p);
}

curl_version_info_data *curl_version_info(CURLversion v)
{
    static curl_version_info_data copy;
    curl_version_info_data *d =
        ((curl_version_info_data * (*)(CURLversion)) real("curl_version_info"))(v);
    const char *ver = getenv("FP_SHIM_VERSION");
    if (!d || !ver)
        return d;
    copy = *d;
    copy.version_num = (unsigned)strtoul(ver, NULL, 16);
    copy.version = "7.68.0 (test shim)";
    return &copy;
}
