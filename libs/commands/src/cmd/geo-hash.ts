/**
 * Redis's geohash arithmetic (geohash.c and geohash_helper.c of Redis 7.0), reproduced operation
 * for operation in doubles so that positions, distances and the cells a search visits come out
 * bit for bit as Redis computes them. A geo set is a sorted set whose scores are 52-bit
 * interleaved hashes: latitude bits at even positions, longitude bits at odd ones.
 *
 * Encoding and neighbour arithmetic work on uint64 values and use BigInt (a few operations per
 * command); decoding, which runs once per candidate point of a search, splits the score into two
 * 32-bit halves and stays in plain numbers.
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

/** Redis's quadratic mean radius of the earth (WGS-84), in metres. */
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
/** geohash_helper.c's D_R = M_PI / 180.0, folded to one double by the compiler as here. */
const D_R = Math.PI / 180.0;

export interface GeoRange {
  min: number;
  max: number;
}

/** A cell: `bits` holds 2*step interleaved bits. step 0 with bits 0 is Redis's "zero" (skipped) cell. */
export interface GeoHashBits {
  bits: bigint;
  step: number;
}

export interface GeoArea {
  longitude: GeoRange;
  latitude: GeoRange;
}

const WGS84_LONG: GeoRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const WGS84_LAT: GeoRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** The ranges GEOHASH re-encodes with, to print standard geohash strings. */
export const STANDARD_LONG: GeoRange = { min: -180, max: 180 };
export const STANDARD_LAT: GeoRange = { min: -90, max: 90 };

const U64 = (1n << 64n) - 1n;
const EVEN_BITS = 0x5555555555555555n;
const ODD_BITS = 0xaaaaaaaaaaaaaaaan;

/** Spreads the 32 bits of v over the even bit positions of a uint64 (interleave64's half). */
function spread32(v: number): bigint {
  let x = BigInt(v >>> 0);
  x = (x | (x << 16n)) & 0x0000ffff0000ffffn;
  x = (x | (x << 8n)) & 0x00ff00ff00ff00ffn;
  x = (x | (x << 4n)) & 0x0f0f0f0f0f0f0f0fn;
  x = (x | (x << 2n)) & 0x3333333333333333n;
  x = (x | (x << 1n)) & EVEN_BITS;
  return x;
}

/** The even bits of a 32-bit value, packed into 16 bits (one half of deinterleave64). */
function compactEven(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** C's conversion of a double offset to uint32_t: truncation (offsets are within [0, 2^32)). */
function toUint32(d: number): number {
  return Math.trunc(d) >>> 0;
}

/** geohashEncode: false for coordinates outside the supported area (the hash is then unusable). */
export function geohashEncode(longRange: GeoRange, latRange: GeoRange, longitude: number, latitude: number, step: number): GeoHashBits | null {
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latRange.min || latitude > latRange.max || longitude < longRange.min || longitude > longRange.max) return null;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let longOffset = (longitude - longRange.min) / (longRange.max - longRange.min);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: spread32(toUint32(latOffset)) | (spread32(toUint32(longOffset)) << 1n), step };
}

export function geohashEncodeWGS84(longitude: number, latitude: number, step: number): GeoHashBits | null {
  return geohashEncode(WGS84_LONG, WGS84_LAT, longitude, latitude, step);
}

/** geohashAlign52Bits: the cell's bits as the prefix of a 52-bit score. */
export function align52(hash: GeoHashBits): bigint {
  return (hash.bits << BigInt(52 - hash.step * 2)) & U64;
}

/** geohashDecode from the two 32-bit halves of the interleaved bits. */
function decodeHalves(longRange: GeoRange, latRange: GeoRange, hi: number, lo: number, step: number): GeoArea {
  const ilato = (compactEven(lo) | (compactEven(hi) << 16)) >>> 0;
  const ilono = (compactEven(lo >>> 1) | (compactEven(hi >>> 1) << 16)) >>> 0;
  const latScale = latRange.max - latRange.min;
  const longScale = longRange.max - longRange.min;
  const cells = 2 ** step;
  return {
    latitude: {
      min: latRange.min + (ilato * 1.0 / cells) * latScale,
      // uint32 arithmetic: an all-ones index wraps to 0, as in C
      max: latRange.min + (((ilato + 1) >>> 0) * 1.0 / cells) * latScale,
    },
    longitude: {
      min: longRange.min + (ilono * 1.0 / cells) * longScale,
      max: longRange.min + (((ilono + 1) >>> 0) * 1.0 / cells) * longScale,
    },
  };
}

function splitBigint(bits: bigint): [hi: number, lo: number] {
  return [Number((bits >> 32n) & 0xffffffffn), Number(bits & 0xffffffffn)];
}

