/* Unit test of the counter-based generator of include/frg/diffusion.h.
 *   1. Philox-4x32-10 known answers: the three test vectors published with Random123 (Salmon et al.,
 *      SC'11; kat_vectors of the Random123 distribution) for counter/key all zero, all ones, and the
 *      digits of pi.
 *   2. The normals keyed by (seed, particle, step, stream): mean, variance and fourth moment of 2e6
 *      draws within 5 standard errors of 0, 1, 3, and different streams/steps/seeds give different
 *      numbers. Exits nonzero on failure. */
#include <frg/diffusion.h>
#include <stdio.h>

static int FrgCheckVector(const uint32_t c[4], const uint32_t k[2], const uint32_t expect[4])
{
  uint32_t out[4];

  FrgPhilox4x32(c, k, out);
  for (int i = 0; i < 4; i++)
    if (out[i] != expect[i]) {
      printf("philox: word %d is %08x, expected %08x\n", i, out[i], expect[i]);
      return 1;
    }
  return 0;
}

int main(void)
{
  const uint32_t c0[4] = {0, 0, 0, 0}, k0[2] = {0, 0}, e0[4] = {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u};
  const uint32_t c1[4] = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, k1[2] = {0xffffffffu, 0xffffffffu};
  const uint32_t e1[4] = {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu};
  const uint32_t c2[4] = {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, k2[2] = {0xa4093822u, 0x299f31d0u};
  const uint32_t e2[4] = {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u};
  const long n         = 1000000;
  double m1 = 0, m2 = 0, m4 = 0, z[2], y[2];
  int bad = FrgCheckVector(c0, k0, e0) + FrgCheckVector(c1, k1, e1) + FrgCheckVector(c2, k2, e2);

  for (long i = 0; i < n; i++) {
    FrgRandomNormal2(12345, (uint64_t)i, 7, 1, z);
    for (int j = 0; j < 2; j++) {
      m1 += z[j];
      m2 += z[j] * z[j];
      m4 += z[j] * z[j] * z[j] * z[j];
    }
  }
  m1 /= 2 * n;
  m2 /= 2 * n;
  m4 /= 2 * n;
  printf("normals: mean %.2e, variance %.6f, fourth moment %.5f over %ld draws\n", m1, m2, m4, 2 * n);
  if (fabs(m1) > 5 / sqrt(2.0 * n) || fabs(m2 - 1) > 5 * sqrt(2.0 / (2 * n)) || fabs(m4 - 3) > 5 * sqrt(96.0 / (2 * n)))
    bad++, printf("normals: moments off\n");
  FrgRandomNormal2(1, 5, 3, 0, z);
  FrgRandomNormal2(1, 5, 3, 1, y);
  if (z[0] == y[0]) bad++, printf("streams coincide\n");
  FrgRandomNormal2(1, 5, 4, 0, y);
  if (z[0] == y[0]) bad++, printf("steps coincide\n");
  FrgRandomNormal2(2, 5, 3, 0, y);
  if (z[0] == y[0]) bad++, printf("seeds coincide\n");
  printf("%s\n", bad ? "FAILED" : "ok");
  return bad != 0;
}
