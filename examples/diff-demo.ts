/**
 * The main job end to end (`npm start`): a small repository in two commits of the tls-secrets
 * example — the base creates each missing Secret, the head "simplifies" the reconcile to skip the
 * whole step once the first Secret exists — and `fixpoint diff` between them, printed as on a
 * terminal and as the PR comment a reviewer would see.
 */
import { rm } from 'node:fs/promises';
import { diff } from '../src/diff/run-diff.ts';
import { renderComment } from '../src/report/markdown.ts';
import { renderDiff } from '../src/report/terminal.ts';
import { tlsSecretsHistory } from './tls-secrets-history.ts';

const directory = await tlsSecretsHistory();
try {
  const result = await diff({ directory, base: 'HEAD~1', head: 'HEAD', onProgress: (message) => process.stderr.write(`· ${message}\n`) });
  console.log(renderDiff(result, { color: process.stdout.isTTY === true }));
  console.log('\n────────── the PR comment ──────────\n');
  console.log(renderComment(result, {}));
} finally {
  await rm(directory, { recursive: true, force: true });
}
