import type { CommandDef } from '../table';

export const keyCommands: CommandDef[] = [];
