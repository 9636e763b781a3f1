int util_helper(int x);
int util_calls_libc(const char *s);

int main(int argc, char **argv) {
  if (argc > 5) // never: keep libc out of the run
    return util_calls_libc(argv[0]);
  return util_helper(argc) == 3 ? 0 : 1;
}
