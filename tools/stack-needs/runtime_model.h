// What the morestack runtime does before code runs on small stacks, done by
// the measuring programs (stackneeds-c, stackneeds-cxx, crosscheck) first
// thing in main, so that the table measures calls as the runtime makes
// them: bind the libraries' lazy PLT slots (runtime/bind_now.cpp, linked in
// as is) and find libgcc's unwinder entries for unwind_elsewhere.S, which
// runs them on a stack of its own as runtime/unwinder.cpp runs them on the
// system stack. STACKNEEDS_LAZY_LIBRARIES=1 skips the binding (to measure
// the libraries as the dynamic linker leaves them).
#pragma once

void ms_model_runtime();
