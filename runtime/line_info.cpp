// runtime/line_info.cpp: file:line of a code address from the DWARF line
// table (.debug_line, versions 2 to 5) of the module that holds it, for
// backtraces (line_info.h).
//
// Why not a library or addr2line: this runs in fatal paths (a stack
// overflow, a fault), on the system stack or a signal stack, possibly in
// a process whose heap is corrupt. It allocates nothing: it maps the
// module's file read-only once (kept for later lookups), reads the line
// program with bounds checks and writes into the caller's buffer. libdw or
// libbacktrace would allocate and are not part of every system; addr2line
// would mean fork and exec from a dying process and is not installed
// everywhere (binutils).
#include "line_info.h"

#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace morestack {
namespace {

struct Bytes {
  const uint8_t *p = nullptr, *end = nullptr;
  bool ok() const { return p && p <= end; }
  size_t left() const { return p && p <= end ? (size_t)(end - p) : 0; }
};

struct Module {
  uintptr_t fbase = 0;  // dli_fbase: where the ELF header is mapped
  uintptr_t bias = 0;   // load address - link address
  bool tried = false;
  Bytes line, line_str, str;
};

constexpr size_t kModules = 16;
Module modules[kModules];
uint8_t modules_lock;

uint64_t get(Bytes &b, size_t n) {
  if (b.left() < n) {
    b.p = b.end + 1;  // marks the reader failed
    return 0;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= (uint64_t)b.p[i] << (8 * i);
  b.p += n;
  return v;
}

uint64_t uleb(Bytes &b) {
  uint64_t v = 0;
  for (unsigned shift = 0; b.left(); shift += 7) {
    uint8_t c = *b.p++;
    if (shift < 64) v |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80)) return v;
  }
  b.p = b.end + 1;
  return 0;
}

int64_t sleb(Bytes &b) {
  int64_t v = 0;
  unsigned shift = 0;
  uint8_t c = 0;
  do {
    if (!b.left()) {
      b.p = b.end + 1;
      return 0;
    }
    c = *b.p++;
    if (shift < 64) v |= (int64_t)(c & 0x7f) << shift;
    shift += 7;
  } while (c & 0x80);
  if (shift < 64 && (c & 0x40)) v |= -((int64_t)1 << shift);
  return v;
}

const char *cstr(Bytes &b) {
  const char *s = (const char *)b.p;
  while (b.left() && *b.p) ++b.p;
  if (!b.left()) {
    b.p = b.end + 1;
    return "";
  }
  ++b.p;
  return s;
}

const char *string_at(const Bytes &section, uint64_t offset) {
  if (offset >= section.left()) return "";
  const char *s = (const char *)section.p + offset;
  if (!memchr(s, 0, section.left() - offset)) return "";
  return s;
}

void load(Module &m, const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat st;
  void *map = MAP_FAILED;
  if (fstat(fd, &st) == 0 && st.st_size > (off_t)sizeof(Elf64_Ehdr))
    map = mmap(nullptr, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) return;
  const uint8_t *base = (const uint8_t *)map;
  const size_t size = (size_t)st.st_size;
  const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
  if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
      eh->e_shoff == 0 || eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr) > size ||
      eh->e_shstrndx >= eh->e_shnum || eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > size) {
    munmap(map, size);
    return;
  }
  // The link address of the mapped ELF header: the first loadable segment's
  // address minus its file offset.
  const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
  uintptr_t first_vaddr = 0;
  for (unsigned i = 0; i < eh->e_phnum; ++i)
    if (ph[i].p_type == PT_LOAD) {
      first_vaddr = ph[i].p_vaddr - ph[i].p_offset;
      break;
    }
  m.bias = m.fbase - first_vaddr;
  const Elf64_Shdr *sh = (const Elf64_Shdr *)(base + eh->e_shoff);
  const Elf64_Shdr &names = sh[eh->e_shstrndx];
  for (unsigned i = 0; i < eh->e_shnum; ++i) {
    if (sh[i].sh_type == SHT_NOBITS || (sh[i].sh_flags & SHF_COMPRESSED)) continue;
    if (sh[i].sh_offset + sh[i].sh_size > size || sh[i].sh_name >= names.sh_size) continue;
    const char *name = (const char *)base + names.sh_offset + sh[i].sh_name;
    Bytes b = {base + sh[i].sh_offset, base + sh[i].sh_offset + sh[i].sh_size};
    if (!strcmp(name, ".debug_line")) m.line = b;
    else if (!strcmp(name, ".debug_line_str")) m.line_str = b;
    else if (!strcmp(name, ".debug_str")) m.str = b;
  }
  // The mapping stays: later lookups need it, and it costs address space only.
}

