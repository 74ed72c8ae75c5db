/* zcert: certificates laid out as `flux keygen` writes them (FLUX-FACTS
 * §12.a), with real X25519 keypairs, and every rule cert_read() enforces. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* asprintf; config.h defines it in the real build */
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/cleanup.h"
#include "common/zcert.h"
#include "tap.h"

struct keypair {
    char public[ZCERT_KEY_Z85_LEN + 1];
    char secret[ZCERT_KEY_Z85_LEN + 1];
};

/* A fresh keypair, as flux keygen makes with zmq_curve_keypair(). */
static int make_keypair(struct keypair *kp)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_X25519, NULL);
    EVP_PKEY *pkey = NULL;
    unsigned char pub[32], sec[32];
    size_t publen = sizeof(pub), seclen = sizeof(sec);
    int r = -1;

    if (ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &pkey) == 1
        && EVP_PKEY_get_raw_public_key(pkey, pub, &publen) == 1
        && EVP_PKEY_get_raw_private_key(pkey, sec, &seclen) == 1
        && zcert_z85_encode(pub, sizeof(pub), kp->public, sizeof(kp->public)) == 40
        && zcert_z85_encode(sec, sizeof(sec), kp->secret, sizeof(kp->secret)) == 40)
        r = 0;
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    return r;
}

/* The file flux keygen 0.88.0 wrote on host "vm" (§12.a), byte for byte
 * apart from the keys. */
static char *keygen_cert(const struct keypair *kp)
{
    char *s = NULL;

    if (asprintf(&s,
                 "#  ZeroMQ CURVE **Secret** Certificate\n"
                 "#  DO NOT DISTRIBUTE\n"
                 "\n"
                 "metadata\n"
                 "    name = \"vm\"\n"
                 "    keygen.flux-core-version = \"0.88.0\"\n"
                 "    keygen.hostname = \"vm\"\n"
                 "    keygen.time = \"2026-11-23T19:34:06\"\n"
                 "    keygen.userid = \"0\"\n"
                 "    keygen.zmq-version = \"4.3.4\"\n"
                 "curve\n"
                 "    public-key = \"%s\"\n"
                 "    secret-key = \"%s\"\n",
                 kp->public, kp->secret)
        < 0)
        return NULL;
    return s;
}

/* A cert with the given lines between the keygen header and the curve
 * section; "%P" and "%S" in a line are replaced by the keys. */
static char *cert_with(const struct keypair *kp, const char *body)
{
    char *s = NULL;

    if (asprintf(&s, "%scurve\n    public-key = \"%s\"\n    secret-key = \"%s\"\n", body, kp->public,
                 kp->secret)
        < 0)
        return NULL;
    return s;
}

static int parse_str(const char *s, struct zcert_info *info, int *line, char *err, size_t errsz)
{
    return zcert_parse(s, strlen(s), info, line, err, errsz);
}

static void check_reject(const char *what, const char *cert, int want_rc, int want_line, const char *want_err)
{
    struct zcert_info info;
    char err[256] = "";
    int line = -1;
    int r = parse_str(cert, &info, &line, err, sizeof(err));

    ok(r == want_rc && line == want_line, "%s: rejected with %s at line %d (got %d at line %d: %s)", what,
       strerror(-want_rc), want_line, r, line, err);
    if (want_err)
        is(err, want_err, "%s: the reason", what);
}

static void test_z85(void)
{
    /* ZeroMQ RFC 32 test vector */
    const unsigned char hello[8] = { 0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B };
    unsigned char buf[32];
    char txt[64];

    is_int(zcert_z85_encode(hello, 8, txt, sizeof(txt)), 10, "encode 8 bytes to 10 chars");
    is(txt, "HelloWorld", "RFC 32 vector encodes to HelloWorld");
    is_int(zcert_z85_decode("HelloWorld", 10, buf, sizeof(buf)), 8, "decode HelloWorld");
    ok(memcmp(buf, hello, 8) == 0, "RFC 32 vector decodes back");
    is_int(zcert_z85_decode("Hello", 5, buf, sizeof(buf)), 4, "decode one group");
    is_int(zcert_z85_decode("Hell", 4, buf, sizeof(buf)), -EINVAL, "length not a multiple of 5");
    is_int(zcert_z85_decode("Hell_", 5, buf, sizeof(buf)), -EINVAL, "'_' is not Z85");
    is_int(zcert_z85_decode("Hell\"", 5, buf, sizeof(buf)), -EINVAL, "'\"' is not Z85");
    is_int(zcert_z85_decode("#####", 5, buf, sizeof(buf)), -EINVAL, "a group above 2^32-1 is refused");
    is_int(zcert_z85_decode("%nSc0", 5, buf, sizeof(buf)), 4, "%%nSc0 is 2^32-1");
    ok(buf[0] == 0xff && buf[1] == 0xff && buf[2] == 0xff && buf[3] == 0xff, "and decodes to ff ff ff ff");
    is_int(zcert_z85_decode("%nSc1", 5, buf, sizeof(buf)), -EINVAL, "%%nSc1 is 2^32, refused");
    is_int(zcert_z85_decode("HelloWorld", 10, buf, 7), -ENOBUFS, "decode into a short buffer");
    is_int(zcert_z85_encode(hello, 7, txt, sizeof(txt)), -EINVAL, "encode length not a multiple of 4");
    is_int(zcert_z85_encode(hello, 8, txt, 10), -ENOBUFS, "encode needs room for the NUL");
    is_int(zcert_z85_decode("", 0, buf, sizeof(buf)), 0, "decode nothing");
}

