import type { CommandDef } from '../table';

export const sortCommands: CommandDef[] = [];