Module *module_of(uintptr_t pc) {
  Dl_info info;
  if (!dladdr((void *)pc, &info) || !info.dli_fbase) return nullptr;
  const uintptr_t fbase = (uintptr_t)info.dli_fbase;
  while (__atomic_exchange_n(&modules_lock, 1, __ATOMIC_ACQUIRE)) {
  }
  Module *m = nullptr;
  for (Module &slot : modules) {
    if (slot.fbase == fbase || !slot.fbase) {
      m = &slot;
      break;
    }
  }
  if (m && !m->tried) {
    m->fbase = fbase;
    m->tried = true;
    // The main program (which holds the runtime) is named "" or argv[0]
    // by dladdr; /proc/self/exe is its file.
    const char *path = info.dli_fname;
    Dl_info self;
    if (!path || !*path ||
        (dladdr((void *)&source_line, &self) && self.dli_fbase == info.dli_fbase))
      path = "/proc/self/exe";
    load(*m, path);
  }
  __atomic_store_n(&modules_lock, 0, __ATOMIC_RELEASE);
  return m;
}

// One entry of a DWARF 5 directory or file table, by its format.
struct Entry {
  const char *path = "";
  uint64_t dir = 0;
};

bool skip_or_read(Bytes &b, uint64_t form, uint64_t content, Entry &e, const Module &m,
                  bool offset64) {
  uint64_t v = 0;
  const char *s = nullptr;
  switch (form) {
  case 0x08: s = cstr(b); break;                                    // DW_FORM_string
  case 0x1f: s = string_at(m.line_str, get(b, offset64 ? 8 : 4)); break;  // line_strp
  case 0x0e: s = string_at(m.str, get(b, offset64 ? 8 : 4)); break;       // strp
  case 0x0f: v = uleb(b); break;                                    // udata
  case 0x0b: v = get(b, 1); break;                                  // data1
  case 0x05: v = get(b, 2); break;                                  // data2
  case 0x06: v = get(b, 4); break;                                  // data4
  case 0x07: v = get(b, 8); break;                                  // data8
  case 0x1e: get(b, 8); get(b, 8); break;                           // data16 (MD5)
  case 0x09: { uint64_t n = uleb(b); if (n > b.left()) return false; b.p += n; break; }  // block
  default: return false;
  }
  if (content == 1 && s) e.path = s;  // DW_LNCT_path
  if (content == 2) e.dir = v;        // DW_LNCT_directory_index
  return b.ok();
}

// Walk a DWARF 5 entry table; with `want` < count, stop at that entry.
bool v5_table(Bytes &b, const Module &m, bool offset64, uint64_t want, Entry *found) {
  uint8_t nformats = (uint8_t)get(b, 1);
  uint64_t formats[16][2];
  if (nformats > 16) return false;
  for (unsigned i = 0; i < nformats; ++i) {
    formats[i][0] = uleb(b);
    formats[i][1] = uleb(b);
  }
  uint64_t count = uleb(b);
  for (uint64_t n = 0; n < count && b.ok(); ++n) {
    Entry e;
    for (unsigned i = 0; i < nformats; ++i)
      if (!skip_or_read(b, formats[i][1], formats[i][0], e, m, offset64)) return false;
    if (n == want && found) *found = e;
  }
  return b.ok();
}

void format_path(const char *dir, const char *file, char *buf, size_t len) {
  if (file[0] == '/' || !dir || !dir[0]) snprintf(buf, len, "%s", file);
  else snprintf(buf, len, "%s/%s", dir, file);
}

