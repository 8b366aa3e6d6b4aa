import { stat } from 'node:fs/promises';
import path from 'node:path';

/** The words of an answer that lists several paths or URLs (separated by spaces). */
export function words(value: string): string[] {
  return value.trim().split(/\s+/).filter(Boolean);
}

/** A validator: every word typed names an existing file (or directory), relative to `cwd`. */
export function existing(cwd: string, kind: 'file' | 'directory', several = false) {
  return async (value: string): Promise<true | string> => {
    const list = several ? words(value) : [value.trim()];
    if (list.length === 0 || list[0] === '') return `Name at least one ${kind}.`;
    for (const word of list) {
      const st = await stat(path.resolve(cwd, word)).catch(() => undefined);
      if (!st) return `${word} does not exist.`;
      if (kind === 'file' ? !st.isFile() : !st.isDirectory()) return `${word} is not a ${kind}.`;
    }
    return true;
  };
}

/** Absolute, so the printed command works from any directory. */
export function absolute(cwd: string, list: string[]): string[] {
  return list.map((w) => path.resolve(cwd, w));
}
