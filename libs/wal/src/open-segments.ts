import * as path from 'node:path';
import { WalCorruptionError } from './errors';
import type { FileLayer } from './file-layer';
import { scanSegment } from './recovery';
import { parseSegmentFileName, Segment } from './segment';

export interface RecoveryReport {
  segments: number;
  records: number;
  /** bytes of a torn tail cut from the last segment (0 when the log was closed cleanly) */
  truncatedTailBytes: number;
}

/** Opens, verifies and indexes every segment of `dir`; creates the first one if there is none. */
export async function openSegments(
  files: FileLayer,
  dir: string,
  firstIndexOfNewLog: number,
  maxPayloadBytes: number,
): Promise<{ segments: Segment[]; report: RecoveryReport }> {
  await files.mkdirp(dir);
  const found = (await files.list(dir))
    .map((name) => ({ name, firstIndex: parseSegmentFileName(name) }))
    .filter((entry): entry is { name: string; firstIndex: number } => entry.firstIndex !== undefined)
    .sort((a, b) => a.firstIndex - b.firstIndex);

  const segments: Segment[] = [];
  const report: RecoveryReport = { segments: 0, records: 0, truncatedTailBytes: 0 };
  try {
    for (let i = 0; i < found.length; i++) {
      const filePath = path.join(dir, found[i].name);
      const previous = segments[segments.length - 1];
      if (previous && found[i].firstIndex !== previous.lastIndex + 1) {
        throw new WalCorruptionError(filePath, 0, `segment starts at index ${found[i].firstIndex}, expected ${previous.lastIndex + 1}`);
      }
      const file = await files.open(filePath, 'write');
      let scanned;
      try {
        scanned = await scanSegment(file, filePath, i === found.length - 1, maxPayloadBytes);
        if (scanned.validBytes < scanned.fileBytes) {
          await file.truncate(scanned.validBytes);
          await file.sync();
          report.truncatedTailBytes = scanned.fileBytes - scanned.validBytes;
        }
      } catch (error) {
        await file.close();
        throw error;
      }
      segments.push(new Segment(found[i].firstIndex, filePath, file, scanned.validBytes, scanned.recordOffsets));
      report.records += scanned.recordOffsets.length;
    }
    if (segments.length === 0) {
      const filePath = Segment.pathFor(dir, firstIndexOfNewLog);
      segments.push(new Segment(firstIndexOfNewLog, filePath, await files.open(filePath, 'create'), 0));
      await files.syncDir(dir);
    }
  } catch (error) {
    await Promise.allSettled(segments.map((segment) => segment.file.close()));
    throw error;
  }
  report.segments = segments.length;
  return { segments, report };
}
