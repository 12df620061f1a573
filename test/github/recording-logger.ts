import type { GitHubLogger } from '../../src/github/octokit.ts';

/** A logger that keeps what it was told, so tests can read the warnings. */
export function recordingLogger(): GitHubLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (message) => lines.push(`debug: ${message}`),
    info: (message) => lines.push(`info: ${message}`),
    warning: (message) => lines.push(`warning: ${message}`),
  };
}
