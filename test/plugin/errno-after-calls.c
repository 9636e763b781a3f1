// errno read after a call that may park a task is the errno of the thread
// the task runs on then: &errno (and pthread_self) is not reused across the
// call (plugin/ThreadIdentity.h), though clang's headers say both are const.
// Without the plugin, -O2 computes &errno once here.
// RUN: %clang -fplugin=%plugin -O2 -S -emit-llvm %s -o - | FileCheck %s
// RUN: %clang -O2 -S -emit-llvm %s -o - | FileCheck %s --check-prefix=PLAIN
#include <errno.h>
#include <pthread.h>
#include <unistd.h>

int read_errno_around(int fd, char *buf) {
  errno = 0;
  if (read(fd, buf, 1) < 0) return errno;
  return 0;
}

int same_thread(void) {
  pthread_t before = pthread_self();
  usleep(1);
  return pthread_equal(before, pthread_self());
}

// CHECK-LABEL: define{{.*}} @read_errno_around(
// CHECK: call ptr @__errno_location()
// CHECK: call{{.*}} @read(
// CHECK: call ptr @__errno_location()
// CHECK: declare ptr @__errno_location() {{.*}}#[[ATTR:[0-9]+]]
// CHECK-LABEL: define{{.*}} @same_thread(
// CHECK: call i64 @pthread_self()
// CHECK: call{{.*}} @usleep(
// CHECK: call i64 @pthread_self()
// CHECK: attributes #[[ATTR]] = {{{.*}}memory(read)

// PLAIN-LABEL: define{{.*}} @read_errno_around(
// PLAIN: call ptr @__errno_location()
// PLAIN-NOT: call ptr @__errno_location()
// PLAIN-LABEL: define{{.*}} @same_thread(