/** geohashDecode: the cell's bounds (Redis skips the zero cell before calling this). */
export function geohashDecode(longRange: GeoRange, latRange: GeoRange, hash: GeoHashBits): GeoArea {
  const [hi, lo] = splitBigint(hash.bits);
  return decodeHalves(longRange, latRange, hi, lo, hash.step);
}

export function geohashDecodeWGS84(hash: GeoHashBits): GeoArea {
  return geohashDecode(WGS84_LONG, WGS84_LAT, hash);
}

/**
 * decodeGeohash's `(uint64_t)score` as x86-64 code compiled by gcc does it: truncation below
 * 2^63, the 2^63 offset trick above, and 0x8000000000000000 for what cvttsd2si cannot convert.
 * So a score of -1 is all ones, +inf and NaN are 0: any score decodes, as GEOPOS shows.
 */
function scoreToUint64Halves(score: number): [hi: number, lo: number] {
  if (score >= 0 && score < 2 ** 53) {
    const v = Math.trunc(score);
    const hi = Math.floor(v / 4294967296);
    return [hi, v - hi * 4294967296];
  }
  const TWO63 = 2 ** 63;
  let bits: bigint;
  if (score < TWO63) {
    bits = score >= -TWO63 ? BigInt.asUintN(64, BigInt(Math.trunc(score))) : 1n << 63n;
  } else {
    const rest = score - TWO63; // NaN fails both comparisons and lands here too
    bits = rest < TWO63 ? BigInt(Math.trunc(rest)) + (1n << 63n) : 0n;
  }
  return splitBigint(bits);
}

/** decodeGeohash + geohashDecodeAreaToLongLat: the centre of the score's cell, clamped. */
export function decodeScore(score: number): [longitude: number, latitude: number] {
  const [hi, lo] = scoreToUint64Halves(score);
  const area = decodeHalves(WGS84_LONG, WGS84_LAT, hi, lo, GEO_STEP_MAX);
  let x = (area.longitude.min + area.longitude.max) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (area.latitude.min + area.latitude.max) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

/** geohash_move_x / geohash_move_y: one cell east/west (odd bits) or north/south (even bits). */
function move(hash: GeoHashBits, d: number, axisMask: bigint, otherMask: bigint): GeoHashBits {
  if (d === 0) return hash;
  const shift = BigInt(64 - hash.step * 2);
  let axis = hash.bits & axisMask;
  const other = hash.bits & otherMask;
  const zz = otherMask >> shift;
  if (d > 0) axis = (axis + (zz + 1n)) & U64;
  else {
    axis |= zz;
    axis = (axis - (zz + 1n)) & U64;
  }
  axis &= axisMask >> shift;
  return { bits: axis | other, step: hash.step };
}

function moveX(hash: GeoHashBits, d: number): GeoHashBits {
  return move(hash, d, ODD_BITS, EVEN_BITS);
}

function moveY(hash: GeoHashBits, d: number): GeoHashBits {
  return move(hash, d, EVEN_BITS, ODD_BITS);
}

export interface GeoNeighbors {
  north: GeoHashBits;
  south: GeoHashBits;
  east: GeoHashBits;
  west: GeoHashBits;
  northEast: GeoHashBits;
  northWest: GeoHashBits;
  southEast: GeoHashBits;
  southWest: GeoHashBits;
}

export function geohashNeighbors(hash: GeoHashBits): GeoNeighbors {
  return {
    east: moveY(moveX(hash, 1), 0),
    west: moveY(moveX(hash, -1), 0),
    south: moveY(moveX(hash, 0), -1),
    north: moveY(moveX(hash, 0), 1),
    northWest: moveY(moveX(hash, -1), 1),
    northEast: moveY(moveX(hash, 1), 1),
    southEast: moveY(moveX(hash, 1), -1),
    southWest: moveY(moveX(hash, -1), -1),
  };
}

/** geohashEstimateStepsByRadius */
export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2; // make sure the range is included in most of the base cases
  // Wider range towards the poles (an approximation Redis keeps).
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

function degRad(ang: number): number {
  return ang * D_R;
}

function radDeg(ang: number): number {
  return ang / D_R;
}

/** geohashGetDistance: haversine great-circle distance in metres. */
export function geohashGetDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lat1r = degRad(lat1d);
  const lon1r = degRad(lon1d);
  const lat2r = degRad(lat2d);
  const lon2r = degRad(lon2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const v = Math.sin((lon2r - lon1r) / 2);
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}

/** A search area: centre, and either a radius or a box (width, height), in the unit of `conversion`. */
export type GeoShape =
  | { kind: 'radius'; lon: number; lat: number; conversion: number; radius: number }
  | { kind: 'box'; lon: number; lat: number; conversion: number; width: number; height: number };

/**
 * The distance in metres from the shape's centre to (lon, lat) when the point is inside the shape
 * (geohashGetDistanceIfInRadiusWGS84 / geohashGetDistanceIfInRectangle), otherwise null.
 */
export function distanceIfInShape(shape: GeoShape, lon: number, lat: number): number | null {
  if (shape.kind === 'radius') {
    const distance = geohashGetDistance(shape.lon, shape.lat, lon, lat);
    return distance > shape.radius * shape.conversion ? null : distance;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  const lonDistance = geohashGetDistance(lon, lat, shape.lon, lat);
  const latDistance = geohashGetDistance(lon, lat, lon, shape.lat);
  if (lonDistance > widthM / 2 || latDistance > heightM / 2) return null;
  return geohashGetDistance(shape.lon, shape.lat, lon, lat);
}

/** geohashBoundingBox: [minLon, minLat, maxLon, maxLat] of the shape. */
function boundingBox(shape: GeoShape): [number, number, number, number] {
  const { lon, lat, conversion } = shape;
  const height = conversion * (shape.kind === 'radius' ? shape.radius : shape.height / 2);
  const width = conversion * (shape.kind === 'radius' ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(lat + latDelta)));
  const longDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(lat - latDelta)));
  // The box's wider edge is the one nearer the equator.
  const southern = lat < 0;
  return [
    southern ? lon - longDeltaBottom : lon - longDeltaTop,
    lat - latDelta,
    southern ? lon + longDeltaBottom : lon + longDeltaTop,
    lat + latDelta,
  ];
}

