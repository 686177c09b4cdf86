import type { CommandDef } from '../table';

export const dumpCommands: CommandDef[] = [];
