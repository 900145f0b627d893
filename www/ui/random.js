// mulberry32(): a small seeded generator of numbers in [0, 1), for what must repeat given a seed
// (the UMAP layout of the hidden-layer map, and the tests' and checks' seeded choices).
//
// Non-goals: training's random streams (the engine's PCG-64, src/rng.rs), anything cryptographic.

/** A generator of uniform numbers in [0, 1) (mulberry32) from a 32-bit `seed`. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
