// bench/prologue_json.cpp: a small JSON parser of the kind people write
// (recursive descent into a DOM of std::string, std::vector and a variant-
// like Value), run over a generated document, then a walk over the DOM.
// Most functions here allocate or copy through libstdc++ and libc, which
// are not instrumented: those calls are checked where they are made, with
// the callee's measured need (plugin/CallSiteReserve.h): this program
// measures those checks. (Until a790d4a, lld rewrote their prologues to
// call __morestack_non_split.)
//
//   prologue_json [megabytes=8] [reps=3]
#include "common.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Value {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Value> array;
  std::vector<std::pair<std::string, Value>> object;
};

// ---- generator (not timed) ----

struct Gen {
  std::string out;
  uint64_t rng = 7;
  unsigned rnd(unsigned n) {
    rng = rng * 6364136223846793005u + 1442695040888963407u;
    return unsigned(rng >> 33) % n;
  }
  void word() {
    static const char *words[] = {"id", "name", "value", "items", "type", "enabled",
                                  "description", "x", "y", "children", "tags", "created_at"};
    out += words[rnd(12)];
  }
  void value(int depth) {
    unsigned k = rnd(depth < 6 ? 10 : 6);
    switch (k) {
    case 0: out += "null"; break;
    case 1: out += rnd(2) ? "true" : "false"; break;
    case 2: case 3: out += std::to_string(rnd(1000000)); out += '.'; out += std::to_string(rnd(100)); break;
    case 4: case 5: out += '"'; word(); out += ' '; word(); out += "\\n\""; break;
    case 6: case 7: {
      out += '[';
      for (unsigned i = 0, n = rnd(6); i < n; ++i) { if (i) out += ", "; value(depth + 1); }
      out += ']';
      break;
    }
    default: {
      out += "{\n";
      for (unsigned i = 0, n = 1 + rnd(5); i < n; ++i) {
        if (i) out += ",\n";
        out += '"'; word(); out += "\": ";
        value(depth + 1);
      }
      out += "\n}";
    }
    }
  }
};

std::string generate(size_t target) {
  Gen g;
  g.out.reserve(target + (1 << 20));
  g.out += '[';
  while (g.out.size() < target) {
    if (g.out.size() > 1) g.out += ",\n";
    g.value(0);
  }
  g.out += ']';
  return g.out;
}

// ---- parser (timed) ----

class Parser {
public:
  explicit Parser(const std::string &text) : p_(text.c_str()) {}

  Value parse_value() {
    skip_ws();
    switch (*p_) {
    case '{': return parse_object();
    case '[': return parse_array();
    case '"': { Value v; v.kind = Value::String; v.string = parse_string(); return v; }
    case 't': p_ += 4; return make_bool(true);
    case 'f': p_ += 5; return make_bool(false);
    case 'n': p_ += 4; return Value();
    default: return parse_number();
    }
  }

private:
  void skip_ws() {
    while (*p_ == ' ' || *p_ == '\n' || *p_ == '\t' || *p_ == '\r') ++p_;
  }

  static Value make_bool(bool b) {
    Value v;
    v.kind = Value::Bool;
    v.boolean = b;
    return v;
  }

  Value parse_number() {
    Value v;
    v.kind = Value::Number;
    char *end;
    v.number = strtod(p_, &end);
    p_ = end;
    return v;
  }

  std::string parse_string() {
    std::string s;
    ++p_;  // opening quote
    while (*p_ != '"') {
      if (*p_ == '\\') {
        ++p_;
        switch (*p_) {
        case 'n': s += '\n'; break;
        case 't': s += '\t'; break;
        default: s += *p_;
        }
        ++p_;
      } else {
        s += *p_++;
      }
    }
    ++p_;
    return s;
  }

  Value parse_array() {
    Value v;
    v.kind = Value::Array;
    ++p_;
    skip_ws();
    if (*p_ == ']') { ++p_; return v; }
    for (;;) {
      v.array.push_back(parse_value());
      skip_ws();
      if (*p_++ == ']') return v;  // else ','
    }
  }

  Value parse_object() {
    Value v;
    v.kind = Value::Object;
    ++p_;
    skip_ws();
    if (*p_ == '}') { ++p_; return v; }
    for (;;) {
      skip_ws();
      std::string key = parse_string();
      skip_ws();
      ++p_;  // ':'
      v.object.emplace_back(std::move(key), parse_value());
      skip_ws();
      if (*p_++ == '}') return v;  // else ','
    }
  }

  const char *p_;
};

long walk(const Value &v) {
  switch (v.kind) {
  case Value::Null: return 1;
  case Value::Bool: return v.boolean ? 3 : 2;
  case Value::Number: return (long)v.number;
  case Value::String: return (long)v.string.size();
  case Value::Array: {
    long sum = 1;
    for (const Value &e : v.array) sum += walk(e);
    return sum;
  }
  case Value::Object: {
    long sum = 2;
    for (const auto &kv : v.object) sum += (long)kv.first.size() + walk(kv.second);
    return sum;
  }
  }
  return 0;
}

std::string input;

} // namespace

extern "C" __attribute__((noinline)) long bench_kernel(long) {
  Parser parser(input);
  Value doc = parser.parse_value();
  return walk(doc);
}

int main(int argc, char **argv) {
  long mb = bench_arg(argc, argv, 1, 8), result = 0;
  input = generate((size_t)mb << 20);
  double ns = bench_time(bench_kernel, 0, (int)bench_arg(argc, argv, 2, 3), &result);
  fprintf(stderr, "parsed %ld MiB of JSON: checksum %ld\n", mb, result);
  bench_report("prologue", "json", BENCH_VARIANT, ns, "ns");
  return 0;
}
