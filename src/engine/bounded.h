/* Reading the node under the run's deadline, before the runner exists.
 *
 * The node context (the Flux configs, the flux user) and the gate's own
 * config are read before the first check starts. fileio keeps a FIFO or a
 * device from blocking those reads, but a filesystem that does not respond
 * (a dead NFS server holding the image or /etc) blocks any open() in the
 * kernel, where no timer reaches it. So that work runs in a child process:
 * fp_bounded() hands its result back as JSON, and gives up on a child that
 * has not answered by the deadline (it is killed and abandoned; one stuck in
 * the kernel stays behind, as the runner's do). The parent itself never
 * opens a file of the node outside the deadline.
 */
#ifndef FP_ENGINE_BOUNDED_H
#define FP_ENGINE_BOUNDED_H

#include <stddef.h>
#include <jansson.h>

/* Run FN(ARG, FD) in a child process that reports as it goes: FN sends one
 * JSON document per piece of work with fp_bounded_send(FD, doc) (which takes
 * the document), and returns 0 (or -1: it failed). *LINES gets, as a JSON
 * array, the documents that arrived by DEADLINE, also when the child did not
 * finish: the work done before a filesystem stopped answering is kept.
 * Returns 0 when the child finished, or -1 with ERR ("no answer by the run's
 * deadline", "the loader crashed (signal 11)", ...); *LINES may then be NULL
 * (out of memory, a malformed line). */
int fp_bounded_stream(double deadline, int (*fn)(void *arg, int fd), void *arg, json_t **lines,
                      char *err, size_t errsz);
void fp_bounded_send(int fd, json_t *doc);

/* Run FN(ARG) in a child process and return the JSON document it returned
 * (FN's document is sent back; NULL from FN is a failure). NULL with ERR
 * ("no answer within 30s", "the loader crashed (signal 11)", ...) when the
 * child did not answer by DEADLINE (CLOCK_MONOTONIC seconds, fp_now()) or
 * failed. */
json_t *fp_bounded(double deadline, json_t *(*fn)(void *arg), void *arg, char *err,
                   size_t errsz);

#endif
