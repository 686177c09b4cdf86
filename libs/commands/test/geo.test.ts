// Geo commands. The scenarios below were recorded from Redis 7.0.15 (a scratch redis-server, raw
// replies) and are replayed through the real reply writer: each reply is compared as the RESP it
// puts on the wire, written as tokens ("*2 $Palermo ,13.36138933897018433 _"), so coordinates,
// distances and error texts must match byte for byte.
import { ValueCollector } from '@strata/resp';
import { TestServer } from './harness';
import { WireServer } from './wire-server';
import { formatFixed, formatHumanDouble } from '../src/cmd/geo-format';
import { pqsort } from '../src/cmd/sort-pqsort';

type Step = [argv: string[], expected: string];
type Scenario = [name: string, proto: 2 | 3, steps: Step[]];

const SCENARIOS: Scenario[] = [
  ['GEOADD: NX XX CH, validation and Redis\'s error texts', 2, [
    [['geoadd', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'], ':2'],
    [['geoadd', 'Sicily', '13.361389', '38.115556', 'Palermo'], ':0'],
    [['geoadd', 'Sicily', 'ch', '13.4', '38.1', 'Palermo', '12.758489', '38.788135', 'edge1'], ':2'],
    [['geoadd', 'Sicily', 'nx', 'ch', '1', '1', 'Palermo', '2', '2', 'nxnew'], ':1'],
    [['geoadd', 'Sicily', 'xx', '1', '1', 'Palermo', '2', '2', 'xxnew'], ':0'],
    [['geoadd', 'Sicily', 'xx', 'ch', '13.361389', '38.115556', 'Palermo', '2', '2', 'xxnew'], ':1'],
    [['geoadd', 'Sicily', 'CH', 'XX', '13.361389', '38.115556', 'Palermo'], ':0'],
    [['zcard', 'Sicily'], ':4'],
    [['zscore', 'Sicily', 'Palermo'], '$3479099956230698'],
    [['geoadd', 'Sicily', 'nx', 'xx', '1', '2', 'a'], '-ERR syntax error'],
    [['geoadd', 'Sicily', '1', '2', 'a', '3'], '-ERR syntax error'],
    [['geoadd', 'Sicily', 'GT', '1', '1', 'x'], '-ERR syntax error'],
    [['geoadd', 'Sicily', 'ch', 'ch', 'ch'], '-ERR syntax error'],
    [['geoadd', 'Sicily', 'abc', '2', 'a'], '-ERR value is not a valid float'],
    [['geoadd', 'Sicily', '1', '2x', 'a'], '-ERR value is not a valid float'],
    [['geoadd', 'Sicily', 'nan', '1', 'x'], '-ERR value is not a valid float'],
    [['geoadd', 'Sicily', '181', '0', 'x'], '-ERR invalid longitude,latitude pair 181.000000,0.000000'],
    [['geoadd', 'Sicily', '0', '86', 'x'], '-ERR invalid longitude,latitude pair 0.000000,86.000000'],
    [['geoadd', 'Sicily', '-180.0000001', '0', 'x'], '-ERR invalid longitude,latitude pair -180.000000,0.000000'],
    [['geoadd', 'Sicily', '1', '85.05112879', 'x'], '-ERR invalid longitude,latitude pair 1.000000,85.051129'],
    [['geoadd', 'Sicily', 'inf', '1', 'x'], '-ERR invalid longitude,latitude pair inf,1.000000'],
    [['geoadd', 'Sicily', '-inf', '-inf', 'x'], '-ERR invalid longitude,latitude pair -inf,-inf'],
    [['geoadd', 'Sicily', '0.5', '90.1234567895', 'x'], '-ERR invalid longitude,latitude pair 0.500000,90.123457'],
    [['geoadd', 'Sicily', '1', '2', 'ok', '200', '1', 'bad'],
      '-ERR invalid longitude,latitude pair 200.000000,1.000000'],
    [['zscore', 'Sicily', 'ok'], '$-1'],
    [[
      'geoadd', 'Sicily', '180', '85.05112878', 'ne', '-180', '-85.05112878', 'sw', '-0.5', '-1e-7', 'tiny',
      '0', '0', 'origin',
    ],
      ':4'],
    [['zmscore', 'Sicily', 'ne', 'sw', 'tiny', 'origin'],
      '*4 $13510798882111488 $0 $1125890635333079 $3377699720527872'],
    [['geoadd', 'nokey', 'xx', '1', '1', 'a'], ':0'],
    [['exists', 'nokey'], ':0'],
    [['set', 'str', 'x'], '+OK'],
    [['geoadd', 'str', '1', '1', 'x'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['geoadd', 'Sicily', '1', '2'], '-ERR wrong number of arguments for \'geoadd\' command'],
  ]],
  ['GEOPOS GEOHASH GEODIST (RESP2)', 2, [
    [['geoadd', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'], ':2'],
    [['geoadd', 'Sicily', '180', '85.05112878', 'ne', '-180', '-85.05112878', 'sw', '-0.5', '-1e-7', 'tiny'], ':3'],
    [['geopos', 'Sicily', 'Palermo', 'Catania', 'nope', 'ne', 'sw', 'tiny'],
      '*6 *2 $13.36138933897018433 $38.11555639549629859 *2 $15.08726745843887329 $37.50266842333162032 *-1 ' +
      '*2 $180 $85.0511287799999991 *2 $-179.99999731779098511 $-85.05112751263942528 *2 ' +
      '$-0.49999862909317017 $-0.00000126736058093'],
    [['geopos', 'Sicily'], '*0'],
    [['geopos', 'nokey', 'a', 'b'], '*2 *-1 *-1'],
    [['geohash', 'Sicily', 'Palermo', 'Catania', 'nope', 'ne', 'sw', 'tiny'],
      '*6 $sqc8b49rny0 $sqdtr74hyu0 $-1 $bp05b5048p0 $00bh0hbj200 $7zzxuxgzvp0'],
    [['geohash', 'Sicily'], '*0'],
    [['geohash', 'nokey', 'a'], '*1 $-1'],
    [['geodist', 'Sicily', 'Palermo', 'Catania'], '$166274.1516'],
    [['geodist', 'Sicily', 'Palermo', 'Catania', 'm'], '$166274.1516'],
    [['geodist', 'Sicily', 'Palermo', 'Catania', 'KM'], '$166.2742'],
    [['geodist', 'Sicily', 'Palermo', 'Catania', 'ft'], '$545518.8700'],
    [['geodist', 'Sicily', 'Palermo', 'Catania', 'Mi'], '$103.3182'],
    [['geodist', 'Sicily', 'Palermo', 'Palermo'], '$0.0000'],
    [['geodist', 'Sicily', 'ne', 'sw', 'km'], '$18919.8446'],
    [['geodist', 'Sicily', 'Palermo', 'nope'], '$-1'],
    [['geodist', 'nokey', 'Palermo', 'Catania'], '$-1'],
    [['geodist', 'Sicily', 'Palermo', 'Catania', 'yards'],
      '-ERR unsupported unit provided. please use M, KM, FT, MI'],
    [['geodist', 'nokey', 'Palermo', 'Catania', 'yards'], '-ERR unsupported unit provided. please use M, KM, FT, MI'],
    [['geodist', 'Sicily', 'Palermo', 'Catania', 'km', 'x'], '-ERR syntax error'],
    [['geodist', 'Sicily', 'Palermo'], '-ERR wrong number of arguments for \'geodist\' command'],
    [[
      'zadd', 'z', '-1', 'neg', '1e300', 'big', '-inf', 'ninf', 'inf', 'pinf', '0', 'zero', '0.5', 'half',
      '9007199254740993', 'p53', '18446744073709551615', 'u64', '9223372036854775808', 'p63',
      '-9223372036854775809', 'nbig', '123456789.75', 'frac',
    ],
      ':11'],
    [['geopos', 'z', 'neg', 'big', 'ninf', 'pinf', 'zero', 'half', 'p53', 'u64', 'p63', 'nbig', 'frac'],
      '*11 *2 $180 $85.0511287799999991 *2 $-179.99999731779098511 $-85.05112751263942528 *2 $180 ' +
      '$-85.05112751263942528 *2 $-179.99999731779098511 $-85.05112751263942528 *2 $-179.99999731779098511 ' +
      '$-85.05112751263942528 *2 $-179.99999731779098511 $-85.05112751263942528 *2 $180 ' +
      '$-85.05112751263942528 *2 $-179.99999731779098511 $-85.05112751263942528 *2 $180 ' +
      '$-85.05112751263942528 *2 $180 $-85.05112751263942528 *2 $-179.97304648160934448 ' +
      '$-85.01108145304303321'],
    [['geohash', 'z', 'neg', 'big', 'ninf', 'pinf', 'zero', 'half', 'p53', 'u64', 'p63', 'nbig', 'frac'],
      '*11 $bp05b5048p0 $00bh0hbj200 $00bh0hbj200 $00bh0hbj200 $00bh0hbj200 $00bh0hbj200 $00bh0hbj200 ' +
      '$00bh0hbj200 $00bh0hbj200 $00bh0hbj200 $00bh2s5ws10'],
    [['geodist', 'z', 'neg', 'zero'], '$18919844.5891'],
    [['geodist', 'z', 'frac', 'half', 'mi'], '$2.7724'],
    [['set', 'str', 'x'], '+OK'],
    [['geopos', 'str', 'x'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['geohash', 'str', 'x'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['geodist', 'str', 'x', 'y'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['geodist', 'str', 'x', 'y', 'foo'], '-ERR unsupported unit provided. please use M, KM, FT, MI'],
  ]],
  ['GEOPOS GEOHASH GEODIST (RESP3)', 3, [
    [['geoadd', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'], ':2'],
    [['geopos', 'Sicily', 'Palermo', 'nope', 'Catania'],
      '*3 *2 ,13.36138933897018433 ,38.11555639549629859 _ *2 ,15.08726745843887329 ,37.50266842333162032'],
    [['geopos', 'nokey', 'a'], '*1 _'],
    [['geohash', 'Sicily', 'Palermo', 'nope'], '*2 $sqc8b49rny0 _'],
    [['geodist', 'Sicily', 'Palermo', 'Catania', 'km'], '$166.2742'],
    [['geodist', 'Sicily', 'Palermo', 'nope'], '_'],
    [['geodist', 'nokey', 'a', 'b'], '_'],
  ]],
  ['GEOSEARCH and GEORADIUS: argument errors in Redis\'s order', 2, [
    [['geoadd', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'], ':2'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo'], '-ERR wrong number of arguments for \'geosearch\' command'],
    [['geosearch', 'Sicily', 'withdist', 'withcoord', 'x', 'y', 'z'], '-ERR syntax error'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo', 'withdist', 'x', 'y'], '-ERR syntax error'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo', 'fromlonlat', '1', '2', 'byradius', '1', 'm'],
      '-ERR syntax error'],
    [['geosearch', 'Sicily', 'fromlonlat', '1', '2', 'frommember', 'Palermo', 'byradius', '1', 'm'],
      '-ERR syntax error'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo', 'byradius', '1', 'm', 'bybox', '1', '2', 'm'],
      '-ERR syntax error'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo', 'bybox', '1', '2', 'm', 'byradius', '1', 'm'],
      '-ERR syntax error'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo', 'byradius', '1'],
      '-ERR wrong number of arguments for \'geosearch\' command'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo', 'bybox', '1', '2'], '-ERR syntax error'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo', 'byradius', '1', 'm', 'store', 'x'], '-ERR syntax error'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo', 'byradius', '1', 'm', 'storedist'], '-ERR syntax error'],
    [['geosearch', 'Sicily', 'byradius', '1', 'm', 'withdist', 'withcoord'],
      '-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch'],
    [['GeoSearch', 'Sicily', 'frommember', 'Palermo', 'withdist', 'withcoord', 'asc'],
      '-ERR exactly one of BYRADIUS and BYBOX can be specified for GeoSearch'],
    [['geosearch', 'Sicily', 'frommember', 'nope', 'byradius', '10', 'km'],
      '-ERR could not decode requested zset member'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '200', 'km', 'any'],
      '-ERR the ANY argument requires COUNT argument'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '200', 'km', 'count', '0'],
      '-ERR COUNT must be > 0'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '200', 'km', 'count', '-3'],
      '-ERR COUNT must be > 0'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '200', 'km', 'count', '1.5'],
      '-ERR value is not an integer or out of range'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '200', 'km', 'count'], '-ERR syntax error'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '-1', 'km'], '-ERR radius cannot be negative'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', 'x', 'km'], '-ERR need numeric radius'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '1', 'yards'],
      '-ERR unsupported unit provided. please use M, KM, FT, MI'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'bybox', 'x', '1', 'km'], '-ERR need numeric width'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '1', 'x', 'km'], '-ERR need numeric height'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '-1', '1', 'km'],
      '-ERR height or width cannot be negative'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '1', '-1', 'km'],
      '-ERR height or width cannot be negative'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '1', '1', 'lightyears'],
      '-ERR unsupported unit provided. please use M, KM, FT, MI'],
    [['geosearch', 'Sicily', 'fromlonlat', '200', '1', 'byradius', '1', 'm'],
      '-ERR invalid longitude,latitude pair 200.000000,1.000000'],
    [['geosearch', 'Sicily', 'fromlonlat', 'x', '1', 'byradius', '1', 'm'], '-ERR value is not a valid float'],
    [['geosearchstore', 'd', 'Sicily', 'frommember', 'Palermo', 'byradius', '1', 'm', 'withdist'],
      '-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options'],
    [['geosearchstore', 'd', 'Sicily', 'frommember', 'Palermo', 'byradius', '1', 'm', 'withhash'],
      '-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options'],
    [['geosearchstore', 'd', 'Sicily', 'frommember', 'Palermo', 'byradius', '1', 'm', 'store', 'x'],
      '-ERR syntax error'],
    [['GeoSearchStore', 'd', 'Sicily', 'byradius', '1', 'm'],
      '-ERR wrong number of arguments for \'geosearchstore\' command'],
    [['georadius', 'Sicily', 'x', 'y', '1', 'm'], '-ERR value is not a valid float'],
    [['georadius', 'Sicily', '1', 'y', '1', 'm'], '-ERR value is not a valid float'],
    [['georadius', 'Sicily', '1', '91', '1', 'm'], '-ERR invalid longitude,latitude pair 1.000000,91.000000'],
    [['georadius', 'Sicily', '1', '1', '-1', 'm'], '-ERR radius cannot be negative'],
    [['georadius', 'Sicily', '1', '1', 'x', 'm'], '-ERR need numeric radius'],
    [['georadius', 'Sicily', '1', '1', '1', 'mm'], '-ERR unsupported unit provided. please use M, KM, FT, MI'],
    [['georadius', 'Sicily', '1', '1', '1', 'm', 'count'], '-ERR syntax error'],
    [['georadius', 'Sicily', '1', '1', '1', 'm', 'count', 'x'], '-ERR value is not an integer or out of range'],
    [['georadius', 'Sicily', '1', '1', '1', 'm', 'count', '-1'], '-ERR COUNT must be > 0'],
    [['georadius', 'Sicily', '1', '1', '1', 'm', 'store'], '-ERR syntax error'],
    [['georadius', 'Sicily', '1', '1', '1', 'm', 'frommember', 'Palermo'], '-ERR syntax error'],
    [['georadius', 'Sicily', '15', '37', '200', 'km', 'store', 'x', 'withdist'],
      '-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options'],
    [['georadius', 'Sicily', '15', '37', '200', 'km', 'storedist', 'x', 'withcoord'],
      '-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options'],
    [['georadius_ro', 'Sicily', '15', '37', '200', 'km', 'store', 'x'], '-ERR syntax error'],
    [['georadius_ro', 'Sicily', '15', '37', '200', 'km', 'storedist', 'x'], '-ERR syntax error'],
    [['georadiusbymember', 'Sicily', 'nope', '1', 'm'], '-ERR could not decode requested zset member'],
    [['georadiusbymember', 'Sicily', 'Palermo', '1', 'mm'],
      '-ERR unsupported unit provided. please use M, KM, FT, MI'],
    [['georadiusbymember_ro', 'Sicily', 'Palermo', '1', 'm', 'store', 'x'], '-ERR syntax error'],
    [['georadiusbymember', 'nokey', 'nope', '1', 'mm'], '*0'],
    [['georadiusbymember', 'nokey', 'nope', '1', 'm', 'any'], '-ERR the ANY argument requires COUNT argument'],
    [['georadius', 'nokey', '1', '1', '1', 'mm'], '-ERR unsupported unit provided. please use M, KM, FT, MI'],
    [['geosearch', 'nokey', 'frommember', 'x', 'byradius', '1', 'mm'],
      '-ERR unsupported unit provided. please use M, KM, FT, MI'],
    [['geosearch', 'nokey', 'frommember', 'x', 'byradius', '1', 'm'], '*0'],
    [['set', 'str', 'x'], '+OK'],
    [['georadius', 'str', 'x', 'y', '1', 'm'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['georadiusbymember', 'str', 'x', 'y', '1', 'm'],
      '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['geosearch', 'str', 'x', 'y', '1', 'm', 'z'],
      '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    [['geosearchstore', 'd', 'str', 'x', 'y', '1', 'm', 'z'],
      '-WRONGTYPE Operation against a key holding the wrong kind of value'],
  ]],
  ['GEOSEARCH and GEORADIUS replies (RESP2)', 2, [
    [['geoadd', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'], ':2'],
    [['geoadd', 'Sicily', '12.758489', '38.788135', 'edge1', '17.241510', '38.788135', 'edge2'], ':2'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '200', 'km', 'asc'], '*2 $Catania $Palermo'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '200', 'km', 'desc'], '*2 $Palermo $Catania'],
    [[
      'geosearch', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '400', '400', 'km', 'asc', 'withcoord',
      'withdist', 'withhash',
    ],
      '*4 *4 $Catania $56.4413 :3479447370796909 *2 $15.08726745843887329 $37.50266842333162032 *4 $Palermo ' +
      '$190.4424 :3479099956230698 *2 $13.36138933897018433 $38.11555639549629859 *4 $edge2 $279.7403 ' +
      ':3481342659049484 *2 $17.24151045083999634 $38.78813451624225195 *4 $edge1 $279.7405 ' +
      ':3479273021651468 *2 $12.7584877610206604 $38.78813451624225195'],
    [[
      'geosearch', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '400', '400', 'km', 'desc', 'count', '2',
      'withdist',
    ],
      '*2 *2 $edge1 $279.7405 *2 $edge2 $279.7403'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo', 'byradius', '200', 'km', 'withdist'],
      '*3 *2 $Palermo $0.0000 *2 $edge1 $91.4007 *2 $Catania $166.2742'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo', 'byradius', '200', 'km', 'count', '1', 'any'], '*1 $Palermo'],
    [['geosearch', 'Sicily', 'frommember', 'Palermo', 'byradius', '0', 'km', 'withdist'], '*1 *2 $Palermo $0.0000'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '1', 'm'], '*0'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '1000', '1000', 'MI', 'asc', 'withdist'],
      '*4 *2 $Catania $35.0711 *2 $Palermo $118.3357 *2 $edge2 $173.8230 *2 $edge1 $173.8231'],
    [['geosearch', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '300000', 'ft', 'asc', 'withdist'],
      '*1 *2 $Catania $185174.7305'],
    [['georadius', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'WITHCOORD', 'ASC'],
      '*2 *3 $Catania $56.4413 *2 $15.08726745843887329 $37.50266842333162032 *3 $Palermo $190.4424 *2 ' +
      '$13.36138933897018433 $38.11555639549629859'],
    [['georadius', 'Sicily', '15', '37', '200', 'km', 'withhash', 'count', '1'], '*1 *2 $Catania :3479447370796909'],
    [['georadius_ro', 'Sicily', '15', '37', '200', 'km', 'desc'], '*2 $Palermo $Catania'],
    [['georadiusbymember', 'Sicily', 'Palermo', '200', 'km', 'withdist', 'asc'],
      '*3 *2 $Palermo $0.0000 *2 $edge1 $91.4007 *2 $Catania $166.2742'],
    [['georadiusbymember_ro', 'Sicily', 'Catania', '100', 'km', 'withdist', 'withcoord', 'desc'],
      '*1 *3 $Catania $0.0000 *2 $15.08726745843887329 $37.50266842333162032'],
    [['geosearch', 'nokey', 'frommember', 'x', 'byradius', '1', 'm'], '*0'],
  ]],
  ['GEOSEARCH and GEORADIUS replies (RESP3)', 3, [
    [['geoadd', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'], ':2'],
    [[
      'geosearch', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '400', '400', 'km', 'asc', 'withcoord',
      'withdist', 'withhash',
    ],
      '*2 *4 $Catania $56.4413 :3479447370796909 *2 ,15.08726745843887329 ,37.50266842333162032 *4 $Palermo ' +
      '$190.4424 :3479099956230698 *2 ,13.36138933897018433 ,38.11555639549629859'],
    [['georadius', 'Sicily', '15', '37', '200', 'km', 'withcoord', 'count', '1'],
      '*1 *2 $Catania *2 ,15.08726745843887329 ,37.50266842333162032'],
    [['georadiusbymember', 'Sicily', 'Palermo', '1', 'm'], '*1 $Palermo'],
    [['geosearch', 'Sicily', 'fromlonlat', '0', '0', 'byradius', '1', 'm'], '*0'],
  ]],
  ['GEOSEARCHSTORE and GEORADIUS STORE/STOREDIST', 2, [
    [['geoadd', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'], ':2'],
    [[
      'geosearchstore', 'd', 'Sicily', 'fromlonlat', '15', '37', 'bybox', '400', '400', 'km', 'asc', 'count',
      '3',
    ],
      ':2'],
    [['zrange', 'd', '0', '-1', 'withscores'], '*4 $Palermo $3479099956230698 $Catania $3479447370796909'],
    [[
      'geosearchstore', 'd2', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '200', 'km', 'desc', 'storedist',
    ],
      ':2'],
    [['zrange', 'd2', '0', '-1', 'withscores'], '*4 $Catania $56.441257870158204 $Palermo $190.44242984775784'],
    [['geosearchstore', 'd2', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '1', 'm'], ':0'],
    [['exists', 'd2'], ':0'],
    [['georadius', 'Sicily', '15', '37', '200', 'km', 'store', 'r1'], ':2'],
    [['zrange', 'r1', '0', '-1', 'withscores'], '*4 $Palermo $3479099956230698 $Catania $3479447370796909'],
    [['georadius', 'Sicily', '15', '37', '200', 'km', 'store', 'ignored', 'storedist', 'r2'], ':2'],
    [['zrange', 'r2', '0', '-1', 'withscores'], '*4 $Catania $56.441257870158204 $Palermo $190.44242984775784'],
    [['exists', 'ignored'], ':0'],
    [['georadiusbymember', 'Sicily', 'Palermo', '100', 'km', 'storedist', 'r3', 'count', '1'], ':1'],
    [['zrange', 'r3', '0', '-1', 'withscores'], '*2 $Palermo $0'],
    [['set', 'r4', 'x'], '+OK'],
    [['georadiusbymember', 'nokey', 'x', '1', 'm', 'store', 'r4'], ':0'],
    [['exists', 'r4'], ':0'],
    [['geosearchstore', 'd', 'nokey', 'frommember', 'x', 'byradius', '1', 'm'], ':0'],
    [['exists', 'd'], ':0'],
    [['geosearchstore', 'Sicily', 'Sicily', 'frommember', 'Palermo', 'byradius', '10', 'km'], ':1'],
    [['zrange', 'Sicily', '0', '-1'], '*1 $Palermo'],
  ]],
  ['a point cloud: ties, COUNT and ANY, the antimeridian, near the pole, huge radii', 2, [
    [[
      'geoadd', 'cloud', '2.443092', '48.791444', 'm00', '2.443092', '48.791444', 'twin00', '180.000000',
      '-16.657293', 'm01', '-69.933702', '81.979333', 'm02', '2.411483', '48.810986', 'm03', '179.705334',
      '-16.550327', 'm04', '-68.697660', '81.345440', 'm05', '2.228687', '48.893059', 'm06', '180.000000',
      '-16.304875', 'm07', '-68.797717', '81.928514', 'm08', '2.373399', '48.887648', 'm09', '179.699994',
      '-16.418445', 'm10', '179.699994', '-16.418445', 'twin10', '-69.134866', '82.959035', 'm11', '2.247413',
      '48.833637', 'm12', '180.000000', '-16.404042', 'm13', '-71.308887', '81.031411', 'm14', '2.519546',
      '48.712362', 'm15', '179.977946', '-16.601721', 'm16', '-69.774154', '82.030438', 'm17', '2.288470',
      '48.754785', 'm18', '180.000000', '-16.413382', 'm19', '-70.780231', '82.942957', 'm20', '-70.780231',
      '82.942957', 'twin20', '2.550719', '48.817028', 'm21', '180.000000', '-16.649794', 'm22', '-69.568939',
      '82.098152', 'm23', '2.469930', '48.971196', 'm24', '179.817499', '-16.367075', 'm25', '-69.526138',
      '81.032307', 'm26', '2.274990', '48.732871', 'm27', '179.948202', '-16.551926', 'm28', '-71.400521',
      '82.607403', 'm29', '2.093300', '48.725718', 'm30', '2.093300', '48.725718', 'twin30', '179.657560',
      '-16.340659', 'm31', '-69.803291', '81.977801', 'm32', '2.275748', '48.729981', 'm33', '179.862729',
      '-16.576611', 'm34', '-70.491659', '81.245343', 'm35', '2.617232', '48.937580', 'm36', '179.847432',
      '-16.473836', 'm37', '-71.915641', '82.920536', 'm38', '2.145760', '48.804705', 'm39', '180.000000',
      '-16.411946', 'm40', '180.000000', '-16.411946', 'twin40', '-68.671714', '81.366104', 'm41', '2.469114',
      '48.715665', 'm42', '180.000000', '-16.687808', 'm43', '-71.358457', '82.989017', 'm44', '2.455993',
      '48.711759', 'm45', '179.693143', '-16.444300', 'm46', '-71.368342', '82.818187', 'm47', '2.313313',
      '48.958692', 'm48', '179.898663', '-16.634635', 'm49', '-68.876427', '81.007414', 'm50', '-68.876427',
      '81.007414', 'twin50', '2.527953', '48.787951', 'm51', '179.603923', '-16.612755', 'm52', '-70.200757',
      '81.486697', 'm53', '2.494800', '48.914184', 'm54', '179.725464', '-16.616138', 'm55', '-69.310828',
      '82.199908', 'm56', '2.578288', '48.764373', 'm57', '179.606780', '-16.476828', 'm58', '-68.049558',
      '81.862926', 'm59',
    ],
      ':66'],
    [['zcard', 'cloud'], ':66'],
    [['geosearch', 'cloud', 'fromlonlat', '2.35', '48.85', 'byradius', '20', 'km', 'asc', 'withdist'],
      '*19 *2 $m09 $4.5238 *2 $m03 $6.2527 *2 $m12 $7.7269 *2 $m00 $9.4285 *2 $twin00 $9.4285 *2 $m06 ' +
      '$10.0849 *2 $m18 $11.5099 *2 $m48 $12.3835 *2 $m54 $12.7725 *2 $m27 $14.1398 *2 $m33 $14.4156 *2 ' +
      '$m51 $14.7470 *2 $m21 $15.1463 *2 $m39 $15.7810 *2 $m24 $16.0805 *2 $m45 $17.2272 *2 $m42 $17.3050 ' +
      '*2 $m57 $19.2446 *2 $m15 $19.7175'],
    [['geosearch', 'cloud', 'fromlonlat', '2.35', '48.85', 'byradius', '20', 'km', 'asc', 'count', '5'],
      '*5 $m09 $m03 $m12 $twin00 $m00'],
    [['geosearch', 'cloud', 'frommember', 'm00', 'byradius', '30', 'km', 'count', '2'], '*2 $m00 $twin00'],
    [['geosearch', 'cloud', 'frommember', 'm00', 'byradius', '30', 'km', 'desc', 'count', '3', 'withdist'],
      '*3 *2 $m30 $26.6696 *2 $twin30 $26.6696 *2 $m39 $21.8344'],
    [['geosearch', 'cloud', 'frommember', 'm00', 'byradius', '30', 'km', 'count', '3', 'any'], '*3 $m33 $m27 $m39'],
    [['geosearch', 'cloud', 'frommember', 'm00', 'byradius', '30', 'km', 'count', '3', 'any', 'asc'],
      '*3 $m27 $m33 $m39'],
    [['geosearch', 'cloud', 'fromlonlat', '2.35', '48.85', 'bybox', '30', '10', 'km', 'withdist'],
      '*5 *2 $m06 $10.0849 *2 $m09 $4.5238 *2 $m12 $7.7269 *2 $m03 $6.2527 *2 $m21 $15.1463'],
    [[
      'geosearch', 'cloud', 'fromlonlat', '180', '-16.5', 'byradius', '50', 'km', 'asc', 'withdist',
      'withcoord',
    ],
      '*22 *3 $m28 $7.9913 *2 $179.94820386171340942 $-16.55192561137319984 *3 $m19 $9.6341 *2 $180 ' +
      '$-16.41338282224605649 *3 $m40 $9.7937 *2 $180 $-16.41194817006986995 *3 $twin40 $9.7937 *2 $180 ' +
      '$-16.41194817006986995 *3 $m13 $10.6727 *2 $180 $-16.4040449094950489 *3 $m16 $11.5558 *2 ' +
      '$179.97794419527053833 $-16.60172020854840724 *3 $m37 $16.5299 *2 $179.84743326902389526 ' +
      '$-16.47383592189628843 *3 $m22 $16.6613 *2 $180 $-16.64979626477759922 *3 $m34 $16.9364 *2 ' +
      '$179.86272722482681274 $-16.57661126074400215 *3 $m01 $17.4952 *2 $180 $-16.65729396996692202 *3 ' +
      '$m49 $18.4653 *2 $179.89866346120834351 $-16.63463609752358963 *3 $m43 $20.8891 *2 $180 ' +
      '$-16.68780694328304293 *3 $m07 $21.7029 *2 $180 $-16.30487647885706792 *3 $m25 $24.4469 *2 ' +
      '$179.81749981641769409 $-16.36707600138608854 *3 $m04 $31.9154 *2 $179.70533519983291626 ' +
      '$-16.55032620232165641 *3 $m55 $31.9932 *2 $179.72546249628067017 $-16.61613770250273348 *3 $m10 ' +
      '$33.2622 *2 $179.69999223947525024 $-16.41844466040125639 *3 $twin10 $33.2622 *2 ' +
      '$179.69999223947525024 $-16.41844466040125639 *3 $m46 $33.3111 *2 $179.6931418776512146 ' +
      '$-16.44429881622651379 *3 $m31 $40.6066 *2 $179.65755969285964966 $-16.34065913746345444 *3 $m58 ' +
      '$42.0170 *2 $179.60678011178970337 $-16.47682689286430247 *3 $m52 $44.0508 *2 $179.60392087697982788 ' +
      '$-16.61275384975501623'],
    [['geosearch', 'cloud', 'fromlonlat', '-180', '-16.5', 'bybox', '80', '60', 'km', 'desc'],
      '*12 $m31 $m46 $m10 $twin10 $m55 $m04 $m25 $m49 $m34 $m37 $m16 $m28'],
    [['geosearch', 'cloud', 'fromlonlat', '-70', '84', 'byradius', '300', 'km', 'asc', 'withdist'],
      '*17 *2 $m44 $113.7356 *2 $m11 $116.2940 *2 $m20 $117.9816 *2 $twin20 $117.9816 *2 $m38 $122.4760 *2 ' +
      '$m47 $132.5950 *2 $m29 $155.9434 *2 $m56 $200.4256 *2 $m23 $211.6136 *2 $m17 $219.0881 *2 $m02 ' +
      '$224.7532 *2 $m32 $224.9372 *2 $m08 $230.9728 *2 $m59 $239.1594 *2 $m53 $279.5593 *2 $m41 $293.5426 ' +
      '*2 $m05 $295.8153'],
    [['geosearch', 'cloud', 'fromlonlat', '-70', '82', 'bybox', '2000', '300', 'km', 'count', '4'],
      '*4 $m02 $m32 $m17 $m23'],
    [['geosearch', 'cloud', 'fromlonlat', '0', '0', 'byradius', '6000', 'km', 'asc', 'count', '3', 'withdist'],
      '*3 *2 $m45 $5423.1674 *2 $twin30 $5423.3133 *2 $m30 $5423.3133'],
    [[
      'geosearch', 'cloud', 'fromlonlat', '90', '0', 'byradius', '20000', 'km', 'desc', 'count', '5',
      'withhash',
    ],
      '*5 *2 $m14 :2073916643815268 *2 $m26 :2074354765841381 *2 $twin50 :2074457499930494 *2 $m50 ' +
      ':2074457499930494 *2 $m35 :2074139224888524'],
    [['georadius', 'cloud', '2.35', '48.85', '25', 'km', 'count', '7', 'desc', 'withdist'],
      '*7 *2 $twin30 $23.3441 *2 $m30 $23.3441 *2 $m36 $21.8350 *2 $m15 $19.7175 *2 $m57 $19.2446 *2 $m42 ' +
      '$17.3050 *2 $m45 $17.2272'],
    [['georadiusbymember', 'cloud', 'm30', '30', 'km', 'count', '4', 'asc'], '*4 $m30 $twin30 $m39 $m27'],
    [['georadiusbymember_ro', 'cloud', 'm01', '100', 'km', 'withdist', 'asc'],
      '*22 *2 $m01 $0.0000 *2 $m22 $0.8339 *2 $m43 $3.3938 *2 $m16 $6.6131 *2 $m49 $11.0891 *2 $m28 ' +
      '$12.9550 *2 $m34 $17.1637 *2 $m37 $26.0947 *2 $m19 $27.1293 *2 $m40 $27.2889 *2 $twin40 $27.2889 *2 ' +
      '$m13 $28.1680 *2 $m55 $29.6135 *2 $m04 $33.5858 *2 $m25 $37.6928 *2 $m07 $39.1981 *2 $m46 $40.3933 ' +
      '*2 $m10 $41.5815 *2 $twin10 $41.5815 *2 $m52 $42.5004 *2 $m58 $46.4786 *2 $m31 $50.7349'],
    [['geohash', 'cloud', 'm00', 'm01', 'm02', 'twin00'], '*4 $u09txd5nb00 $2j010p8h0p0 $fqw62egu4x0 $u09txd5nb00'],
    [['geopos', 'cloud', 'm00', 'm01', 'm02'],
      '*3 *2 $2.44309276342391968 $48.79144452294849543 *2 $180 $-16.65729396996692202 *2 ' +
      '$-69.93369966745376587 $81.97933189101161133'],
    [['geodist', 'cloud', 'm00', 'm01', 'km'], '$16439.7038'],
    [['geodist', 'cloud', 'm01', 'm02', 'mi'], '$7550.6644'],
  ]],
];

describe('geo commands replay Redis 7.0', () => {
  for (const [name, proto, steps] of SCENARIOS) {
    test(`${name} (RESP${proto})`, () => {
      const s = new WireServer();
      s.base.client.proto = proto;
      for (const [argv, expected] of steps) expect([argv, s.run(...argv)]).toEqual([argv, expected]);
    });
  }
});

const SICILY = ['geoadd', 'Sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'];

describe('geo writes: notifications, propagation, stored encoding', () => {
  test('GEOADD runs as the ZADD Redis rewrites it into', () => {
    const s = new WireServer();
    expect(s.run(...SICILY)).toBe(':2');
    expect(s.notifications).toEqual(['z:zadd:Sicily']);
    expect(s.propagated).toEqual([['zadd', 'Sicily', '3479099956230698', 'Palermo', '3479447370796909', 'Catania']]);
    s.propagated = [];
    s.notifications = [];
    expect(s.run('geoadd', 'Sicily', 'nx', 'ch', '13.361389', '38.115556', 'Palermo')).toBe(':0');
    // Nothing changed: zadd replaces the propagation with nothing, and nothing is notified.
    expect(s.propagated).toEqual([['zadd', 'Sicily', 'nx', 'ch', '3479099956230698', 'Palermo'], []]);
    expect(s.notifications).toEqual([]);
  });

  test('the store variants notify their own events, and an empty result deletes the destination', () => {
    const s = new WireServer();
    s.run(...SICILY);
    s.notifications = [];
    expect(s.run('geosearchstore', 'd', 'Sicily', 'fromlonlat', '15', '37', 'byradius', '200', 'km')).toBe(':2');
    expect(s.run('georadius', 'Sicily', '15', '37', '200', 'km', 'store', 'r')).toBe(':2');
    expect(s.run('georadius', 'Sicily', '15', '37', '1', 'm', 'storedist', 'r')).toBe(':0');
    expect(s.notifications).toEqual(['z:geosearchstore:d', 'z:georadiusstore:r', 'g:del:r']);
    // A small result is stored in the compact (listpack) encoding, as zsetConvertToListpackIfNeeded.
    expect(s.zset('d').compact).toBe(true);
    expect(s.zset('d').score('Palermo')).toBe(3479099956230698);
  });

  test('a member added at the edge keeps the score Redis computes (bit 52 set)', () => {
    const s = new WireServer();
    s.run('geoadd', 'k', '180', '85.05112878', 'edge');
    expect(s.zset('k').score('edge')).toBe(13510798882111488);
  });
});

describe('geo key positions (COMMAND GETKEYS)', () => {
  const table = new TestServer().table;
  const keys = (...argv: string[]): number[] => {
    const c = table.get(argv[0]);
    if (c === undefined) throw new Error(argv[0]);
    return c.keyIndexes(argv);
  };
  // Expectations from Redis 7.0.15's COMMAND GETKEYS (its key specs: first STORE, first STOREDIST).
  test('GEORADIUS reports the keys after the first STORE and the first STOREDIST', () => {
    expect(keys('georadius', 'k', '1', '2', '3', 'm')).toEqual([1]);
    expect(keys('georadius', 'k', '1', '2', '3', 'm', 'store', 'a', 'storedist', 'b')).toEqual([1, 7, 9]);
    expect(keys('georadius', 'k', '1', '2', '3', 'm', 'storedist', 'b', 'store', 'a')).toEqual([1, 9, 7]);
    expect(keys('georadius', 'k', '1', '2', '3', 'm', 'store', 'a', 'store', 'b')).toEqual([1, 7]);
    expect(keys('georadiusbymember', 'k', 'x', '3', 'm', 'STORE', 'a')).toEqual([1, 6]);
    expect(keys('georadiusbymember', 'k', 'store', '3', 'm', 'count', '1')).toEqual([1]);
    expect(keys('georadius', 'k', '1', '2', '3', 'm', 'store')).toEqual([1]);
    expect(table.get('georadius')?.movableKeys).toBe(true);
    expect(table.get('georadius_ro')?.movableKeys).toBe(false);
  });
  test('GEOSEARCHSTORE has its destination and source first', () => {
    expect(keys('geosearchstore', 'd', 's', 'frommember', 'm', 'byradius', '1', 'm')).toEqual([1, 2]);
    expect(keys('geosearch', 's', 'frommember', 'm', 'byradius', '1', 'm')).toEqual([1]);
  });
});

describe('coordinates in RESP3 outside a connection (MULTI, scripts)', () => {
  test('a value sink gets the double that the printed digits stand for', () => {
    const s = new WireServer();
    s.run(...SICILY);
    s.base.client.proto = 3;
    const sink = new ValueCollector(3);
    s.runOn(sink, ['geopos', 'Sicily', 'Palermo']);
    expect(sink.values).toEqual([
      { t: 'array', items: [{ t: 'array', items: [{ t: 'double', d: 13.36138933897018433 }, { t: 'double', d: 38.11555639549629859 }] }] },
    ]);
  });
});

describe('number formats', () => {
  test('"%.4f" and "%f" round the exact binary value half to even, as glibc', () => {
    expect(formatFixed(0.03125, 4)).toBe('0.0312');
    expect(formatFixed(0.09375, 4)).toBe('0.0938');
    // Values from glibc's printf: 1.00005 and 1.00015 lie above the tie in binary, 2.00025 below.
    expect(formatFixed(1.00005, 4)).toBe('1.0001');
    expect(formatFixed(1.00015, 4)).toBe('1.0002');
    expect(formatFixed(2.00025, 4)).toBe('2.0002');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(-0, 6)).toBe('-0.000000');
    expect(formatFixed(181, 6)).toBe('181.000000');
    expect(formatFixed(1e22, 2)).toBe('10000000000000000000000.00');
    expect(formatFixed(-Infinity, 6)).toBe('-inf');
  });
  test('coordinates print as the widened long double with 17 decimals, trailing zeros trimmed', () => {
    expect(formatHumanDouble(13.361389338970184)).toBe('13.36138933897018433');
    expect(formatHumanDouble(180)).toBe('180');
    expect(formatHumanDouble(0.5)).toBe('0.5');
    expect(formatHumanDouble(-85.05112751263942528)).toBe('-85.05112751263942528');
  });
});

describe("Redis's partial quicksort", () => {
  test('positions left..right hold what a full sort puts there', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 300; round++) {
      const values = Array.from({ length: rnd(120) + 1 }, () => rnd(25));
      const left = rnd(values.length);
      const right = left + rnd(values.length - left);
      const sorted = [...values].sort((a, b) => a - b);
      const partial = [...values];
      pqsort(partial, (a, b) => a - b, left, right);
      expect(partial.slice(left, right + 1)).toEqual(sorted.slice(left, right + 1));
      expect([...partial].sort((a, b) => a - b)).toEqual(sorted);
    }
  });
});
