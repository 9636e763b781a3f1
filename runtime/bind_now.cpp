// runtime/bind_now.cpp: bind the libraries' lazy PLT slots at start-up.
//
// glibc, libstdc++ and libgcc_s are linked for lazy binding: the first call
// through each of their PLT slots (libstdc++'s operator delete calling free,
// __cxa_throw calling _Unwind_RaiseException) runs the dynamic linker's
// resolver on the caller's stack, about 3 KiB here (it saves the AVX-512
// state). A library function is called from small stacks with only its
// measured need kept free (plugin/LibraryStackNeeds.inc), so that cost
// would either be counted in every entry or overflow a fiber. Instead the
// runtime binds every such slot before code runs on managed stacks, as
// LD_BIND_NOW=1 would have: when __libc_start_main starts, and when a module
// built with the plugin is registered (a dlopen brings its libraries). The
// stack-needs tool links this file and binds the same way before it
// measures, so the table assumes exactly this.
//
// What the dynamic linker would bind a slot to, and how this finds it:
// - The lookup scope of modules loaded at start-up, or with a module built
//   with the plugin, is the global scope: dlsym(RTLD_DEFAULT) from the
//   executable searches the same objects in the same order.
// - A versioned reference (libstdc++'s memcpy@GLIBC_2.14) takes the first
//   definition in the scope that has that version or is unversioned (an
//   interposer such as the runtime's _Unwind_RaiseException). dlvsym finds
//   the first exact version; dlsym the first definition of the name, which
//   wins if it is an unversioned one.
// - IFUNCs: dlsym and dlvsym run the resolver and return its choice.
// Modules bound at load (-z now: their GOT is read-only after relocation)
// and modules that search themselves first (DT_SYMBOLIC) are left alone, as
// is any slot whose definition is not found (a weak undefined function:
// the resolver would fail on it too). The check that this matches the
// dynamic linker: bind_loaded_modules(true) under LD_BIND_NOW=1
// (test/unit/bind_now_test.cpp compares every slot).
//
// Invariants:
// - A slot is written only while it still points into its own module's
//   code (the PLT stub that calls the resolver), or into its own module's
//   code at a different address than the lookup (a self-call not yet bound
//   elsewhere); a slot the resolver already bound elsewhere is never
//   touched.
// - Writes are single aligned 8-byte stores, as the resolver's own.
// - Nothing here allocates (verify's messages aside): dl_iterate_phdr,
//   dlsym, dlvsym, dladdr1 only; no dynamic-linker lookup runs inside
//   dl_iterate_phdr's callback.
#include "bind_now.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

