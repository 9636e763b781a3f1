#include <string>

struct Acc {
  int v = 1;
  __attribute__((noinline)) int add(int x);
};

int Acc::add(int x) {
  volatile int a[4];
  a[x & 3] = x;
  return v + a[x & 3] * 2;
}

extern "C" __attribute__((noinline)) int cxx_calls_libstdcxx(const char *s) {
  std::string str(s);
  str += s;
  return static_cast<int>(str.size());
}

int main(int argc, char **argv) {
  if (argc > 5) // never: keep libstdc++ out of the run
    return cxx_calls_libstdcxx(argv[0]);
  Acc acc;
  return acc.add(argc) == 3 ? 0 : 1;
}
