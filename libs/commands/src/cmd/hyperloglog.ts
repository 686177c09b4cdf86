import type { CommandDef } from '../table';

export const hyperloglogCommands: CommandDef[] = [];
