import type { CommandDef } from '../table';

export const bitmapCommands: CommandDef[] = [];