/* The test keys of zmq_curve(7): a pair libzmq itself derived. */
static void test_known_keys(void)
{
    const struct keypair client = { "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
                                    "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs" };
    const struct keypair server = { "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
                                    "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6" };
    const struct keypair mixed = { "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID",
                                   "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6" };
    struct zcert_info info;
    _cleanup_free_ char *c1 = keygen_cert(&client), *c2 = keygen_cert(&server), *c3 = keygen_cert(&mixed);

    ok(parse_str(c1, &info, NULL, NULL, 0) == 0 && info.pair_checked && info.pair_ok,
       "zmq_curve(7) client keys are a pair");
    ok(parse_str(c2, &info, NULL, NULL, 0) == 0 && info.pair_checked && info.pair_ok,
       "zmq_curve(7) server keys are a pair");
    ok(parse_str(c3, &info, NULL, NULL, 0) == 0 && info.pair_checked && !info.pair_ok,
       "client public + server secret is not a pair");
}

static void test_keygen_layout(void)
{
    struct keypair kp, other;
    struct zcert_info info;
    char err[256] = "x";
    int line = -1;

    if (!ok(make_keypair(&kp) == 0 && make_keypair(&other) == 0, "OpenSSL makes X25519 keypairs"))
        return;
    _cleanup_free_ char *cert = keygen_cert(&kp);
    is_int(parse_str(cert, &info, &line, err, sizeof(err)), 0, "flux keygen layout parses");
    is_int(line, 0, "no offending line");
    is(err, "", "no error text");
    ok(info.has_name && strcmp(info.name, "vm") == 0, "name is vm");
    is(info.public_z85, kp.public, "public key text");
    ok(info.pair_checked && info.pair_ok, "public key derives from secret key");
    unsigned char pub[32];
    ok(zcert_z85_decode(kp.public, 40, pub, sizeof(pub)) == 32 && memcmp(pub, info.public_key, 32) == 0,
       "public key bytes");

    /* the same keys in a different order of sections and keys */
    _cleanup_free_ char *swapped = NULL;
    ok(asprintf(&swapped, "curve\n\tsecret-key=\"%s\"\n\tpublic-key = \"%s\"\nmetadata\n\tname = \"n1\"\n",
                kp.secret, kp.public)
           > 0,
       "build a reordered cert");
    ok(parse_str(swapped, &info, NULL, NULL, 0) == 0 && info.pair_ok && strcmp(info.name, "n1") == 0,
       "curve first, tabs, no blanks around '=' also parse");

    _cleanup_free_ char *noname = cert_with(&kp, "");
    ok(parse_str(noname, &info, NULL, NULL, 0) == 0 && !info.has_name && info.pair_ok,
       "metadata is optional; no name");

    /* a keypair whose halves come from two different keys */
    struct keypair bad = kp;
    memcpy(bad.secret, other.secret, sizeof(bad.secret));
    _cleanup_free_ char *mismatch = keygen_cert(&bad);
    ok(parse_str(mismatch, &info, &line, err, sizeof(err)) == 0 && info.pair_checked && !info.pair_ok,
       "mismatched keypair parses but pair_ok is false");

    /* comments and blank lines anywhere, CRLF line ends, no final newline */
    _cleanup_free_ char *crlf = NULL;
    ok(asprintf(&crlf, "# c\r\n\r\nmetadata\r\n    # indented comment\r\n    name = \"vm\"\r\n   \t \r\n"
                       "curve\r\n    public-key = \"%s\"\r\n    secret-key = \"%s\"",
                kp.public, kp.secret)
           > 0,
       "build a CRLF cert");
    ok(parse_str(crlf, &info, NULL, NULL, 0) == 0 && info.pair_ok && strcmp(info.name, "vm") == 0,
       "CRLF, comments, blank lines and a missing final newline are accepted");

    /* a metadata value with every allowed punctuation character */
    _cleanup_free_ char *punct = cert_with(&kp, "metadata\n    x.y-z = \"a Z9\t.-:+=^!/*?&<>()[]{}@%$#\"\n");
    ok(parse_str(punct, &info, NULL, NULL, 0) == 0, "every allowed value character is accepted");
    _cleanup_free_ char *empty_value = cert_with(&kp, "metadata\n    name = \"\"\n");
    ok(parse_str(empty_value, &info, NULL, NULL, 0) == 0 && info.has_name && info.name[0] == '\0',
       "an empty value is accepted");
}

