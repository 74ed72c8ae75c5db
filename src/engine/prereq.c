/* Prerequisites under --check. */
#include <stdlib.h>
#include <string.h>

#include "engine/prereq.h"
#include "engine/registry.h"
#include "engine/settings.h"

static bool in_array(json_t *a, const char *id)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
        if (strcmp(json_string_value(v), id) == 0)
            return true;
    return false;
}

json_t *fp_prereq_expand(json_t *only)
{
    if (!only)
        return NULL;
    json_t *added = json_array();
    /* only grows while it is walked: the prerequisites' own are added too */
    for (size_t i = 0; i < json_array_size(only); i++) {
        const struct fp_check *c = fp_registry_find(json_string_value(json_array_get(only, i)));
        for (const char *const *p = c && c->requires ? c->requires : NULL; p && *p; p++)
            if (!in_array(only, *p)) {
                json_array_append_new(only, json_string(*p));
                json_array_append_new(added, json_string(*p));
            }
    }
    return added;
}

static const struct fp_result *find_result(const struct fp_run *run, const char *id)
{
    for (size_t i = 0; i < run->n; i++)
        if (strcmp(run->results[i].check->id, id) == 0)
            return &run->results[i];
    return NULL;
}

void fp_prereq_apply(const struct fp_ctx *ctx, struct fp_run *run, json_t *added)
{
    if (!added || json_array_size(added) == 0)
        return;
    for (size_t i = 0; i < run->n; i++) {
        struct fp_result *r = &run->results[i];
        const struct fp_check *c = r->check;
        /* a check turned off, or one of the live node under --root, skips
         * whatever its prerequisites say */
        if (in_array(added, c->id) || r->status != FP_SKIP || r->severity == FP_SEV_OFF ||
            ((c->flags & FP_CHECK_LIVE) && !ctx->live))
            continue;
        /* a check that skips because of a prerequisite names it ("see
         * family.name"); a skip for a reason of its own (a singleton binds
         * nothing) stays a skip whatever else failed */
        for (const char *const *p = c->requires; p && *p; p++) {
            const struct fp_result *pre = find_result(run, *p);
            if (!in_array(added, *p) || !pre || pre->status < FP_FAIL || !r->message ||
                !strstr(r->message, *p))
                continue;
            free(r->message);
            r->message = NULL;
            fp_error(r, "not checked: its prerequisite %s (not selected) %s: %s", *p,
                     pre->status == FP_ERROR ? "could not be checked" : "failed",
                     pre->message ? pre->message : "");
            break;
        }
    }
    /* drop what was not asked for; count what is left */
    size_t n = 0;
    for (size_t i = 0; i < run->n; i++) {
        if (in_array(added, run->results[i].check->id))
            fp_result_clear(&run->results[i]);
        else
            run->results[n++] = run->results[i];
    }
    run->n = n;
    fp_run_tally(run);
}