// Look for `addr` in one line-number program; true and buf filled if found.
bool search_unit(Bytes unit, bool offset64, const Module &m, uint64_t addr, char *buf, size_t len) {
  const uint16_t version = (uint16_t)get(unit, 2);
  if (version < 2 || version > 5) return false;
  if (version >= 5) {
    if (get(unit, 1) != 8) return false;  // address size
    get(unit, 1);                         // segment selector size
  }
  const uint64_t header_length = get(unit, offset64 ? 8 : 4);
  if (!unit.ok() || header_length > unit.left()) return false;
  Bytes program = {unit.p + header_length, unit.end};
  const uint8_t min_inst = (uint8_t)get(unit, 1);
  if (version >= 4) get(unit, 1);  // maximum operations per instruction (VLIW only)
  const bool default_is_stmt = get(unit, 1) != 0;
  const int8_t line_base = (int8_t)get(unit, 1);
  const uint8_t line_range = (uint8_t)get(unit, 1);
  const uint8_t opcode_base = (uint8_t)get(unit, 1);
  if (!unit.ok() || line_range == 0 || opcode_base == 0) return false;
  const uint8_t *lengths = unit.p;
  unit.p += opcode_base - 1;
  const Bytes tables = unit;  // directories, then files

  uint64_t address = 0, file = 1, line = 1;
  bool found = false;
  uint64_t found_file = 0, found_line = 0;
  uint64_t prev_address = 0, prev_file = 0, prev_line = 0;
  bool have_prev = false;
  (void)default_is_stmt;
  auto row = [&](bool end) {
    if (have_prev && prev_address <= addr && addr < address) {
      found = true;
      found_file = prev_file;
      found_line = prev_line;
    }
    have_prev = !end;
    prev_address = address;
    prev_file = file;
    prev_line = line;
  };
  Bytes b = program;
  while (b.left() && !found) {
    const uint8_t op = (uint8_t)get(b, 1);
    if (op >= opcode_base) {
      const uint8_t adj = op - opcode_base;
      address += (uint64_t)(adj / line_range) * min_inst;
      line += line_base + adj % line_range;
      row(false);
    } else if (op == 0) {
      const uint64_t n = uleb(b);
      if (!b.ok() || n == 0 || n > b.left()) break;
      Bytes ext = {b.p, b.p + n};
      b.p += n;
      const uint8_t sub = (uint8_t)get(ext, 1);
      if (sub == 1) {  // end_sequence
        row(true);
        address = 0;
        file = 1;
        line = 1;
      } else if (sub == 2) {  // set_address
        address = get(ext, 8);
      }
    } else {
      switch (op) {
      case 1: row(false); break;                                      // copy
      case 2: address += uleb(b) * min_inst; break;                   // advance_pc
      case 3: line += sleb(b); break;                                 // advance_line
      case 4: file = uleb(b); break;                                  // set_file
      case 8: address += (uint64_t)((255 - opcode_base) / line_range) * min_inst; break;
      case 9: address += get(b, 2); break;                            // fixed_advance_pc
      default:
        for (uint8_t i = 0; i < lengths[op - 1]; ++i) uleb(b);
      }
    }
  }
  // Line 0: code of no line (the split-stack prologue's call is one).
  if (!found || found_line == 0) return false;

  // The file's name, from the tables.
  Bytes t = tables;
  if (version >= 5) {
    Entry dir, f;
    Bytes dirs = t;
    if (!v5_table(t, m, offset64, ~0ull, nullptr)) return false;
    if (!v5_table(t, m, offset64, found_file, &f)) return false;
    v5_table(dirs, m, offset64, f.dir, &dir);
    char path[384];
    format_path(dir.path, f.path, path, sizeof path);
    snprintf(buf, len, "%s:%llu", path, (unsigned long long)found_line);
    return true;
  }
  const char *dirs[64];
  size_t ndirs = 0;
  for (;;) {
    const char *d = cstr(t);
    if (!t.ok() || !*d) break;
    if (ndirs < 64) dirs[ndirs++] = d;
  }
  for (uint64_t n = 1; t.ok(); ++n) {
    const char *name = cstr(t);
    if (!t.ok() || !*name) break;
    const uint64_t d = uleb(t);
    uleb(t);
    uleb(t);
    if (n == found_file) {
      char path[384];
      format_path(d >= 1 && d <= ndirs ? dirs[d - 1] : nullptr, name, path, sizeof path);
      snprintf(buf, len, "%s:%llu", path, (unsigned long long)found_line);
      return true;
    }
  }
  snprintf(buf, len, "?:%llu", (unsigned long long)found_line);
  return true;
}

} // namespace

bool source_line(uintptr_t pc, char *buf, size_t len) {
  if (len) buf[0] = 0;
  Module *m = module_of(pc);
  if (!m || !m->line.p) return false;
  const uint64_t addr = pc - m->bias;
  Bytes all = m->line;
  while (all.left() >= 4) {
    uint64_t length = get(all, 4);
    bool offset64 = false;
    if (length == 0xffffffff) {
      length = get(all, 8);
      offset64 = true;
    }
    if (!all.ok() || length > all.left()) break;
    Bytes unit = {all.p, all.p + length};
    all.p += length;
    if (search_unit(unit, offset64, *m, addr, buf, len)) return true;
  }
  if (len) buf[0] = 0;
  return false;
}

} // namespace morestack
