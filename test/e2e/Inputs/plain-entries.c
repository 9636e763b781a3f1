/* Built with plain clang (no plugin), like libtcl: functions that run as the
 * first frame of a thread or a fiber, with ~3 KiB of stack each. */
#include <pthread.h>
#include <string.h>

static void *thread_start(void *arg) {
  volatile char buf[3000];
  memset((char *)buf, 1, sizeof buf);
  return (void *)(long)buf[(long)arg];
}

int plain_spawn_and_join(void) {
  pthread_t t;
  void *r;
  if (pthread_create(&t, 0, thread_start, (void *)7)) return -1;
  pthread_join(t, &r);
  return (int)(long)r;
}

int plain_fiber_result;
void plain_fiber_body(void *arg) {
  volatile char buf[3000];
  memset((char *)buf, 2, sizeof buf);
  plain_fiber_result = buf[(long)arg];
}

int plain_main_like(int n) {
  volatile char buf[3000];
  memset((char *)buf, 3, sizeof buf);
  return buf[n];
}
