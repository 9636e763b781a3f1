#include <stdio.h>
#ifdef LOAD_LIBRARY
#include <dlfcn.h>
#endif
int main(int argc, char **argv) {
#ifdef LOAD_LIBRARY
  if (argc > 1 && !dlopen(argv[1], RTLD_NOW)) {
    printf("dlopen: %s\n", dlerror());
    return 1;
  }
#endif
  (void)argc;
  (void)argv;
  puts("hello");
  return 0;
}