static void test_line_length(void)
{
    struct keypair kp;
    char body[600];
    char value[420];

    if (!ok(make_keypair(&kp) == 0, "keypair"))
        return;
    /* "    name = \"" is 12 bytes, closing quote 1, newline 1: 241 value bytes = 255 */
    memset(value, 'a', 241);
    value[241] = '\0';
    snprintf(body, sizeof(body), "metadata\n    name = \"%s\"\n", value);
    _cleanup_free_ char *fits = cert_with(&kp, body);
    ok(parse_str(fits, &(struct zcert_info){ 0 }, NULL, NULL, 0) == 0, "a 255-byte line (newline included) is accepted");
    memset(value, 'a', 242);
    value[242] = '\0';
    snprintf(body, sizeof(body), "metadata\n    name = \"%s\"\n", value);
    _cleanup_free_ char *toolong = cert_with(&kp, body);
    check_reject("256-byte line", toolong, -EINVAL, 2, "line 2: line is longer than 255 bytes");
    memset(value, 'a', 400);
    value[400] = '\0';
    snprintf(body, sizeof(body), "metadata\n    name = \"%s\"\n", value);
    _cleanup_free_ char *waytoolong = cert_with(&kp, body);
    check_reject("400-byte line", waytoolong, -EINVAL, 2, NULL);
}