namespace morestack {
namespace {

struct Module {
  uintptr_t base = 0;
  const ElfW(Sym) *symtab = nullptr;
  const char *strtab = nullptr;
  const ElfW(Half) *versym = nullptr;
  const ElfW(Verneed) *verneed = nullptr;
  const ElfW(Rela) *jmprel = nullptr;
  size_t jmprel_size = 0;
  bool rela = true, now = false, symbolic = false;
};

// glibc relocates the dynamic section's addresses in place (x86-64); other
// loaders may not: an address below the load base is still unrelocated.
uintptr_t address(uintptr_t base, uintptr_t v) { return v < base ? v + base : v; }

Module parse(uintptr_t base, const ElfW(Dyn) *d) {
  Module m;
  m.base = base;
  for (; d->d_tag != DT_NULL; ++d) {
    uintptr_t v = d->d_un.d_ptr;
    switch (d->d_tag) {
    case DT_SYMTAB: m.symtab = (const ElfW(Sym) *)address(base, v); break;
    case DT_STRTAB: m.strtab = (const char *)address(base, v); break;
    case DT_VERSYM: m.versym = (const ElfW(Half) *)address(base, v); break;
    case DT_VERNEED: m.verneed = (const ElfW(Verneed) *)address(base, v); break;
    case DT_JMPREL: m.jmprel = (const ElfW(Rela) *)address(base, v); break;
    case DT_PLTRELSZ: m.jmprel_size = d->d_un.d_val; break;
    case DT_PLTREL: m.rela = d->d_un.d_val == DT_RELA; break;
    case DT_BIND_NOW: m.now = true; break;
    case DT_SYMBOLIC: m.symbolic = true; break;
    case DT_FLAGS:
      if (d->d_un.d_val & DF_BIND_NOW) m.now = true;
      if (d->d_un.d_val & DF_SYMBOLIC) m.symbolic = true;
      break;
    case DT_FLAGS_1:
      if (d->d_un.d_val & DF_1_NOW) m.now = true;
      break;
    }
  }
  return m;
}

// The version an undefined symbol asks for, or null for any.
const char *version_of(const Module &m, size_t sym) {
  if (!m.versym || !m.verneed) return nullptr;
  ElfW(Half) want = m.versym[sym] & 0x7fff;
  if (want < 2) return nullptr;  // local or global: unversioned
  const char *p = (const char *)m.verneed;
  for (;;) {
    const ElfW(Verneed) *vn = (const ElfW(Verneed) *)p;
    const char *a = p + vn->vn_aux;
    for (unsigned i = 0; i < vn->vn_cnt; ++i) {
      const ElfW(Vernaux) *aux = (const ElfW(Vernaux) *)a;
      if (aux->vna_other == want) return m.strtab + aux->vna_name;
      a += aux->vna_next;
    }
    if (!vn->vn_next) return nullptr;
    p += vn->vn_next;
  }
}

// Whether `addr`, which dlsym found for `name`, is an unversioned
// definition. (The symbol dladdr1 names may be an alias of `name` at the
// same address: a sanitizer's `free` is an alias of its
// __interceptor_trampoline_free, and binding libstdc++'s free to glibc's
// while its malloc went to the sanitizer's broke every C++ program.)
bool unversioned_definition(void *addr, const char *name) {
  (void)name;
  Dl_info info;
  const ElfW(Sym) *sym = nullptr;
  struct link_map *lm = nullptr;
  if (!dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym || !info.dli_sname)
    return false;
  if (!dladdr1(addr, &info, (void **)&lm, RTLD_DL_LINKMAP) || !lm) return false;
  Module def = parse(lm->l_addr, lm->l_ld);
  if (!def.symtab || (uintptr_t)def.base + sym->st_value != (uintptr_t)addr) return false;
  return !def.versym || (def.versym[sym - def.symtab] & 0x7fff) <= 1;
}

// What the dynamic linker binds a reference to `name` (of `version`) to.
void *lookup(const char *name, const char *version) {
  void *any = dlsym(RTLD_DEFAULT, name);
  if (!version) return any;
  void *exact = dlvsym(RTLD_DEFAULT, name, version);
  if (exact == any) return exact;
  if (any && unversioned_definition(any, name)) return any;
  return exact;
}

struct Ranges {
  uintptr_t lo[8], hi[8];
  int n = 0;
  bool contains(uintptr_t a) const {
    for (int i = 0; i < n; ++i)
      if (a >= lo[i] && a < hi[i]) return true;
    return false;
  }
};

// One module, copied out of dl_iterate_phdr's callback: the lookups take
// the dynamic linker's load lock, which must not be taken while
// dl_iterate_phdr holds its own (a dlopen in another thread takes them in
// the other order).
struct Loaded {
  uintptr_t base;
  const ElfW(Dyn) *dyn;
  const char *name;
  Ranges code, writable, relro;
};

struct Nth {
  size_t want, seen;
  Loaded *out;
};

int copy_nth(struct dl_phdr_info *info, size_t, void *p) {
  Nth &q = *(Nth *)p;
  if (q.seen++ != q.want) return 0;
  Loaded &l = *q.out;
  l = Loaded{info->dlpi_addr, nullptr, *info->dlpi_name ? info->dlpi_name : "the program", {}, {}, {}};
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &ph = info->dlpi_phdr[i];
    uintptr_t lo = info->dlpi_addr + ph.p_vaddr, hi = lo + ph.p_memsz;
    if (ph.p_type == PT_DYNAMIC) l.dyn = (const ElfW(Dyn) *)lo;
    Ranges *r = ph.p_type == PT_GNU_RELRO ? &l.relro
                : ph.p_type != PT_LOAD    ? nullptr
                : (ph.p_flags & PF_X)     ? &l.code
                : (ph.p_flags & PF_W)     ? &l.writable
                                          : nullptr;
    if (r && r->n < 8) {
      r->lo[r->n] = lo;
      r->hi[r->n++] = hi;
    }
  }
  return 1;
}

void bind_module(const Loaded &l, bool verify, BindCounts &counts) {
  if (!l.dyn) return;  // a static executable: nothing lazy
  Module m = parse(l.base, l.dyn);
  if (!m.jmprel || !m.rela || !m.symtab || !m.strtab) return;
  if (!verify && (m.now || m.symbolic)) return;
  size_t n = m.jmprel_size / sizeof(ElfW(Rela));
  for (size_t i = 0; i < n; ++i) {
    const ElfW(Rela) &r = m.jmprel[i];
    if (ELF64_R_TYPE(r.r_info) != R_X86_64_JUMP_SLOT) continue;
    size_t sym = ELF64_R_SYM(r.r_info);
    uintptr_t *slot = (uintptr_t *)(m.base + r.r_offset);
    ++counts.slots;
    uintptr_t now = __atomic_load_n(slot, __ATOMIC_RELAXED);
    if (!verify && !l.code.contains(now)) continue;  // bound elsewhere already
    const char *name = m.strtab + m.symtab[sym].st_name;
    const char *version = version_of(m, sym);
    uintptr_t target = (uintptr_t)lookup(name, version);
    if (!target) {
      ++counts.unresolved;
      continue;
    }
    if (target == now) continue;
    if (verify) {
      ++counts.mismatched;
      fprintf(stderr, "bind_now: %s: %s%s%s bound to %#lx, lookup gives %#lx\n", l.name, name,
              version ? "@" : "", version ? version : "", (unsigned long)now, (unsigned long)target);
      continue;
    }
    if (!l.writable.contains((uintptr_t)slot) || l.relro.contains((uintptr_t)slot)) continue;
    __atomic_store_n(slot, target, __ATOMIC_RELAXED);
    ++counts.bound;
  }
}

} // namespace

BindCounts bind_loaded_modules(bool verify) {
  BindCounts counts = {};
  for (size_t k = 0;; ++k) {
    Loaded l;
    Nth q = {k, 0, &l};
    if (!dl_iterate_phdr(copy_nth, &q)) break;
    bind_module(l, verify, counts);
  }
  return counts;
}

} // namespace morestack
