import { RequestParser, type ParserLimits } from '@strata/resp';

/** Feeds the chunks and returns every command, or the ProtocolError message as the last entry. */
export function parseChunks(chunks: (string | Buffer)[], limits?: ParserLimits, setup?: (p: RequestParser) => void): { commands: string[][]; error: string | null } {
  const parser = new RequestParser(limits);
  setup?.(parser);
  const commands: string[][] = [];
  try {
    for (const c of chunks) parser.feed(typeof c === 'string' ? Buffer.from(c, 'latin1') : c, (argv) => commands.push(argv));
  } catch (e) {
    return { commands, error: (e as Error).message };
  }
  return { commands, error: null };
}

export function parseAll(input: string, limits?: ParserLimits): { commands: string[][]; error: string | null } {
  return parseChunks([input], limits);
}