static void test_rejections(void)
{
    struct keypair kp;
    struct zcert_info info;

    if (!ok(make_keypair(&kp) == 0, "keypair"))
        return;

    check_reject("empty file", "", -EINVAL, 0, "no public-key in a curve section");
    check_reject("comments only", "# nothing\n\n", -EINVAL, 0, NULL);
    check_reject("garbage", "\x7f" "ELF\x02\x01\x01\n", -EINVAL, 1, NULL);
    ok(zcert_parse("metadata\n\0", 10, &info, NULL, NULL, 0) == -EINVAL, "embedded NUL byte is refused");

    _cleanup_free_ char *s1 = cert_with(&kp, "metadata\n    name = \"node_1\"\n");
    check_reject("underscore in value", s1, -EINVAL, 2, "line 2: value of 'name' contains invalid character '_'");
    _cleanup_free_ char *s2 = cert_with(&kp, "metadata\n    na_me = \"x\"\n");
    check_reject("underscore in key", s2, -EINVAL, 2, "line 2: key contains invalid character '_'");
    _cleanup_free_ char *s3 = cert_with(&kp, "metadata\n    name = \"a,b\"\n");
    check_reject("comma in value", s3, -EINVAL, 2, NULL);
    _cleanup_free_ char *s4 = cert_with(&kp, "metadata\n    name = \"it's\"\n");
    check_reject("quote in value", s4, -EINVAL, 2, NULL);
    _cleanup_free_ char *s5 = cert_with(&kp, "metadata\n    name = vm\n");
    check_reject("unquoted value", s5, -EINVAL, 2, "line 2: value of 'name' is not in double quotes");
    _cleanup_free_ char *s6 = cert_with(&kp, "metadata\n    name = \"vm\n");
    check_reject("unterminated value", s6, -EINVAL, 2, "line 2: value of 'name' has no closing quote");
    _cleanup_free_ char *s7 = cert_with(&kp, "metadata\n    name = \"vm\" # x\n");
    check_reject("text after value", s7, -EINVAL, 2, NULL);
    _cleanup_free_ char *s8 = cert_with(&kp, "metadata\n    name \"vm\"\n");
    check_reject("missing '='", s8, -EINVAL, 2, "line 2: expected '=' after key 'name'");
    _cleanup_free_ char *s9 = cert_with(&kp, "metadata\n    = \"vm\"\n");
    check_reject("missing key", s9, -EINVAL, 2, NULL);
    _cleanup_free_ char *s10 = cert_with(&kp, "metadata\n    name = \"a\"\n    name = \"b\"\n");
    check_reject("duplicate metadata key", s10, -EEXIST, 3, "line 3: duplicate metadata key 'name'");
    _cleanup_free_ char *s11 = cert_with(&kp, "metadata\nname = \"vm\"\n");
    check_reject("unindented entry", s11, -EINVAL, 2, NULL);
    _cleanup_free_ char *s12 = cert_with(&kp, "    name = \"vm\"\n");
    check_reject("entry before any section", s12, -EINVAL, 1, NULL);
    _cleanup_free_ char *s13 = cert_with(&kp, "Metadata\n");
    check_reject("section names are case-sensitive", s13, -EINVAL, 1, NULL);
    _cleanup_free_ char *s14 = cert_with(&kp, "  metadata\n");
    check_reject("indented section name", s14, -EINVAL, 1, NULL);
    _cleanup_free_ char *s15 = cert_with(&kp, "[metadata]\n");
    check_reject("INI-style section", s15, -EINVAL, 1, NULL);

    char buf[512];
    snprintf(buf, sizeof(buf), "curve\n    public-key = \"%s\"\n", kp.public);
    check_reject("no secret-key", buf, -EINVAL, 0, "no secret-key in a curve section");
    snprintf(buf, sizeof(buf), "curve\n    secret-key = \"%s\"\n", kp.secret);
    check_reject("no public-key", buf, -EINVAL, 0, "no public-key in a curve section");
    snprintf(buf, sizeof(buf), "metadata\n    public-key = \"%s\"\n    secret-key = \"%s\"\n", kp.public, kp.secret);
    check_reject("keys in metadata only", buf, -EINVAL, 0, NULL);
    snprintf(buf, sizeof(buf), "curve\n    public-key = \"%s\"\n    public-key = \"%s\"\n    secret-key = \"%s\"\n",
             kp.public, kp.public, kp.secret);
    check_reject("duplicate public-key", buf, -EEXIST, 3, NULL);
    snprintf(buf, sizeof(buf), "curve\n    public-key = \"%s\"\n    secret-key = \"%s\"\n    name = \"vm\"\n",
             kp.public, kp.secret);
    check_reject("other key in curve", buf, -EINVAL, 4, NULL);
    snprintf(buf, sizeof(buf), "curve\n    public-key = \"%.39s\"\n    secret-key = \"%s\"\n", kp.public, kp.secret);
    check_reject("39-char public-key", buf, -EINVAL, 2, "line 2: public-key is 39 characters long, a Z85 key is 40");
    snprintf(buf, sizeof(buf), "curve\n    public-key = \"%sA\"\n    secret-key = \"%s\"\n", kp.public, kp.secret);
    check_reject("41-char public-key", buf, -EINVAL, 2, NULL);
    snprintf(buf, sizeof(buf), "curve\n    public-key = \"%s\"\n    secret-key = \"#####%.35s\"\n", kp.public,
             kp.secret);
    check_reject("secret-key not Z85", buf, -EINVAL, 3, "line 3: secret-key is not valid Z85");
    snprintf(buf, sizeof(buf), "curve\n    public-key = \"%s\"\n    secret-key = \"_%.39s\"\n", kp.public,
             kp.secret);
    check_reject("secret-key bad char", buf, -EINVAL, 3,
                 "line 3: value of 'secret-key' contains an invalid character");

    /* the error text never quotes the secret */
    char err[256];
    snprintf(buf, sizeof(buf), "curve\n    public-key = \"%s\"\n    secret-key = \"%s\" x\n", kp.public,
             kp.secret);
    ok(parse_str(buf, &info, NULL, err, sizeof(err)) == -EINVAL && !strstr(err, kp.secret),
       "errors on the secret-key line do not quote it (%s)", err);
    snprintf(buf, sizeof(buf), "curve\n    public-key = \"%s\"\nsecret-key = \"%s\"\n", kp.public, kp.secret);
    ok(parse_str(buf, &info, NULL, err, sizeof(err)) == -EINVAL && !strstr(err, kp.secret),
       "an unindented secret-key line is refused without quoting it (%s)", err);
    ok(zcert_parse(NULL, 0, &info, NULL, NULL, 0) == -EINVAL, "NULL buffer of length 0 is an empty file");
}

int main(void)
{
    test_z85();
    test_known_keys();
    test_keygen_layout();
    test_line_length();
    test_rejections();
    return done_testing();
}
