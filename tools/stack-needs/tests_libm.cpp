// libm: double, float and long double functions, each called with ~20
// arguments in one process (huge arguments that need slow argument
// reduction, subnormals, values near poles and overflow, NaN, infinity).
#include <complex.h>
#include <float.h>
#include <math.h>

#include "common.h"

namespace {

const double kD[] = {0.5, -0.5, 1e-310, 1e-5, 0.9999999999999999, 1.0000000000000002, 1.5707963267948966,
                     3.141592653589793, 2.5, -2.5, 27.0, 171.5, -170.5, 700.0, -745.0, 1e22, 1e300, -1e300,
                     INFINITY, NAN};
const double kD2[][2] = {{0.9999999999999999, 1e15}, {2, 0.5}, {1e300, 3}, {-8, 1.0 / 3}, {1.0000000000000002, 1e300},
                         {1e-300, 1e-300}, {0.5, 1075}, {1e22, 1e-22}, {-1e300, 1e300}, {3.0, -2.0},
                         {INFINITY, NAN}, {1.5707963267948966, 1e-310}};
const double kD3[][3] = {{1e308, 10, -INFINITY}, {0.1, 0.1, -0.01}, {1e-300, 1e-300, 1e-310},
                         {1.0000000000000002, 0.9999999999999999, -1}, {3, 4, 5}};
const long double kL[] = {0.5L, -0.5L, 1e-4940L, 1e-5L, 0.99999999999999999999L, 1.5707963267948966192L, 2.5L,
                          -2.5L, 27.0L, 1755.5L, -1754.5L, 11000.0L, -11400.0L, 1e22L, 1e300L, 1e4000L, -1e4000L,
                          LDBL_MAX, INFINITY, NAN};
constexpr int nD = sizeof kD / sizeof kD[0], nD2 = sizeof kD2 / sizeof kD2[0], nD3 = sizeof kD3 / sizeof kD3[0];
constexpr int nL = sizeof kL / sizeof kL[0];

int g_e;
double g_d1, g_d2;
float g_f1, g_f2;
long double g_l1, g_l2;

enum Kind { D1, D2, D3, F1, F2, F3, L1, L2, L3, D_INT, D_PINT, D_PD, D_D_PINT, D_PINT2, D_PD_PD, D_LD, INT_D,
            F_INT, F_PINT, F_PF, F_PF_PF, F_PINT2, L_INT, L_PINT, L_PL, L_PL_PL, L_PINT2, L_LONG, L_L_PINT,
            INT_L, INT_F, D_LONG, F_F_PINT, NANSTR, NANSTRL, CD1, CD2 };

void setup(Call &c) {
  const int s = c.sub;
  switch ((Kind)c.param) {
    case D1: c.d(kD[s]); break;
    case D2: c.d(kD2[s][0]).d(kD2[s][1]); break;
    case D3: c.d(kD3[s][0]).d(kD3[s][1]).d(kD3[s][2]); break;
    case F1: c.f((float)kD[s]); break;
    case F2: c.f((float)kD2[s][0]).f((float)kD2[s][1]); break;
    case F3: c.f((float)kD3[s][0]).f((float)kD3[s][1]).f((float)kD3[s][2]); break;
    case L1: c.ld(kL[s]).x87(); break;
    case L2: c.ld(kL[s]).ld(kL[(s + 7) % nL]).x87(); break;
    case L3: c.ld(kL[s]).ld(kL[(s + 7) % nL]).ld(kL[(s + 3) % nL]).x87(); break;
    case D_INT: c.d(kD[s]).i(s * 200 - 2000); break;            // ldexp, scalbn
    case D_LONG: c.d(kD[s]).i(s * 200 - 2000); break;           // scalbln
    case D_PINT: c.d(kD[s]).p(&g_e); break;                     // frexp, lgamma_r
    case D_PD: c.d(kD[s]).p(&g_d1); break;                      // modf
    case D_D_PINT: c.d(kD2[s % nD2][0]).d(kD2[s % nD2][1]).p(&g_e); break;  // remquo
    case D_PD_PD: c.d(kD[s]).p(&g_d1).p(&g_d2); break;          // sincos
    case D_LD: c.d(kD[s]).ld(kL[s]); break;                     // nexttoward
    case INT_D: c.i(s * 7 - 20).d(kD[s]); break;                // jn, yn
    case D_PINT2: c.d(kD[s]).p(&g_e); break;
    case F_INT: c.f((float)kD[s]).i(s * 20 - 200); break;
    case F_PINT: c.f((float)kD[s]).p(&g_e); break;
    case F_PINT2: c.f((float)kD[s]).p(&g_e); break;
    case F_PF: c.f((float)kD[s]).p(&g_f1); break;
    case F_PF_PF: c.f((float)kD[s]).p(&g_f1).p(&g_f2); break;
    case F_F_PINT: c.f((float)kD2[s % nD2][0]).f((float)kD2[s % nD2][1]).p(&g_e); break;
    case L_INT: c.ld(kL[s]).i(s * 2000 - 20000).x87(); break;
    case L_LONG: c.ld(kL[s]).x87(0); break;                     // lrintl & co return in rax
    case L_PINT: c.ld(kL[s]).p(&g_e).x87(); break;
    case L_PINT2: c.ld(kL[s]).p(&g_e).x87(); break;
    case L_PL: c.ld(kL[s]).p(&g_l1).x87(); break;
    case L_PL_PL: c.ld(kL[s]).p(&g_l1).p(&g_l2); break;
    case L_L_PINT: c.ld(kL[s]).ld(kL[(s + 7) % nL]).p(&g_e).x87(); break;
    case INT_L: c.i(s * 7 - 20).ld(kL[s]).x87(); break;
    case INT_F: c.i(s * 7 - 20).f((float)kD[s]); break;
    case NANSTR: c.p(s & 1 ? "0x123456789abcdef" : "123"); break;
    case NANSTRL: c.p(s & 1 ? "0x123456789abcdef" : "123").x87(); break;
    case CD1: c.d(kD[s]).d(kD[(s + 5) % nD]); break;
    case CD2: c.d(kD[s]).d(kD[(s + 5) % nD]).d(kD[(s + 9) % nD]).d(kD[(s + 13) % nD]); break;
  }
}

int subs(Kind k) {
  switch (k) {
    case D2: case F2: return nD2;
    case D3: case F3: return nD3;
    case L1: case L2: case L3: case L_INT: case L_LONG: case L_PINT: case L_PINT2: case L_PL: case L_PL_PL:
    case L_L_PINT: case INT_L: return nL;
    case NANSTR: case NANSTRL: return 2;
    default: return nD;
  }
}

void add(Kind k, std::initializer_list<const char *> names) {
  for (const char *n : names) reg(n, "hard-arguments", setup, nullptr, 0, nullptr, k, subs(k));
}

}  // namespace

