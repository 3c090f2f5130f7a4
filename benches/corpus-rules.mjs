// Elastic's Azure query rules for the benchmarks, read from the shared corpus
// where it is (never copied into the project).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

/** The rule files (top level and building blocks) as `{ origin, text }`, or null without the corpus. */
export function corpusRules(root) {
  const directory = path.join(root, '..', 'shared', 'corpus', 'detection-rules-azure');
  if (!existsSync(directory)) return null;
  return [directory, path.join(directory, 'rules_building_block')].flatMap((folder) =>
    readdirSync(folder)
      .filter((name) => name.endsWith('.toml'))
      .map((name) => ({ origin: name, text: readFileSync(path.join(folder, name), 'utf8') })),
  );
}
