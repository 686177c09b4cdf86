import type { CommandDef } from '../table';

export const hashCommands: CommandDef[] = [];
