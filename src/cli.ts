#!/usr/bin/env node
/**
 * `fixpoint check` and `fixpoint explain` (DESIGN §4). Exit status: 0 no findings, 1 findings (or a
 * scenario that could not run, or a partial result), 2 config, usage or load errors.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { check, LoadError } from './check/check.ts';
import { ConfigError } from './check/index.ts';
import type { Report } from './check/report.ts';
import { diff } from './diff/run-diff.ts';
import { GitError } from './diff/git.ts';
import { renderComment, renderJobSummary } from './report/markdown.ts';
import { explainTrace, renderDiff, renderReport } from './report/terminal.ts';
import { errorMessage } from './error-message.ts';

const USAGE = `usage:
  fixpoint check [--config FILE] [--scenario NAME]... [--json FILE]
  fixpoint diff --base REF [--head REF] [--fail-on new-findings|any-finding|converged-change|never] [--all]
                [--config FILE] [--json FILE] [--markdown FILE] [--install-command CMD]
  fixpoint explain REPORT.json --scenario NAME [--finding N | --state ID]`;

const FAIL_ON = ['new-findings', 'any-finding', 'converged-change', 'never'] as const;

/** Runs one command line; returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'check') return await checkCommand(rest);
    if (command === 'diff') return await diffCommand(rest);
    if (command === 'explain') return await explainCommand(rest);
    if (command === '--help' || command === 'help') {
      console.log(USAGE);
      return 0;
    }
    console.error(command === undefined ? USAGE : `unknown command "${command}"\n${USAGE}`);
    return 2;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof LoadError || error instanceof UsageError || error instanceof GitError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

class UsageError extends Error {}

function parse(args: readonly string[], options: ParseArgsOptionsConfig) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${errorMessage(error)}\n${USAGE}`);
  }
}

async function checkCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    config: { type: 'string', default: 'fixpoint.yaml' },
    scenario: { type: 'string', multiple: true },
    json: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n${USAGE}`);
  const interactive = process.stderr.isTTY === true;
  let lastLine = 0;
  const report = await check({
    config: String(values.config),
    scenarios: (values.scenario as string[] | undefined) ?? [],
    onProgress: (scenario, progress) => {
      const line = `${scenario}: ${progress.states.toLocaleString('en-US')} states, frontier ${progress.frontier.toLocaleString('en-US')}, depth ${progress.depth}, ${Math.round(progress.statesPerSecond).toLocaleString('en-US')} states/s`;
      if (interactive) process.stderr.write(`\r\u001b[2K${line}`);
      else if (progress.elapsedMs - lastLine >= 10_000) {
        lastLine = progress.elapsedMs;
        process.stderr.write(`${line}\n`);
      }
    },
  });
  if (interactive) process.stderr.write('\r\u001b[2K');
  if (values.json) await writeFile(String(values.json), `${JSON.stringify(report, null, 2)}\n`);
  console.log(renderReport(report, { color: process.stdout.isTTY === true }));
  return verdictStatus(report);
}

/** 0 only for a complete pass: findings, errors and partial results all fail the check. */
export function verdictStatus(report: Report): number {
  return report.scenarios.every((scenario) => scenario.status === 'complete' && scenario.findings.length === 0) ? 0 : 1;
}

async function diffCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    base: { type: 'string' },
    head: { type: 'string' },
    'fail-on': { type: 'string', default: 'new-findings' },
    all: { type: 'boolean', default: false },
    config: { type: 'string', default: 'fixpoint.yaml' },
    json: { type: 'string' },
    markdown: { type: 'string' },
    'summary-markdown': { type: 'string' },
    'install-command': { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n${USAGE}`);
  if (typeof values.base !== 'string') throw new UsageError(`--base is required\n${USAGE}`);
  const failOn = FAIL_ON.find((policy) => policy === values['fail-on']);
  if (!failOn) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${String(values['fail-on'])}"`);
  const result = await diff({
    base: values.base,
    ...(typeof values.head === 'string' ? { head: values.head } : {}),
    failOn,
    all: values.all === true,
    config: String(values.config),
    ...(typeof values['install-command'] === 'string' ? { installCommand: values['install-command'] } : {}),
    onProgress: (message) => process.stderr.write(`${message}\n`),
  });
  if (typeof values.json === 'string') await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);
  if (typeof values.markdown === 'string') await writeFile(values.markdown, renderComment(result, {}));
  if (typeof values['summary-markdown'] === 'string') await writeFile(values['summary-markdown'], renderJobSummary(result));
  console.log(renderDiff(result, { color: process.stdout.isTTY === true }));
  if (result.base.error !== undefined || result.head.error !== undefined) return 2;
  return result.verdict.failed ? 1 : 0;
}

async function explainCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parse(args, { scenario: { type: 'string' }, finding: { type: 'string' }, state: { type: 'string' } });
  const [file] = positionals;
  if (!file || !values.scenario) throw new UsageError(USAGE);
  let report: Report;
  try {
    report = JSON.parse(await readFile(file, 'utf8')) as Report;
  } catch (error) {
    throw new UsageError(`cannot read report ${file}: ${errorMessage(error)}`);
  }
  const scenario = report.scenarios.find((candidate) => candidate.name === values.scenario);
  if (!scenario) throw new UsageError(`${file}: no scenario "${String(values.scenario)}"; scenarios: ${report.scenarios.map((candidate) => candidate.name).join(', ')}`);
  const style = { color: process.stdout.isTTY === true };
  if (values.state !== undefined) {
    const converged = scenario.converged.find((candidate) => candidate.id === values.state || candidate.id.startsWith(String(values.state)));
    if (!converged) throw new UsageError(`${file}: scenario ${scenario.name} has no converged state "${String(values.state)}"; states: ${scenario.converged.map((candidate) => candidate.id).join(', ')}`);
    console.log(`converged state ${converged.id} of scenario ${scenario.name}\n`);
    console.log(explainTrace(converged.trace, style));
    return 0;
  }
  const number = Number(values.finding ?? '1');
  const finding = scenario.findings[number - 1];
  if (!Number.isInteger(number) || !finding) throw new UsageError(`${file}: scenario ${scenario.name} has ${scenario.findings.length} finding(s); --finding takes 1 to ${scenario.findings.length}`);
  console.log(`finding ${number} of scenario ${scenario.name}: ${finding.kind}${finding.controller ? ` (${finding.controller})` : ''}\n${finding.message}\n`);
  console.log(explainTrace(finding.trace, style));
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
