#!/usr/bin/env python3
"""mkelf.py OUT [--soname NAME] [NEEDED...]: write a minimal ELF64 x86-64 shared object.

It carries only what a reader of the dynamic section needs (a PT_LOAD of the
whole file, PT_DYNAMIC with DT_NEEDED for each NEEDED, DT_SONAME, DT_STRTAB,
DT_STRSZ), so a fixture can stand in for a Flux module or library that links
(or does not link) a given library: `readelf -d OUT` lists the same. It cannot
be loaded or run; nothing in the tests tries to.
"""
import struct
import sys

PT_LOAD, PT_DYNAMIC = 1, 2
DT_NULL, DT_NEEDED, DT_STRTAB, DT_STRSZ, DT_SONAME = 0, 1, 5, 10, 14
BASE = 0x10000


def build(needed, soname):
    strtab = b"\0"
    offs = []
    for name in needed:
        offs.append(len(strtab))
        strtab += name.encode() + b"\0"
    so_off = None
    if soname:
        so_off = len(strtab)
        strtab += soname.encode() + b"\0"
    dyn = [(DT_NEEDED, o) for o in offs]
    if so_off is not None:
        dyn.append((DT_SONAME, so_off))
    ehsize, phsize = 64, 56
    phoff = ehsize
    dynoff = phoff + 2 * phsize
    stroff = dynoff + (len(dyn) + 3) * 16
    dyn += [(DT_STRTAB, BASE + stroff), (DT_STRSZ, len(strtab)), (DT_NULL, 0)]
    total = stroff + len(strtab)

    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)  # ELFCLASS64, LSB, EV_CURRENT
    # e_type ET_DYN, e_machine EM_X86_64, e_version, e_entry, e_phoff, e_shoff,
    # e_flags, e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx
    eh = ident + struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, phoff, 0, 0, ehsize, phsize, 2,
                             64, 0, 0)
    # p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align
    ph = struct.pack("<IIQQQQQQ", PT_LOAD, 5, 0, BASE, BASE, total, total, 0x1000)
    dsize = len(dyn) * 16
    ph += struct.pack("<IIQQQQQQ", PT_DYNAMIC, 6, dynoff, BASE + dynoff, BASE + dynoff, dsize,
                      dsize, 8)
    body = b"".join(struct.pack("<qQ", t, v) for t, v in dyn)
    out = eh + ph + body + strtab
    assert len(out) == total
    return out


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: mkelf.py OUT [--soname NAME] [NEEDED...]")
    out, rest, soname = argv[1], argv[2:], None
    if rest[:1] == ["--soname"]:
        soname, rest = rest[1], rest[2:]
    with open(out, "wb") as f:
        f.write(build(rest, soname))


if __name__ == "__main__":
    main(sys.argv)
