import { bitmapCommands } from './cmd/bitmaps';
import { blockingPopCommands } from './cmd/blocking-pops';
import { dumpCommands } from './cmd/dump';
import { geoCommands } from './cmd/geo';
import { hashCommands } from './cmd/hashes';
import { hyperloglogCommands } from './cmd/hyperloglog';
import { keyCommands } from './cmd/keys';
import { listCommands } from './cmd/lists';
import { setCommands } from './cmd/sets';
import { sortCommands } from './cmd/sort';
import { streamCommands } from './cmd/streams';
import { stringCommands } from './cmd/strings';
import { zsetCommands } from './cmd/zsets';
import type { CommandDef } from './table';

/**
 * Every command module's definitions. The server builds its CommandTable from this list plus the
 * commands it implements itself (connection and server state).
 */
export const dataCommands: CommandDef[] = [
  ...stringCommands,
  ...bitmapCommands,
  ...keyCommands,
  ...dumpCommands,
  ...sortCommands,
  ...listCommands,
  ...blockingPopCommands,
  ...hashCommands,
  ...setCommands,
  ...zsetCommands,
  ...streamCommands,
  ...geoCommands,
  ...hyperloglogCommands,
];

/** The hook of blocking XREAD/XREADGROUP (see cmd/stream-read.ts). */
export { readStreamsForClient, parseStreamRead, type StreamReadRequest } from './cmd/streams';
