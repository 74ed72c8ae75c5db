/* Libraries loaded on first use. See dlib.h. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "common/dlib.h"

static pthread_mutex_t dlib_lock = PTHREAD_MUTEX_INITIALIZER;

static int load_locked(struct dlib *lib, const struct dlib_sym *syms)
{
    if (!(lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL))) {
        const char *e = dlerror();
        snprintf(lib->err, sizeof(lib->err), "cannot load %s: %s", lib->soname, e ? e : "?");
        return -1;
    }
    for (const struct dlib_sym *s = syms; s->name; s++) {
        if (!(*s->fn = dlsym(lib->handle, s->name))) {
            snprintf(lib->err, sizeof(lib->err), "%s: no symbol %s", lib->soname, s->name);
            return -1;
        }
    }
    return 0;
}

int dlib_load(struct dlib *lib, const struct dlib_sym *syms, char *err, size_t errsz)
{
    pthread_mutex_lock(&dlib_lock);
    if (lib->state == 0)
        lib->state = load_locked(lib, syms) == 0 ? 1 : -1;
    pthread_mutex_unlock(&dlib_lock);
    if (lib->state > 0)
        return 0;
    if (err && errsz)
        snprintf(err, errsz, "%s", lib->err);
    return -1;
}
