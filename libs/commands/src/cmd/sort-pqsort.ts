/**
 * Redis's pqsort.c: the NetBSD (Bentley & McIlroy) quicksort, modified to sort only what is
 * needed for the positions [left, right] to hold their final elements. SORT ... LIMIT and the geo
 * searches with COUNT use it when they return fewer elements than they found; elements that
 * compare equal end up in the order this algorithm leaves them, so it is reproduced step by step
 * rather than replaced by a stable sort. This is the version Redis 7.0 ships, without the later
 * "no swaps: switch to insertion sort" shortcut. (Full sorts use glibc's qsort, a stable merge
 * sort, which Array.prototype.sort matches.)
 */
export type Compare<T> = (a: T, b: T) => number;

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

function vecswap<T>(a: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

function med3<T>(a: T[], i: number, j: number, k: number, cmp: Compare<T>): number {
  return cmp(a[i], a[j]) < 0
    ? cmp(a[j], a[k]) < 0 ? j : cmp(a[i], a[k]) < 0 ? k : i
    : cmp(a[j], a[k]) > 0 ? j : cmp(a[i], a[k]) < 0 ? i : k;
}

function insertionSort<T>(a: T[], lo: number, n: number, cmp: Compare<T>): void {
  for (let m = lo + 1; m < lo + n; m++) {
    for (let l = m; l > lo && cmp(a[l - 1], a[l]) > 0; l--) swap(a, l, l - 1);
  }
}

/** Whether the elements [lo, lo + n) can hold any position of [left, right]. */
function overlaps(lo: number, n: number, left: number, right: number): boolean {
  const last = lo + n - 1;
  return !((left < lo && right < lo) || (left > last && right > last));
}

function pqsortRange<T>(a: T[], lo: number, n: number, cmp: Compare<T>, left: number, right: number): void {
  for (;;) {
    if (n < 7) return insertionSort(a, lo, n, cmp);
    let pm = lo + Math.floor(n / 2);
    if (n > 7) {
      let pl = lo;
      let pn = lo + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(a, pm - d, pm, pm + d, cmp);
        pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(a, pl, pm, pn, cmp);
    }
    swap(a, lo, pm);
    let pa = lo + 1;
    let pb = pa;
    let pc = lo + n - 1;
    let pd = pc;
    for (;;) {
      let c: number;
      while (pb <= pc && (c = cmp(a[pb], a[lo])) <= 0) {
        if (c === 0) swap(a, pa++, pb);
        pb++;
      }
      while (pb <= pc && (c = cmp(a[pc], a[lo])) >= 0) {
        if (c === 0) swap(a, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(a, pb++, pc--);
    }
    const pn = lo + n;
    let r = Math.min(pa - lo, pb - pa);
    vecswap(a, lo, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(a, pb, pn - r, r);
    r = pb - pa;
    if (r > 1 && overlaps(lo, r, left, right)) pqsortRange(a, lo, r, cmp, left, right);
    r = pd - pc;
    if (r <= 1) return;
    lo = pn - r;
    n = r;
    if (!overlaps(lo, n, left, right)) return;
  }
}

/** Sorts a in place so that positions left..right (inclusive) hold what a full sort puts there. */
export function pqsort<T>(a: T[], cmp: Compare<T>, left: number, right: number): void {
  pqsortRange(a, 0, a.length, cmp, left, right);
}