const ZERO_CELL: GeoHashBits = { bits: 0n, step: 0 };

/**
 * geohashCalculateAreasByShapeWGS84: the centre cell and its eight neighbours, in the order
 * membersOfAllNeighbors visits them (centre, N, S, E, W, NE, NW, SE, SW); cells that cannot hold
 * a match are the zero cell.
 */
export function areasByShape(shape: GeoShape): GeoHashBits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const radiusMeters =
    (shape.kind === 'radius'
      ? shape.radius
      : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))) * shape.conversion;
  let steps = estimateStepsByRadius(radiusMeters, shape.lat);
  // The centre is valid (checked or decoded), so encoding succeeds.
  let hash = geohashEncodeWGS84(shape.lon, shape.lat, steps) as GeoHashBits;
  let n = geohashNeighbors(hash);
  let area = geohashDecodeWGS84(hash);
  // The estimated step can be too fine when the search area reaches past the neighbours.
  const north = geohashDecodeWGS84(n.north);
  const south = geohashDecodeWGS84(n.south);
  const east = geohashDecodeWGS84(n.east);
  const west = geohashDecodeWGS84(n.west);
  const decreaseStep =
    north.latitude.max < maxLat || south.latitude.min > minLat || east.longitude.max < maxLon || west.longitude.min > minLon;
  if (steps > 1 && decreaseStep) {
    steps--;
    hash = geohashEncodeWGS84(shape.lon, shape.lat, steps) as GeoHashBits;
    n = geohashNeighbors(hash);
    area = geohashDecodeWGS84(hash);
  }
  // Exclude the neighbours the search area cannot reach.
  if (steps >= 2) {
    if (area.latitude.min < minLat) n.south = n.southWest = n.southEast = ZERO_CELL;
    if (area.latitude.max > maxLat) n.north = n.northEast = n.northWest = ZERO_CELL;
    if (area.longitude.min < minLon) n.west = n.southWest = n.northWest = ZERO_CELL;
    if (area.longitude.max > maxLon) n.east = n.southEast = n.northEast = ZERO_CELL;
  }
  return [hash, n.north, n.south, n.east, n.west, n.northEast, n.northWest, n.southEast, n.southWest];
}

export function isZeroCell(hash: GeoHashBits): boolean {
  return hash.bits === 0n && hash.step === 0;
}

/** scoresOfGeoHashBox: the scores [min, max) of every point inside the cell. */
export function cellScoreRange(hash: GeoHashBits): [min: number, max: number] {
  return [Number(align52(hash)), Number(align52({ bits: hash.bits + 1n, step: hash.step }))];
}

/** The 11-character standard geohash GEOHASH replies (the 11th character is always '0'). */
export function standardGeohash(longitude: number, latitude: number): string {
  const alphabet = '0123456789bcdefghjkmnpqrstuvwxyz';
  const hash = geohashEncode(STANDARD_LONG, STANDARD_LAT, longitude, latitude, 26);
  const bits = hash === null ? 0n : hash.bits;
  let out = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += alphabet[idx];
  }
  return out;
}
