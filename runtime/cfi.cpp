// runtime/cfi.cpp: one frame step with .eh_frame (see cfi.h).
//
// Formats: the System V x86-64 ABI's .eh_frame and .eh_frame_hdr (LSB
// "Exception Frames"), DWARF call frame instructions. Register numbers:
// 6 = %rbp, 7 = %rsp, 16 = the return address.
#include "cfi.h"

#include <dlfcn.h>
#include <stddef.h>

namespace morestack {
namespace {

constexpr unsigned kRbp = 6, kRsp = 7;

// DW_EH_PE_* pointer encodings.
constexpr uint8_t kOmit = 0xff, kFormatMask = 0x0f, kApplMask = 0x70, kIndirect = 0x80;
constexpr uint8_t kAbsPtr = 0x00, kUleb = 0x01, kUdata2 = 0x02, kUdata4 = 0x03, kUdata8 = 0x04,
                  kSleb = 0x09, kSdata2 = 0x0a, kSdata4 = 0x0b, kSdata8 = 0x0c;
constexpr uint8_t kPcRel = 0x10, kDataRel = 0x30;

struct Reader {
  const uint8_t *p;
  const uint8_t *end;
  bool bad = false;

  uint8_t u8() {
    if (p >= end) { bad = true; return 0; }
    return *p++;
  }
  template <class T> T fixed() {
    if (p + sizeof(T) > end) { bad = true; return 0; }
    T v;
    __builtin_memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
  }
  uint64_t uleb() {
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      uint8_t b = u8();
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    bad = true;
    return v;
  }
  int64_t sleb() {
    int64_t v = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
      b = u8();
      v |= int64_t(b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) && shift < 64 && !bad);
    if (shift < 64 && (b & 0x40)) v |= -(int64_t(1) << shift);
    return v;
  }
  // A DW_EH_PE-encoded pointer; datarel is relative to `data_base`.
  uintptr_t encoded(uint8_t enc, uintptr_t data_base) {
    if (enc == kOmit) return 0;
    uintptr_t here = (uintptr_t)p, v;
    switch (enc & kFormatMask) {
    case kAbsPtr: v = fixed<uint64_t>(); break;
    case kUleb: v = uleb(); break;
    case kUdata2: v = fixed<uint16_t>(); break;
    case kUdata4: v = fixed<uint32_t>(); break;
    case kUdata8: v = fixed<uint64_t>(); break;
    case kSleb: v = (uintptr_t)sleb(); break;
    case kSdata2: v = (uintptr_t)(intptr_t)fixed<int16_t>(); break;
    case kSdata4: v = (uintptr_t)(intptr_t)fixed<int32_t>(); break;
    case kSdata8: v = (uintptr_t)fixed<int64_t>(); break;
    default: bad = true; return 0;
    }
    switch (enc & kApplMask) {
    case 0: break;
    case kPcRel: v += here; break;
    case kDataRel: v += data_base; break;
    default: bad = true; return 0;
    }
    if ((enc & kIndirect) && !bad) v = *(const uintptr_t *)v;
    return v;
  }
};

// The rules that matter here, for one row of the table.
struct Rules {
  unsigned cfa_reg = kRsp;
  int64_t cfa_offset = 8;
  enum : uint8_t { Same, Saved, Unknown } rbp = Same;
  int64_t rbp_offset = 0;  // Saved: at CFA + rbp_offset
};

struct Cie {
  const uint8_t *instructions, *end;
  uint64_t code_align;
  int64_t data_align;
  uint8_t fde_encoding = kAbsPtr;
  bool has_augmentation_data = false;
};

bool parse_cie(const uint8_t *at, Cie *cie) {
  uint32_t length = *(const uint32_t *)at;
  if (length == 0 || length == 0xffffffff) return false;  // no 64-bit DWARF here
  Reader r{at + 4, at + 4 + length};
  if (r.fixed<uint32_t>() != 0) return false;  // CIE id
  uint8_t version = r.u8();
  const char *aug = (const char *)r.p;
  while (r.u8() != 0 && !r.bad) {}
  cie->code_align = r.uleb();
  cie->data_align = r.sleb();
  if (version == 1) r.u8();
  else r.uleb();  // return address register
  if (aug[0] == 'z') {
    cie->has_augmentation_data = true;
    uint64_t len = r.uleb();
    const uint8_t *data_end = r.p + len;
    for (const char *a = aug + 1; *a && !r.bad; ++a) {
      switch (*a) {
      case 'R': cie->fde_encoding = r.u8(); break;
      case 'P': { uint8_t enc = r.u8(); r.encoded(enc & ~kIndirect, 0); break; }
      case 'L': r.u8(); break;
      case 'S': case 'B': break;
      default: r.p = data_end; break;  // unknown: the length lets us skip
      }
    }
    r.p = data_end;
  } else if (aug[0] != 0) {
    return false;
  }
  cie->instructions = r.p;
  cie->end = at + 4 + length;
  return !r.bad && r.p <= cie->end;
}

// Run the instructions in [p, end) while the location is <= target.
// Returns false on an instruction it cannot follow.
bool run(const uint8_t *p, const uint8_t *end, const Cie &cie, uintptr_t loc, uintptr_t target,
         const Rules &initial, Rules *rules) {
  constexpr int kMaxRemembered = 8;
  Rules remembered[kMaxRemembered];
  int depth = 0;
  Reader r{p, end};
  auto set_rbp = [&](unsigned reg, int64_t offset, bool saved) {
    if (reg != kRbp) return;
    rules->rbp = saved ? Rules::Saved : Rules::Same;
    rules->rbp_offset = offset;
  };
  while (r.p < r.end && !r.bad) {
    uint8_t op = r.u8();
    uint8_t high = op & 0xc0, low = op & 0x3f;
    if (high == 0x40) {  // DW_CFA_advance_loc
      loc += low * cie.code_align;
      if (loc > target) return true;
      continue;
    }
    if (high == 0x80) {  // DW_CFA_offset
      set_rbp(low, (int64_t)r.uleb() * cie.data_align, true);
      continue;
    }
    if (high == 0xc0) {  // DW_CFA_restore
      if (low == kRbp) { rules->rbp = initial.rbp; rules->rbp_offset = initial.rbp_offset; }
      continue;
    }
    switch (op) {
    case 0x00: break;  // nop
    case 0x01: loc = r.encoded(cie.fde_encoding, 0); if (loc > target) return true; break;
    case 0x02: loc += r.u8() * cie.code_align; if (loc > target) return true; break;
    case 0x03: loc += r.fixed<uint16_t>() * cie.code_align; if (loc > target) return true; break;
    case 0x04: loc += r.fixed<uint32_t>() * cie.code_align; if (loc > target) return true; break;
    case 0x05: { unsigned reg = r.uleb(); set_rbp(reg, (int64_t)r.uleb() * cie.data_align, true); break; }
    case 0x06: if (r.uleb() == kRbp) { rules->rbp = initial.rbp; rules->rbp_offset = initial.rbp_offset; } break;
    case 0x07: if (r.uleb() == kRbp) rules->rbp = Rules::Unknown; break;  // undefined
    case 0x08: set_rbp(r.uleb(), 0, false); break;                         // same_value
    case 0x09: { unsigned reg = r.uleb(); r.uleb(); if (reg == kRbp) rules->rbp = Rules::Unknown; break; }
    case 0x0a: if (depth == kMaxRemembered) return false; remembered[depth++] = *rules; break;
    case 0x0b: if (depth == 0) return false; *rules = remembered[--depth]; break;
    case 0x0c: rules->cfa_reg = r.uleb(); rules->cfa_offset = r.uleb(); break;
    case 0x0d: rules->cfa_reg = r.uleb(); break;
    case 0x0e: rules->cfa_offset = r.uleb(); break;
    case 0x0f: return false;  // def_cfa_expression
    case 0x10: { unsigned reg = r.uleb(); r.p += r.uleb(); if (reg == kRbp) rules->rbp = Rules::Unknown; break; }
    case 0x11: { unsigned reg = r.uleb(); set_rbp(reg, r.sleb() * cie.data_align, true); break; }
    case 0x12: rules->cfa_reg = r.uleb(); rules->cfa_offset = r.sleb() * cie.data_align; break;
    case 0x13: rules->cfa_offset = r.sleb() * cie.data_align; break;
    case 0x14: { unsigned reg = r.uleb(); r.uleb(); if (reg == kRbp) rules->rbp = Rules::Unknown; break; }
    case 0x15: { unsigned reg = r.uleb(); r.sleb(); if (reg == kRbp) rules->rbp = Rules::Unknown; break; }
    case 0x16: { unsigned reg = r.uleb(); r.p += r.uleb(); if (reg == kRbp) rules->rbp = Rules::Unknown; break; }
    case 0x2e: r.uleb(); break;  // GNU_args_size
    case 0x2f: { unsigned reg = r.uleb(); set_rbp(reg, -(int64_t)r.uleb() * cie.data_align, true); break; }
    default: return false;
    }
  }
  return !r.bad;
}

// The FDE whose range holds `target`, through .eh_frame_hdr's table.
const uint8_t *find_fde(uintptr_t target) {
  dl_find_object info;
  if (_dl_find_object((void *)target, &info) != 0 || !info.dlfo_eh_frame) return nullptr;
  const uint8_t *hdr = (const uint8_t *)info.dlfo_eh_frame;
  if (hdr[0] != 1 || hdr[3] != (kDataRel | kSdata4)) return nullptr;
  Reader r{hdr + 4, hdr + 4 + 16};
  r.encoded(hdr[1], (uintptr_t)hdr);  // eh_frame_ptr
  uint64_t count = r.encoded(hdr[2], (uintptr_t)hdr);
  if (r.bad || hdr[2] == kOmit || count == 0) return nullptr;
  const int32_t *table = (const int32_t *)r.p;  // pairs: initial location, FDE
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if ((uintptr_t)hdr + table[2 * mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  if (lo == 0) return nullptr;
  return hdr + table[2 * (lo - 1) + 1];
}

} // namespace

bool cfi_step(uintptr_t pc, uintptr_t sp, uintptr_t rbp, bool rbp_known, uintptr_t hi,
              CfiStep *out) {
  const uintptr_t target = pc - 1;
  const uint8_t *fde = find_fde(target);
  if (!fde) return false;
  uint32_t length = *(const uint32_t *)fde;
  if (length == 0 || length == 0xffffffff) return false;
  const uint8_t *fde_end = fde + 4 + length;
  const uint8_t *cie_pointer = fde + 4;
  Cie cie;
  if (!parse_cie(cie_pointer - *(const uint32_t *)cie_pointer, &cie)) return false;
  Reader r{fde + 8, fde_end};
  uintptr_t begin = r.encoded(cie.fde_encoding, 0);
  uintptr_t range = r.encoded(cie.fde_encoding & kFormatMask, 0);
  if (r.bad || target < begin || target - begin >= range) return false;
  if (cie.has_augmentation_data) r.p += r.uleb();

  Rules initial, rules;
  if (!run(cie.instructions, cie.end, cie, begin, UINTPTR_MAX, Rules(), &initial)) return false;
  rules = initial;
  if (!run(r.p, fde_end, cie, begin, target, initial, &rules)) return false;

  uintptr_t cfa;
  if (rules.cfa_reg == kRsp) cfa = sp + rules.cfa_offset;
  else if (rules.cfa_reg == kRbp && rbp_known) cfa = rbp + rules.cfa_offset;
  else return false;
  if (cfa < sp + 8 || cfa > hi || (cfa & 7)) return false;
  out->cfa = cfa;
  switch (rules.rbp) {
  case Rules::Same:
    out->caller_rbp = rbp;
    out->caller_rbp_known = rbp_known;
    break;
  case Rules::Saved: {
    uintptr_t at = cfa + rules.rbp_offset;
    if (at < sp || at + 8 > hi) return false;
    out->caller_rbp = *(const uintptr_t *)at;
    out->caller_rbp_known = true;
    break;
  }
  case Rules::Unknown:
    out->caller_rbp = 0;
    out->caller_rbp_known = false;
    break;
  }
  return true;
}

} // namespace morestack
