/* Flux's bind/connect URIs (src/common/fluxuri.c), split as 0MQ splits
 * them; every expected field written out. */
#include <string.h>

#include "common/fluxuri.h"
#include "tap.h"

int main(void)
{
    static const struct {
        const char *uri;
        int rc;
        bool ipc, bracketed, has_port;
        const char *host, *port;
        int portnum;
        const char *target;
    } cases[] = {
        { "tcp://eth0:8050", 0, false, false, true, "eth0", "8050", 8050, "eth0:8050" },
        { "tcp://10.0.0.1:0", 0, false, false, true, "10.0.0.1", "0", 0, "10.0.0.1:0" },
        { "tcp://*:8050", 0, false, false, true, "*", "8050", 8050, "*:8050" },
        { "tcp://[fe80::1]:8050", 0, false, true, true, "fe80::1", "8050", 8050, "[fe80::1]:8050" },
        { "tcp://[fe80::1]", 0, false, true, false, "fe80::1", "", -1, "[fe80::1]:" },
        { "tcp://fe80::1", 0, false, false, true, "fe80:", "1", 1, "[fe80:]:1" },
        { "tcp://node1", 0, false, false, false, "node1", "", -1, "node1:" },
        { "tcp://node1:-1", 0, false, false, true, "node1", "-1", -1, "node1:-1" },
        { "tcp://node1:65535", 0, false, false, true, "node1", "65535", 65535, "node1:65535" },
        { "tcp://node1:65536", 0, false, false, true, "node1", "65536", -1, "node1:65536" },
        { "tcp://node1:80x", 0, false, false, true, "node1", "80x", -1, "node1:80x" },
        { "tcp://node1:", 0, false, false, true, "node1", "", -1, "node1:" },
        { "ipc:///run/flux/local", 0, true, false, false, "/run/flux/local", "", -1,
          "/run/flux/local" },
        { "udp://node1:8050", -1 },
        { "node1:8050", -1 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fluxuri u;
        char buf[FLUXURI_MAX + 40];
        int rc = fluxuri_parse(cases[i].uri, &u);

        is_int(rc, cases[i].rc, "%s: %s", cases[i].uri, cases[i].rc ? "not a Flux URI" : "parses");
        if (rc < 0)
            continue;
        ok(u.ipc == cases[i].ipc && u.bracketed == cases[i].bracketed &&
               u.has_port == cases[i].has_port,
           "%s: ipc %d, bracketed %d, has_port %d", cases[i].uri, cases[i].ipc,
           cases[i].bracketed, cases[i].has_port);
        is(u.host, cases[i].host, "%s: host", cases[i].uri);
        is(u.port, cases[i].port, "%s: port as written", cases[i].uri);
        is_int(u.portnum, cases[i].portnum, "%s: port number", cases[i].uri);
        is(fluxuri_target(&u, buf, sizeof(buf)), cases[i].target, "%s: target", cases[i].uri);
    }
    return done_testing();
}
