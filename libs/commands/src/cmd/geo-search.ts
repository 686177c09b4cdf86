/**
 * GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and the _RO forms: Redis 7.0's
 * georadiusGeneric. Arguments are checked in Redis's order (the key's type first, then the centre
 * and shape, then the options left to right), the search visits the same nine geohash cells in the
 * same order, and results are ordered with the same sorts, so replies match Redis's, ties included.
 */
import { intArg, isKeyword } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import { ZSetValue } from '../types/zset';
import { areasByShape, cellScoreRange, decodeScore, distanceIfInShape, type GeoShape, isZeroCell } from './geo-hash';
import { formatFixed, replyDistance, replyHumanDouble } from './geo-format';
import { pqsort } from './sort-pqsort';
import { doubleArg } from './zset-args';
import { storeResult } from './zset-common';
import { getZSet } from './util';

export const GeoErr = {
  unit: 'ERR unsupported unit provided. please use M, KM, FT, MI',
  member: 'ERR could not decode requested zset member',
  numericRadius: 'ERR need numeric radius',
  numericWidth: 'ERR need numeric width',
  numericHeight: 'ERR need numeric height',
  negativeRadius: 'ERR radius cannot be negative',
  negativeBox: 'ERR height or width cannot be negative',
  countPositive: 'ERR COUNT must be > 0',
  anyNeedsCount: 'ERR the ANY argument requires COUNT argument',
  storeWith: (what: string) => `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
  needFrom: (cmd: string) => `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cmd}`,
  needBy: (cmd: string) => `ERR exactly one of BYRADIUS and BYBOX can be specified for ${cmd}`,
  pair: (lon: number, lat: number) => `ERR invalid longitude,latitude pair ${formatFixed(lon, 6)},${formatFixed(lat, 6)}`,
} as const;

/** extractUnitOrReply: metres per unit. */
export function unitArg(s: string): number {
  switch (s.toLowerCase()) {
    case 'm': return 1;
    case 'km': return 1000;
    case 'ft': return 0.3048;
    case 'mi': return 1609.34;
    default: return fail(GeoErr.unit);
  }
}

/** extractLongLatOrReply: two floats, then the range check with Redis's "%f" message. */
export function lonLatArgs(lonArg: string, latArg: string): [number, number] {
  const lon = doubleArg(lonArg);
  const lat = doubleArg(latArg);
  if (lon < -180 || lon > 180 || lat < -85.05112878 || lat > 85.05112878) fail(GeoErr.pair(lon, lat));
  return [lon, lat];
}

/** longLatFromMember; the caller replies GeoErr.member when null. */
function memberPosition(z: ZSetValue, member: string): [number, number] | null {
  const score = z.score(member);
  return score === undefined ? null : decodeScore(score);
}

function radiusArgs(distArg: string, unit: string): { radius: number; conversion: number } {
  const radius = doubleArg(distArg, GeoErr.numericRadius);
  if (radius < 0) fail(GeoErr.negativeRadius);
  return { radius, conversion: unitArg(unit) };
}

interface GeoPoint {
  member: string;
  score: number;
  longitude: number;
  latitude: number;
  /** metres, then divided by the unit before replying */
  dist: number;
}

/** geoGetPointsInRange: members with min <= score < max that lie inside the shape. */
function pointsInRange(z: ZSetValue, min: number, max: number, shape: GeoShape, found: GeoPoint[], limit: number): void {
  for (let n = z.firstAtOrAbove(min, false); n !== null && n.score < max; n = n.next[0]) {
    const [longitude, latitude] = decodeScore(n.score);
    const dist = distanceIfInShape(shape, longitude, latitude);
    if (dist !== null) found.push({ member: n.member, score: n.score, longitude, latitude, dist });
    if (found.length > 0 && limit > 0 && found.length >= limit) break;
  }
}

/** membersOfAllNeighbors: the nine cells, skipping zero cells and a repeat of the previous cell. */
function membersOfAllNeighbors(z: ZSetValue, shape: GeoShape, limit: number): GeoPoint[] {
  const cells = areasByShape(shape);
  const found: GeoPoint[] = [];
  let lastProcessed = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (isZeroCell(cell)) continue;
    // With huge radii adjacent neighbours can be the same cell.
    const last = cells[lastProcessed];
    if (lastProcessed !== 0 && cell.bits === last.bits && cell.step === last.step) continue;
    if (found.length > 0 && limit > 0 && found.length >= limit) break;
    const [min, max] = cellScoreRange(cell);
    pointsInRange(z, min, max, shape, found, limit);
    lastProcessed = i;
  }
  return found;
}

const byDistanceAsc = (a: GeoPoint, b: GeoPoint): number => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);
const byDistanceDesc = (a: GeoPoint, b: GeoPoint): number => -byDistanceAsc(a, b);

export type GeoSearchVariant = 'georadius' | 'georadiusbymember' | 'geosearch' | 'geosearchstore';

/**
 * georadiusGeneric. `readOnly` is RADIUS_NOSTORE (the _RO forms); GEOSEARCHSTORE has its
 * destination at argv[1] and its source at argv[2], every other variant its source at argv[1].
 */
export function geoSearch(ctx: Ctx, argv: string[], variant: GeoSearchVariant, readOnly: boolean): void {
  const isSearch = variant === 'geosearch' || variant === 'geosearchstore';
  const srcKey = argv[variant === 'geosearchstore' ? 2 : 1];
  const z = getZSet(ctx, srcKey);
  let storeKey: string | null = null;
  let storeDist = false;
  let lon = 0;
  let lat = 0;
  let conversion = 1;
  let radius = 0;
  let width = 0;
  let height = 0;
  let kind: 'radius' | 'box' = 'radius';
  let baseArgs: number;
  if (variant === 'georadius') {
    baseArgs = 6;
    [lon, lat] = lonLatArgs(argv[2], argv[3]);
    ({ radius, conversion } = radiusArgs(argv[4], argv[5]));
  } else if (variant === 'georadiusbymember') {
    baseArgs = 5;
    // Without the key Redis still parses the options, to pick the empty reply's type.
    if (z !== undefined) {
      const pos = memberPosition(z, argv[2]);
      if (pos === null) fail(GeoErr.member);
      [lon, lat] = pos;
      ({ radius, conversion } = radiusArgs(argv[3], argv[4]));
    }
  } else {
    baseArgs = 2;
    if (variant === 'geosearchstore') {
      baseArgs = 3;
      storeKey = argv[1];
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoord = false;
  let fromMember = false;
  let fromLonLat = false;
  let byRadius = false;
  let byBox = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const j = baseArgs + i;
    const arg = argv[j];
    if (isKeyword(arg, 'WITHDIST')) withDist = true;
    else if (isKeyword(arg, 'WITHHASH')) withHash = true;
    else if (isKeyword(arg, 'WITHCOORD')) withCoord = true;
    else if (isKeyword(arg, 'ANY')) any = true;
    else if (isKeyword(arg, 'ASC')) sort = 'asc';
    else if (isKeyword(arg, 'DESC')) sort = 'desc';
    else if (isKeyword(arg, 'COUNT') && i + 1 < remaining) {
      count = intArg(argv[j + 1]);
      if (count <= 0) fail(GeoErr.countPositive);
      i++;
    } else if ((isKeyword(arg, 'STORE') || isKeyword(arg, 'STOREDIST')) && i + 1 < remaining && !readOnly && !isSearch) {
      storeKey = argv[j + 1];
      storeDist = isKeyword(arg, 'STOREDIST');
      i++;
    } else if (isKeyword(arg, 'STOREDIST') && variant === 'geosearchstore') {
      storeDist = true;
    } else if (isKeyword(arg, 'FROMMEMBER') && i + 1 < remaining && isSearch && !fromLonLat) {
      if (z !== undefined) {
        const pos = memberPosition(z, argv[j + 1]);
        if (pos === null) fail(GeoErr.member);
        [lon, lat] = pos;
      }
      fromMember = true;
      i++;
    } else if (isKeyword(arg, 'FROMLONLAT') && i + 2 < remaining && isSearch && !fromMember) {
      [lon, lat] = lonLatArgs(argv[j + 1], argv[j + 2]);
      fromLonLat = true;
      i += 2;
    } else if (isKeyword(arg, 'BYRADIUS') && i + 2 < remaining && isSearch && !byBox) {
      ({ radius, conversion } = radiusArgs(argv[j + 1], argv[j + 2]));
      kind = 'radius';
      byRadius = true;
      i += 2;
    } else if (isKeyword(arg, 'BYBOX') && i + 3 < remaining && isSearch && !byRadius) {
      width = doubleArg(argv[j + 1], GeoErr.numericWidth);
      height = doubleArg(argv[j + 2], GeoErr.numericHeight);
      if (height < 0 || width < 0) fail(GeoErr.negativeBox);
      conversion = unitArg(argv[j + 3]);
      kind = 'box';
      byBox = true;
      i += 3;
    } else fail(Err.syntax);
  }

  if (storeKey !== null && (withDist || withHash || withCoord)) {
    fail(GeoErr.storeWith(variant === 'geosearchstore' ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'));
  }
  if (isSearch && !(fromMember || fromLonLat)) fail(GeoErr.needFrom(argv[0]));
  if (isSearch && !(byRadius || byBox)) fail(GeoErr.needBy(argv[0]));
  if (any && count === 0) fail(GeoErr.anyNeedsCount);

  if (z === undefined) {
    if (storeKey === null) return ctx.out.array(0);
    return storeResult(ctx, storeKey, new ZSetValue(), 0, '');
  }

  // COUNT means "the closest N", so it implies ASC, except with ANY.
  if (count !== 0 && sort === 'none' && !any) sort = 'asc';

  const shape: GeoShape =
    kind === 'radius' ? { kind, lon, lat, conversion, radius } : { kind, lon, lat, conversion, width, height };
  const found = membersOfAllNeighbors(z, shape, any ? count : 0);
  if (found.length === 0 && storeKey === null) return ctx.out.array(0);

  const returned = count === 0 || found.length < count ? found.length : count;
  // A full sort is glibc's stable qsort; when COUNT keeps fewer, Redis's partial quicksort, which
  // leaves equally distant members in its own order.
  if (sort !== 'none') {
    const cmp = sort === 'asc' ? byDistanceAsc : byDistanceDesc;
    if (returned === found.length) found.sort(cmp);
    else pqsort(found, cmp, 0, returned - 1);
  }

  if (storeKey === null) return replyPoints(ctx, found, returned, conversion, withDist, withHash, withCoord);
  const result = ZSetValue.create(returned, 0);
  let maxMemberLength = 0;
  for (let i = 0; i < returned; i++) {
    const p = found[i];
    result.set(p.member, storeDist ? p.dist / conversion : p.score);
    maxMemberLength = Math.max(maxMemberLength, p.member.length);
  }
  storeResult(ctx, storeKey, result, maxMemberLength, isSearch ? 'geosearchstore' : 'georadiusstore');
}

function replyPoints(
  ctx: Ctx,
  points: GeoPoint[],
  returned: number,
  conversion: number,
  withDist: boolean,
  withHash: boolean,
  withCoord: boolean,
): void {
  const out = ctx.out;
  const options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
  out.array(returned);
  for (let i = 0; i < returned; i++) {
    const p = points[i];
    if (options > 0) out.array(options + 1);
    out.bulk(p.member);
    if (withDist) replyDistance(out, p.dist / conversion);
    if (withHash) out.integer(p.score);
    if (withCoord) {
      out.array(2);
      replyHumanDouble(out, p.longitude);
      replyHumanDouble(out, p.latitude);
    }
  }
}
