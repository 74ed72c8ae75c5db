/* libFuzzer target: arbitrary bytes as R (RFC 20) JSON, and as a system
 * config (TOML, or a JSON [resource] table) through the [resource] checks,
 * resource.config, exclude and the bootstrap re-rank. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/bootstrap.h"
#include "common/idset.h"
#include "common/rlist.h"
#include "common/toml.h"

static void resource_checks(const json_t *config)
{
    char err[512];
    struct resource_conf rc;
    struct rlist *rl;

    if (resource_conf_parse(config, &rc, err, sizeof(err)) < 0 || !rc.config)
        return;
    if (!(rl = rlist_from_config(rc.config, err, sizeof(err))))
        return;
    json_decref(rlist_properties(rl));
    if (rc.exclude)
        idset_destroy(resource_exclude_ranks(rc.exclude, rl, err, sizeof(err)));
    struct bootstrap_error berr;
    struct bootstrap *b = bootstrap_parse(config, NULL, &berr);
    if (b)
        (void)rlist_rerank(rl, b, err, sizeof(err));
    bootstrap_destroy(b);
    rlist_destroy(rl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    json_error_t jerr;

    /* as R text */
    rlist_destroy(rlist_from_R_text((const char *)data, size, err, sizeof(err)));

    /* as a [resource] table in JSON */
    json_t *o = json_loadb((const char *)data, size, 0, &jerr);
    if (json_is_object(o)) {
        json_t *config = json_pack("{s:O}", "resource", o);
        if (config)
            resource_checks(config);
        json_decref(config);
    }
    json_decref(o);

    /* as a TOML system config */
    struct toml_opts opts = { .flags = TOML_FLUX };
    struct toml_diag d;
    json_t *t = toml_parse((const char *)data, size, &opts, &d);
    if (t)
        resource_checks(t);
    json_decref(t);
    return 0;
}