void register_libm() {
  add(D1, {"sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "exp",
           "exp2", "exp10", "expm1", "log", "log2", "log10", "log1p", "logb", "sqrt", "cbrt", "erf", "erfc", "lgamma",
           "tgamma", "j0", "j1", "y0", "y1", "floor", "ceil", "round", "roundeven", "trunc", "rint", "nearbyint", "fabs",
           "significand", "lrint", "lround", "llrint", "llround", "ilogb", "gamma"});
  add(D2, {"pow", "atan2", "hypot", "fmod", "remainder", "fmin", "fmax", "fdim", "nextafter", "copysign", "drem"});
  add(D3, {"fma"});
  add(F1, {"sinf", "cosf", "tanf", "asinf", "acosf", "atanf", "sinhf", "coshf", "tanhf", "asinhf", "acoshf", "atanhf",
           "expf", "exp2f", "exp10f", "expm1f", "logf", "log2f", "log10f", "log1pf", "sqrtf", "cbrtf", "erff", "erfcf",
           "lgammaf", "tgammaf", "floorf", "ceilf", "roundf", "truncf", "rintf", "nearbyintf", "fabsf", "lrintf",
           "lroundf", "j0f", "y0f"});
  add(F2, {"powf", "atan2f", "hypotf", "fmodf", "remainderf", "fminf", "fmaxf", "nextafterf", "fdimf"});
  add(F3, {"fmaf"});
  add(L1, {"sinl", "cosl", "tanl", "asinl", "acosl", "atanl", "sinhl", "coshl", "tanhl", "asinhl", "acoshl", "atanhl",
           "expl", "exp2l", "exp10l", "expm1l", "logl", "log2l", "log10l", "log1pl", "sqrtl", "cbrtl", "erfl", "erfcl",
           "lgammal", "tgammal", "floorl", "ceill", "roundl", "truncl", "rintl", "nearbyintl", "fabsl", "logbl",
           "j0l", "y0l"});
  add(L2, {"powl", "atan2l", "hypotl", "fmodl", "remainderl", "fminl", "fmaxl", "nextafterl", "copysignl"});
  add(L3, {"fmal"});
  add(D_INT, {"ldexp", "scalbn"});
  add(D_LONG, {"scalbln"});
  add(D_PINT, {"frexp", "lgamma_r"});
  add(D_PD, {"modf"});
  add(D_D_PINT, {"remquo"});
  add(D_PD_PD, {"sincos"});
  add(D_LD, {"nexttoward"});
  add(INT_D, {"jn", "yn"});
  add(F_INT, {"ldexpf", "scalbnf"});
  add(F_PINT, {"frexpf", "lgammaf_r"});
  add(F_PF, {"modff"});
  add(F_PF_PF, {"sincosf"});
  add(F_F_PINT, {"remquof"});
  add(INT_F, {"jnf"});
  add(L_INT, {"ldexpl", "scalbnl"});
  add(L_LONG, {"lrintl", "llroundl", "lroundl", "llrintl"});
  add(L_PINT, {"frexpl", "lgammal_r"});
  add(L_PL, {"modfl"});
  add(L_PL_PL, {"sincosl"});
  add(L_L_PINT, {"remquol"});
  add(INT_L, {"jnl"});
  add(NANSTR, {"nan"});
  add(NANSTRL, {"nanl"});
  add(CD1, {"cexp", "clog", "csqrt", "csin", "ccos", "cabs", "carg", "ctan"});
  add(CD2, {"cpow"});
}
