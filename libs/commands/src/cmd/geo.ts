/**
 * Geo commands of Redis 7.0 (geo.c). A geo set is a sorted set whose scores are 52-bit geohashes
 * (geo-hash.ts); GEOADD is ZADD with computed scores, the searches live in geo-search.ts.
 */
import { isKeyword } from '../args';
import type { Ctx } from '../context';
import { Err, fail } from '../errors';
import type { CommandDef, KeySpec } from '../table';
import { align52, decodeScore, GEO_STEP_MAX, geohashEncodeWGS84, geohashGetDistance, standardGeohash } from './geo-hash';
import { replyDistance, replyHumanDouble } from './geo-format';
import { geoSearch, GeoSearchVariant, lonLatArgs, unitArg } from './geo-search';
import { KEY1 } from './zset-common';
import { getZSet } from './util';

/**
 * GEOADD key [NX|XX] [CH] lon lat member ...: validated here, then run as the ZADD Redis
 * rewrites it into (the same replies, notifications and propagation).
 */
function geoadd(ctx: Ctx, argv: string[]): void {
  let xx = false;
  let nx = false;
  let longIdx = 2;
  for (; longIdx < argv.length; longIdx++) {
    const opt = argv[longIdx];
    if (isKeyword(opt, 'NX')) nx = true;
    else if (isKeyword(opt, 'XX')) xx = true;
    else if (!isKeyword(opt, 'CH')) break;
  }
  if ((argv.length - longIdx) % 3 !== 0 || (xx && nx)) fail(Err.syntax);
  const zaddArgv = ['zadd', ...argv.slice(1, longIdx)];
  for (let i = longIdx; i < argv.length; i += 3) {
    const [lon, lat] = lonLatArgs(argv[i], argv[i + 1]);
    const hash = geohashEncodeWGS84(lon, lat, GEO_STEP_MAX);
    // lonLatArgs has checked the range, so the encoding exists.
    zaddArgv.push(hash === null ? '0' : align52(hash).toString(), argv[i + 2]);
  }
  const zadd = ctx.server.commands.get('zadd')?.handler;
  if (zadd === undefined) throw new Error('geoadd: zadd is not in the command table');
  // What the WAL and replicas get is the ZADD (zadd itself replaces it with nothing on no change).
  ctx.propagate(zaddArgv);
  zadd(ctx, zaddArgv);
}

/** GEODIST key member1 member2 [unit]: the unit is checked before the key. */
function geodist(ctx: Ctx, argv: string[]): void {
  let toMeters = 1;
  if (argv.length === 5) toMeters = unitArg(argv[4]);
  else if (argv.length > 5) fail(Err.syntax);
  const z = getZSet(ctx, argv[1]);
  const score1 = z?.score(argv[2]);
  const score2 = z?.score(argv[3]);
  if (score1 === undefined || score2 === undefined) return ctx.out.nullBulk();
  const [lon1, lat1] = decodeScore(score1);
  const [lon2, lat2] = decodeScore(score2);
  replyDistance(ctx.out, geohashGetDistance(lon1, lat1, lon2, lat2) / toMeters);
}

/** GEOHASH key member ...: standard geohash strings (re-encoded with latitudes of ±90). */
function geohash(ctx: Ctx, argv: string[]): void {
  const z = getZSet(ctx, argv[1]);
  ctx.out.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]);
    if (score === undefined) ctx.out.nullBulk();
    else ctx.out.bulk(standardGeohash(...decodeScore(score)));
  }
}

/** GEOPOS key member ...: the centre of each member's cell, printed as Redis prints long doubles. */
function geopos(ctx: Ctx, argv: string[]): void {
  const z = getZSet(ctx, argv[1]);
  ctx.out.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]);
    if (score === undefined) {
      ctx.out.nullArray();
      continue;
    }
    const [lon, lat] = decodeScore(score);
    ctx.out.array(2);
    replyHumanDouble(ctx.out, lon);
    replyHumanDouble(ctx.out, lat);
  }
}

/**
 * GEORADIUS's keys as Redis 7.0's key specs give them (COMMAND GETKEYS): the source, then the key
 * after the first STORE and after the first STOREDIST from the options on (the handler itself
 * writes to the last of them; several are rare and Redis reports them this way too).
 */
function georadiusKeys(optionsStart: number): KeySpec {
  const find = (argv: string[]): number[] => {
    const keys = [1];
    for (const keyword of ['STORE', 'STOREDIST']) {
      for (let i = optionsStart; i < argv.length - 1; i++) {
        if (isKeyword(argv[i], keyword)) {
          keys.push(i + 1);
          break;
        }
      }
    }
    return keys;
  };
  return { first: 1, last: 1, step: 1, find };
}

const SEARCH_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape';
const RADIUS_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.';

function gdef(
  name: string,
  arity: number,
  flags: CommandDef['flags'],
  keys: KeySpec,
  since: string,
  summary: string,
  complexity: string,
  handler: CommandDef['handler'],
): CommandDef {
  return { name, arity, flags, keys, acl: ['geo'], group: 'geo', since, summary, complexity, handler };
}

function search(variant: GeoSearchVariant, readOnly: boolean): CommandDef['handler'] {
  return (ctx, argv) => geoSearch(ctx, argv, variant, readOnly);
}

const WRITE: CommandDef['flags'] = ['write', 'denyoom'];
const READ: CommandDef['flags'] = ['readonly'];

export const geoCommands: CommandDef[] = [
  gdef('geoadd', -5, WRITE, KEY1, '3.2.0', 'Add one or more geospatial items in the geospatial index represented using a sorted set',
    'O(log(N)) for each item added, where N is the number of elements in the sorted set.', geoadd),
  gdef('geodist', -4, READ, KEY1, '3.2.0', 'Returns the distance between two members of a geospatial index', 'O(log(N))', geodist),
  gdef('geohash', -2, READ, KEY1, '3.2.0', 'Returns members of a geospatial index as standard geohash strings',
    'O(log(N)) for each member requested, where N is the number of elements in the sorted set.', geohash),
  gdef('geopos', -2, READ, KEY1, '3.2.0', 'Returns longitude and latitude of members of a geospatial index',
    'O(N) where N is the number of members requested.', geopos),
  gdef('geosearch', -7, READ, KEY1, '6.2.0',
    'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.',
    SEARCH_COMPLEXITY, search('geosearch', false)),
  gdef('geosearchstore', -8, WRITE, { first: 1, last: 2, step: 1 }, '6.2.0',
    'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.',
    SEARCH_COMPLEXITY, search('geosearchstore', false)),
  gdef('georadius', -6, WRITE, georadiusKeys(6), '3.2.0',
    'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point',
    RADIUS_COMPLEXITY, search('georadius', false)),
  gdef('georadius_ro', -6, READ, KEY1, '3.2.10', 'A read-only variant for GEORADIUS', RADIUS_COMPLEXITY,
    search('georadius', true)),
  gdef('georadiusbymember', -5, WRITE, georadiusKeys(5), '3.2.0',
    'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member',
    RADIUS_COMPLEXITY, search('georadiusbymember', false)),
  gdef('georadiusbymember_ro', -5, READ, KEY1, '3.2.10', 'A read-only variant for GEORADIUSBYMEMBER', RADIUS_COMPLEXITY,
    search('georadiusbymember', true)),
];
