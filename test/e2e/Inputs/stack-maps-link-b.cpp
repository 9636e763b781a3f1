// Second file of stack-maps-link.cpp: the same inline function, one used and one unused function.
inline int shared_inline(int x) { volatile int v[4]; v[x & 3] = x; return v[x & 3] + 1; }
int from_b(int x) { return shared_inline(x) * 2; }
int unused_b(int x) { return x + 5; }
