import type { CommandDef } from '../table';

export const setCommands: CommandDef[] = [];
