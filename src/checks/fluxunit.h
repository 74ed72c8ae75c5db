/* What systemd shows when the broker fails under flux-core's flux.service
 * (Type=notify, Restart=always, RestartSec=30s, SuccessExitStatus=42,
 * RestartPreventExitStatus=42), as observed with flux-core 0.88.0 and
 * systemd 252 (FLUX-FACTS §12.e, §13).  Every message that says what will
 * happen to flux.service uses one of these, so they all say the same. */
#ifndef FP_CHECKS_FLUXUNIT_H
#define FP_CHECKS_FLUXUNIT_H

/* config file, [bootstrap] and statedir errors: exit 1, restarted */
#define FLUXUNIT_EXIT1                                                                      \
    "the broker exits 1: flux.service fails and systemd starts it again every 30 s "     \
    "(Restart=always, RestartSec=30s), failing the same way each time"

/* rc1 failures (resource, content-sqlite, job-ingest): exit 42 after READY=1 */
#define FLUXUNIT_RC1_EXIT42                                                                 \
    "rc1 fails and the broker exits 42, which flux.service counts as success "           \
    "(SuccessExitStatus=42): systemd logs \"flux.service: Deactivated successfully.\", " \
    "the unit is inactive with Result=success and is never restarted "                   \
    "(RestartPreventExitStatus=42): the node stays down unnoticed"

/* overlay failures (cert, [tbon], topology): exit 42 before READY=1 */
#define FLUXUNIT_OVERLAY_EXIT42                                                             \
    "the broker exits 42 before it is ready: flux.service (Type=notify) fails with "     \
    "Result=protocol, the start job fails, and it is not restarted "                     \
    "(RestartPreventExitStatus=42)"

#endif
